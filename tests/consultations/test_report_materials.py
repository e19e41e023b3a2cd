"""A session report's materials: checked by content like every other upload, stored under a
generated name, given back under the original one to whoever may see the session."""

from urllib.parse import quote

from django.core.files.uploadedfile import SimpleUploadedFile

from consultations.models import Session, SessionReport
from tests.expertise import badfiles
from tests.tutoring.factories import MunicipalityFactory, user_with_role
from tutoring.models import RoleKind

from .test_reports import past_session, report_data


def report(client, session, materials):
    client.force_login(session.tutor)
    url = f"/consultations/sessions/{session.pk}/report/"
    return client.post(url, report_data(materials=materials), follow=True).content.decode()


def test_it_refuses_an_executable_named_pdf_with_the_uploads_message(client, db):
    session = past_session()

    page = report(client, session, badfiles.exe_as_pdf("план занятия.pdf"))

    assert "Файл «план занятия.pdf» не является документом" in page
    assert "по содержимому это другой тип файла" in page
    assert not SessionReport.objects.exists()
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED


def test_it_refuses_a_zip_bomb(client, db):
    session = past_session()

    page = report(client, session, badfiles.zip_bomb_docx("материалы.docx"))

    assert "похож на архив-бомбу" in page
    assert not SessionReport.objects.exists()


def test_it_stores_a_real_pdf_under_a_generated_name_and_gives_back_the_original(client, db):
    session = past_session()

    page = report(client, session, badfiles.good_pdf("план занятия.pdf"))

    assert "Отчёт о занятии сохранён." in page
    stored = SessionReport.objects.get(session=session)
    assert stored.materials_name == "план занятия.pdf"
    assert "план" not in stored.materials.name and stored.materials.name.endswith(".pdf")
    response = client.get(f"/consultations/sessions/{session.pk}/materials/")
    assert quote("план занятия.pdf") in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_it_accepts_a_zip_of_several_files(client, db):
    session = past_session()
    archive = SimpleUploadedFile("материалы.zip", badfiles._zip({"a.txt": "раз", "b.txt": "два"}))

    assert "Отчёт о занятии сохранён." in report(client, session, archive)
    assert SessionReport.objects.get(session=session).materials.name.endswith(".zip")


def test_it_does_not_give_the_materials_to_another_municipality(client, db):
    session = past_session()
    report(client, session, badfiles.good_pdf())
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory()))

    response = client.get(f"/consultations/sessions/{session.pk}/materials/")

    assert response.status_code in (403, 404)
