import datetime
from zoneinfo import ZoneInfo

from django.core import mail
from django.utils import timezone

from consultations.models import CalendarFeed, ConsultationRequest
from consultations.tasks import send_request_email
from tests.tutoring.factories import MunicipalityFactory, user_with_role
from tutoring.models import RoleKind

from .factories import ConsultationRequestFactory, SessionFactory

KALTAN = ZoneInfo("Asia/Novokuznetsk")


def local_day():
    return (timezone.now().astimezone(KALTAN) + datetime.timedelta(days=10)).date()


def kaltan_session(**fields):
    municipality = MunicipalityFactory(timezone="Asia/Novokuznetsk")
    starts = datetime.datetime.combine(local_day(), datetime.time(15, 30), tzinfo=KALTAN)
    return SessionFactory(
        municipality=municipality,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        **fields,
    )


def feed_of(client, user):
    client.force_login(user)
    client.get("/consultations/calendar/")
    token = CalendarFeed.objects.get(user=user).token
    client.logout()
    return client.get(f"/consultations/calendar/{token}.ics")


def test_it_puts_the_tutors_session_in_the_feed_at_the_local_hour(client, db):
    session = kaltan_session()
    body = feed_of(client, session.tutor).content.decode()
    assert f"DTSTART;TZID=Asia/Novokuznetsk:{local_day():%Y%m%d}T153000" in body
    assert "BEGIN:VTIMEZONE" in body and "TZID:Asia/Novokuznetsk" in body


def test_it_shows_a_tutor_only_their_own_sessions_in_the_feed(client, db):
    session = kaltan_session()
    other = SessionFactory(municipality=session.municipality)
    body = feed_of(client, session.tutor).content.decode()
    assert f"session-{session.pk}@" in body
    assert f"session-{other.pk}@" not in body


def test_it_answers_404_for_an_unknown_or_replaced_address(client, db):
    tutor = kaltan_session().tutor
    client.force_login(tutor)
    client.get("/consultations/calendar/")
    old = CalendarFeed.objects.get(user=tutor).token
    client.post("/consultations/calendar/reset/")
    client.logout()
    assert client.get(f"/consultations/calendar/{old}.ics").status_code == 404
    assert client.get("/consultations/calendar/nope.ics").status_code == 404


def test_it_mails_the_requester_with_the_session_attached(db):
    request = ConsultationRequestFactory(status=ConsultationRequest.Status.SCHEDULED)
    request.requested_by.email = "school20@example.ru"
    request.requested_by.save()
    SessionFactory(request=request, municipality=request.municipality)
    assert send_request_email(request.pk, "scheduled")
    letter = mail.outbox[0]
    assert letter.to == ["school20@example.ru"]
    assert letter.subject == f"Назначено занятие: заявка № {request.pk}"
    filename, content, mimetype = letter.attachments[0]
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    assert "BEGIN:VEVENT" in str(content)


def test_it_sends_nothing_to_a_requester_without_an_address(db):
    request = ConsultationRequestFactory()
    assert send_request_email(request.pk, "accepted") is False
    assert mail.outbox == []


def test_it_queues_a_letter_when_the_methodist_accepts(
    client, db, django_capture_on_commit_callbacks
):
    request = ConsultationRequestFactory()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=request.municipality))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(f"/consultations/requests/{request.pk}/accept/")
    assert len(callbacks) == 1
