import datetime

from django.utils import timezone

from consultations.models import Schedule
from consultations.services.schedules import SCHEDULE_DOCUMENT
from tests.pdftext import pages_of, table_cells
from tests.tutoring.factories import MunicipalityFactory, issuer_with_head, user_with_role
from tutoring.models import Document, RoleKind
from tutoring.tasks import render_document

from .factories import ConsultationPointFactory, ConsultationRequestFactory, SessionFactory


def week_with_a_session():
    point = ConsultationPointFactory(name="Муниципальный тьюторский консультационный пункт")
    issuer_with_head(point.municipality)
    request = ConsultationRequestFactory(municipality=point.municipality, topic="Смысловое чтение")
    session = SessionFactory(municipality=point.municipality, point=point, request=request)
    day = session.starts_at.astimezone(point.municipality.tzinfo).date()
    return point, session, day


def create(client, point, day):
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=point.municipality))
    return client.post(
        "/consultations/schedules/new/",
        {"point": point.pk, "starts_on": day.isoformat(), "ends_on": day.isoformat()},
        follow=True,
    )


def test_it_lets_the_methodist_compose_a_schedule_of_the_points_sessions(client, db):
    point, session, day = week_with_a_session()
    page = create(client, point, day).content.decode()
    assert "График составлен." in page
    assert "Смысловое чтение" in page and session.tutor.short_name in page


def test_it_lets_the_director_approve_and_print_the_schedule(client, db):
    point, _, day = week_with_a_session()
    create(client, point, day)
    schedule = Schedule.objects.get()
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=point.municipality))
    response = client.post(f"/consultations/schedules/{schedule.pk}/approve/", follow=True)
    assert "График утверждён." in response.content.decode()
    document = Document.objects.get(kind=SCHEDULE_DOCUMENT, object_id=str(schedule.pk))
    render_document(document.pk)
    document.refresh_from_db()
    cells = table_cells(document)
    assert any("Смысловое чтение" in cell for cell in cells)
    assert f"{day:%d.%m.%Y}" in cells


def approved_schedule_text(client):
    point, _, day = week_with_a_session()
    create(client, point, day)
    schedule = Schedule.objects.get()
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=point.municipality))
    client.post(f"/consultations/schedules/{schedule.pk}/approve/")
    document = Document.objects.get(kind=SCHEDULE_DOCUMENT, object_id=str(schedule.pk))
    render_document(document.pk)
    document.refresh_from_db()
    return pages_of(document)[0]


def test_it_prints_the_schedule_under_the_heads_approval(client, db):
    lines = approved_schedule_text(client).splitlines()
    stamp = lines[lines.index("УТВЕРЖДАЮ") :][:4]
    assert stamp[1] == "Директор МКУ ИМЦ г. Лабинска"
    assert stamp[2].endswith("С. И. Орлов")


def test_it_numbers_the_schedule_and_names_the_place_and_the_point_once(client, db):
    text = approved_schedule_text(client)
    schedule = Schedule.objects.get()
    assert schedule.number == 1
    assert "№&nbsp;1" in client.get(schedule.get_absolute_url()).content.decode()
    assert "ГРАФИК РАБОТЫ" in text and "№ 1" in text and "г. Лабинск" in text
    one_line = " ".join(text.split())
    assert one_line.count("консультационный пункт") == 1
    assert "пункта «" not in one_line


def test_it_numbers_schedules_through_the_year(client, db):
    point, _, day = week_with_a_session()
    director = user_with_role(RoleKind.DIRECTOR, municipality=point.municipality)
    for _ in range(2):
        create(client, point, day)
        schedule = Schedule.objects.filter(status="draft").get()
        client.force_login(director)
        client.post(f"/consultations/schedules/{schedule.pk}/approve/")
    assert sorted(Schedule.objects.values_list("number", flat=True)) == [1, 2]


def test_it_keeps_the_approval_as_signed_when_the_head_changes(client, db):
    approved_schedule_text(client)
    schedule = Schedule.objects.get()
    schedule.municipality.issuer.heads.update(name="А. Б. Другой")
    assert schedule.snapshot["approval"]["name"] == "С. И. Орлов"


def test_it_refuses_to_approve_while_the_issuers_head_is_unknown(client, db):
    point, _, day = week_with_a_session()
    point.municipality.issuer.heads.all().delete()
    create(client, point, day)
    schedule = Schedule.objects.get()
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=point.municipality))
    response = client.post(f"/consultations/schedules/{schedule.pk}/approve/", follow=True)
    assert "Не указан руководитель организации" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.is_draft


def test_it_freezes_the_approved_schedule(client, db):
    point, session, day = week_with_a_session()
    create(client, point, day)
    schedule = Schedule.objects.get()
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=point.municipality))
    client.post(f"/consultations/schedules/{schedule.pk}/approve/")
    SessionFactory(municipality=point.municipality, point=point, starts_at=session.ends_at,
                   ends_at=session.ends_at + datetime.timedelta(hours=1))  # fmt: skip
    schedule.refresh_from_db()
    assert len(schedule.snapshot["rows"]) == 1


def test_it_refuses_to_approve_an_empty_schedule(client, db):
    point = ConsultationPointFactory()
    create(client, point, timezone.localdate())
    schedule = Schedule.objects.get()
    client.force_login(user_with_role(RoleKind.DIRECTOR, municipality=point.municipality))
    response = client.post(f"/consultations/schedules/{schedule.pk}/approve/", follow=True)
    assert "нет ни одного занятия" in response.content.decode()
    schedule.refresh_from_db()
    assert schedule.is_draft


def test_it_lets_only_the_director_approve(client, db):
    point, _, day = week_with_a_session()
    create(client, point, day)
    schedule = Schedule.objects.get()
    url = f"/consultations/schedules/{schedule.pk}/approve/"
    for user, status in [
        (user_with_role(RoleKind.METHODIST, municipality=point.municipality), 403),
        (user_with_role(RoleKind.TUTOR, municipality=point.municipality), 403),
        (user_with_role(RoleKind.DIRECTOR, municipality=MunicipalityFactory()), 404),
    ]:
        client.force_login(user)
        assert client.post(url).status_code == status
    schedule.refresh_from_db()
    assert schedule.is_draft
