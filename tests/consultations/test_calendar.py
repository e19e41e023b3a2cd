import datetime
from zoneinfo import ZoneInfo

from django.utils import timezone

from consultations.models import CalendarFeed
from tests.tutoring.factories import MunicipalityFactory, user_with_role
from tutoring.models import Notification, RoleKind

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


def test_it_tells_the_requester_when_the_methodist_accepts(client, db):
    request = ConsultationRequestFactory()
    client.force_login(user_with_role(RoleKind.METHODIST, municipality=request.municipality))
    client.post(f"/consultations/requests/{request.pk}/accept/")
    note = Notification.objects.get(recipient=request.requested_by)
    assert note.kind == "consultations.request.accepted"
    assert note.link == request.get_absolute_url()
