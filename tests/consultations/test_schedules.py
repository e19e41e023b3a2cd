import datetime

import pdfplumber
from django.utils import timezone

from consultations.models import Schedule
from consultations.services.schedules import SCHEDULE_DOCUMENT
from tests.tutoring.factories import MunicipalityFactory, user_with_role
from tutoring.models import Document, RoleKind
from tutoring.tasks import render_document

from .factories import ConsultationPointFactory, ConsultationRequestFactory, SessionFactory


def week_with_a_session():
    point = ConsultationPointFactory()
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
    with document.file.open("rb") as stream, pdfplumber.open(stream) as pdf:
        text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Смысловое чтение" in text and f"{day:%d.%m.%Y}" in text


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
