import pdfplumber
import pytest
from django.urls import reverse

from monitoring import reports
from monitoring.models import Report
from tests.consultations.factories import ConsultationRequestFactory
from tests.tutoring.factories import issuer_with_head, user_with_role
from tutoring.models import AuditEntry, Document, Role, RoleKind
from tutoring.tasks import render_document

from .test_effectiveness import Year, at, vpr, world  # noqa: F401  (the fixture)


@pytest.fixture
def year(world):  # noqa: F811
    return Year(world)


def make(client, user, year, municipality):
    client.force_login(user)
    return client.post(
        reverse("monitoring:report_effectiveness"),
        {"year": year.year.pk, "municipality": municipality.pk},
    )


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as stream, pdfplumber.open(stream) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_a_methodist_makes_the_effectiveness_report(client, world, year):  # noqa: F811
    response = make(client, world.methodist, year, world.municipality)

    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert (
        report.title
        == "Анализ эффективности деятельности сообщества тьюторов за 2025/26 учебный год"
    )
    assert report.data["requests"]["received"] == 5
    assert report.data["sessions_by_kind"] == [
        ["индивидуальная консультация", 1],
        ["супервизия", 2],
    ]
    assert Document.objects.get(kind=reports.DOCUMENT, object_id=str(report.pk)).is_pending
    entry = AuditEntry.objects.get(action="report.create")
    assert (entry.actor, entry.object_id) == (world.methodist, str(report.pk))


def test_the_report_prints_its_figures(client, world, year):  # noqa: F811
    make(client, world.director, year, world.municipality)
    document = Document.objects.get(kind=reports.DOCUMENT)

    render_document(document.pk)

    document.refresh_from_db()
    assert document.is_ready
    text = pdf_text(document)
    assert "Анализ эффективности деятельности сообщества" in text
    assert "2025/26" in text
    assert "супервизия" in text
    assert "Медиана дней от заявки до занятия" in text
    assert "не доказывает" in " ".join(text.split())


def test_the_report_keeps_its_figures_when_the_data_change(client, world, year):  # noqa: F811
    make(client, world.methodist, year, world.municipality)
    report = Report.objects.get()
    document = Document.objects.get(kind=reports.DOCUMENT)
    render_document(document.pk)
    document.refresh_from_db()
    digest = document.sha256

    ConsultationRequestFactory(
        municipality=world.municipality, organization=world.school, created_at=at("2026-01-10")
    )
    render_document(document.pk)

    report.refresh_from_db()
    document.refresh_from_db()
    assert report.data["requests"]["received"] == 5
    assert document.sha256 == digest
    assert "5" in pdf_text(document)


@pytest.mark.parametrize("role", ["school_admin", "teacher", "tutor", "regional"])
def test_only_the_methodical_centre_makes_reports(client, world, year, role):  # noqa: F811
    response = make(client, getattr(world, role), year, world.municipality)

    assert response.status_code == 403
    assert not Report.objects.exists()


def test_a_methodist_cannot_report_on_another_municipality(client, world, year):  # noqa: F811
    response = make(client, world.methodist, year, world.foreign_school.municipality)

    assert response["Location"] == reverse("monitoring:effectiveness")
    assert not Report.objects.exists()


def test_who_reads_a_report(client, world, year):  # noqa: F811
    make(client, world.methodist, year, world.municipality)
    report = Report.objects.get()
    document = Document.objects.get(kind=reports.DOCUMENT)
    cases = [
        (world.methodist, 200, 200),
        (world.director, 200, 200),
        (world.regional, 200, 200),
        (world.tutor, 403, 404),
        (world.school_admin, 403, 404),
        (user_with_role(RoleKind.METHODIST), 404, 404),
    ]
    render_document(document.pk)
    for user, page, download in cases:
        client.force_login(user)
        assert client.get(report.get_absolute_url()).status_code == page, user
        url = reverse("document_download", args=[document.pk])
        assert client.get(url).status_code == download, user


def test_the_list_shows_the_reports(client, world, year):  # noqa: F811
    make(client, world.methodist, year, world.municipality)

    text = client.get(reverse("monitoring:report_list")).content.decode()

    assert "Анализ эффективности деятельности сообщества тьюторов за 2025/26" in text


def test_the_report_draws_the_dynamics_of_the_supported_schools(client, world, year):  # noqa: F811
    vpr(world, 2025, "edu230123", "МОБУ СОШ № 10", twos=8)
    vpr(world, 2026, "edu230123", "МОБУ СОШ № 10", twos=4, seed=1)
    make(client, world.methodist, year, world.municipality)
    report = Report.objects.get()

    assert report.data["dynamics_chart"].startswith("<svg")
    render_document(Document.objects.get(kind=reports.DOCUMENT).pk)
    text = " ".join(pdf_text(Document.objects.get(kind=reports.DOCUMENT)).split())
    assert "Доля отметок «2» на ВПР, %" in text
    # The chart's axis and labelled points, after its caption and before the caveat.
    chart = text.split("Доля отметок «2» на ВПР, %", 1)[1].split("Весна 2025")[0]
    assert "40,0" in chart and "20,0" in chart and "2025" in chart and "2026" in chart


def test_a_report_without_results_draws_no_chart(client, world, year):  # noqa: F811
    make(client, world.methodist, year, world.municipality)

    assert Report.objects.get().data["dynamics_chart"] == ""


def test_the_report_is_numbered_signed_with_initials_first_and_placed(client, world, year):  # noqa: F811
    issuer_with_head(world.municipality)
    Role.objects.filter(user=world.methodist).update(position="методист")
    make(client, world.methodist, year, world.municipality)
    make(client, world.methodist, year, world.municipality)
    first, second = Report.objects.order_by("pk")
    assert (first.number, second.number) == (1, 2)
    assert "№&nbsp;2" in client.get(second.get_absolute_url()).content.decode()
    document = Document.objects.get(kind=reports.DOCUMENT, object_id=str(second.pk))
    render_document(document.pk)
    document.refresh_from_db()
    text = pdf_text(document).replace("\xa0", " ")
    methodist = world.methodist
    name = f"{methodist.first_name[0]}. {methodist.middle_name[0]}. {methodist.last_name}"
    assert f"Методист МКУ ИМЦ г. Лабинска {name}" in text
    assert "№ 2" in text and "г. Лабинск" in text.splitlines()
