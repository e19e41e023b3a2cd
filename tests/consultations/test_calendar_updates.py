"""Calendar updates that clients apply (RFC 5545/5546): every change a calendar shows raises the
entry's SEQUENCE in the change's transaction; the letters carry METHOD:REQUEST or
METHOD:CANCEL with the same UID, the feed carries the current SEQUENCE and no METHOD."""

import datetime
import mailbox as maildir

import pytest
from django.utils import timezone
from icalendar import Calendar

from consultations.calendar import calendar_bytes
from consultations.models import Event, Session
from consultations.services import events as event_services
from consultations.services.booking import session_cancel, session_reschedule
from consultations.services.points import point_update, room_update
from consultations.services.requests import request_accept, request_cancel
from tests.tutoring.factories import OrganizationFactory, user_with_role
from tutoring.models import Notification, Organization, RoleKind
from tutoring.notifications import attachments_for

from .factories import EventFactory, EventRegistrationFactory, SessionFactory
from .test_booking import at, book, booking_world
from .test_events import feed_entries, feed_of

PORTAL = "portal@tutors.example.ru"
SCHOOL = "school7@example.ru"


@pytest.fixture
def world(db, settings):
    settings.DEFAULT_FROM_EMAIL = f"Портал сообщества тьюторов <{PORTAL}>"
    world = booking_world()
    world.request.requested_by.email = SCHOOL
    world.request.requested_by.save(update_fields=["email"])
    return world


def invitations(smtp_server, address: str) -> list[Calendar]:
    """The .ics attachments of the letters the SMTP server received for the address."""
    box = maildir.Maildir(smtp_server.maildir)
    found = []
    for message in box:
        if address not in message["To"]:
            continue
        for part in message.walk():
            if part.get_content_type() == "text/calendar":
                found.append(Calendar.from_ical(part.get_payload(decode=True)))
    return found


def the_invitation(smtp_server, mailbox, address: str = SCHOOL):
    """The one calendar of the one letter that arrived; the box is emptied for the next step."""
    (calendar,) = invitations(smtp_server, address)
    mailbox.clear()
    (entry,) = calendar.walk("VEVENT")
    return calendar, entry


def booked(world, mailbox):
    with mailbox.sending():
        session = book(world)
    mailbox.clear()
    return session


def told(world, kind: str, recipient=None) -> Notification:
    """The latest notification of the kind to the recipient (the requester by default)."""
    recipient = recipient or world.request.requested_by
    return Notification.objects.filter(recipient=recipient, kind=kind).latest("pk")


def invitation(notification: Notification):
    """The one calendar a letter of the notification carries, and its one entry."""
    ((filename, content, mimetype),) = attachments_for(notification)
    assert filename.endswith(".ics") and mimetype == "text/calendar"
    calendar = Calendar.from_ical(content)
    (entry,) = calendar.walk("VEVENT")
    return calendar, entry


def test_it_invites_with_sequence_zero_and_method_request(world):
    session = book(world)
    calendar, entry = invitation(told(world, "consultations.request.scheduled"))
    assert str(calendar["method"]) == "REQUEST"
    assert str(entry["uid"]) == f"session-{session.pk}@tutoring-portal"
    assert entry.decoded("sequence") == 0
    assert str(entry["status"]) == "CONFIRMED"


def test_it_names_the_portal_as_organizer_for_the_points_organization(world):
    book(world)
    _, entry = invitation(told(world, "consultations.request.scheduled"))
    assert str(entry["organizer"]) == f"mailto:{PORTAL}"
    assert entry["organizer"].params["CN"] == world.point.organization.name
    # The letter's only recipient is its only attendee.
    assert str(entry["attendee"]) == f"mailto:{SCHOOL}"


def test_it_invites_the_tutor_as_the_attendee_of_the_tutors_letter(world):
    world.tutor.email = "tutor@example.ru"
    world.tutor.save(update_fields=["email"])
    book(world)
    _, entry = invitation(told(world, "consultations.request.scheduled", world.tutor))
    assert str(entry["attendee"]) == "mailto:tutor@example.ru"


def test_it_sends_the_moved_session_with_sequence_one_and_the_same_uid(world):
    session = book(world)
    _, first = invitation(told(world, "consultations.request.scheduled"))
    session_reschedule(
        actor=world.methodist,
        session=session,
        starts_at=at(world, world.monday, 15),
        ends_at=at(world, world.monday, 16),
    )
    calendar, entry = invitation(told(world, "consultations.request.rescheduled"))
    assert str(calendar["method"]) == "REQUEST"
    assert first.decoded("sequence") == 0 and entry.decoded("sequence") == 1
    assert str(entry["uid"]) == str(first["uid"]) == f"session-{session.pk}@tutoring-portal"
    assert entry.decoded("dtstart") == at(world, world.monday, 15)


def test_it_cancels_the_session_in_the_calendar(world):
    session = book(world)
    session_cancel(actor=world.methodist, session=session, reason="Тьютор на курсах")
    calendar, entry = invitation(told(world, "consultations.request.cancelled"))
    assert str(calendar["method"]) == "CANCEL"
    assert str(entry["uid"]) == f"session-{session.pk}@tutoring-portal"
    assert str(entry["status"]) == "CANCELLED"
    assert entry.decoded("sequence") == 1


def test_it_cancels_the_sessions_of_a_cancelled_request(world):
    session = book(world)
    request_cancel(actor=world.methodist, request=world.request, reason="Школа на карантине")
    session.refresh_from_db()
    assert session.sequence == 1
    calendar, entry = invitation(told(world, "consultations.request.cancelled"))
    assert str(calendar["method"]) == "CANCEL"
    assert str(entry["status"]) == "CANCELLED" and entry.decoded("sequence") == 1


def test_it_attaches_no_calendar_to_a_notification_without_sessions(world):
    world.request.status = "submitted"
    world.request.save(update_fields=["status"])
    request_accept(actor=world.methodist, request=world.request)
    assert attachments_for(told(world, "consultations.request.accepted")) == []


def test_it_keeps_the_sequence_when_a_move_changes_nothing(world, mailbox):
    session = booked(world, mailbox)
    session_reschedule(
        actor=world.methodist,
        session=session,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
    )
    session.refresh_from_db()
    assert session.sequence == 0


def test_it_moves_the_sessions_of_a_renamed_place_to_a_new_version(world):
    session = book(world)
    held = SessionFactory(
        municipality=world.municipality, point=world.point, room=world.room, tutor=world.tutor
    )
    Session.objects.filter(pk=held.pk).update(status=Session.Status.HELD)
    point_update(actor=world.methodist, point=world.point, address="ул. Мира, 5")
    room_update(actor=world.methodist, room=world.room, name="Кабинет 14")
    point_update(actor=world.methodist, point=world.point, working_hours="пн–сб 9:00–18:00")
    session.refresh_from_db()
    held.refresh_from_db()
    assert session.sequence == 2  # the address and the room's name; not the hours
    assert held.sequence == 0  # a session that was held stays as it was


def test_it_shows_the_current_sequence_in_the_feed_without_a_method(client, world):
    session = book(world)
    session_reschedule(
        actor=world.methodist,
        session=session,
        starts_at=at(world, world.monday, 15),
        ends_at=at(world, world.monday, 16),
    )
    response = client.get(feed_of(client, world.tutor))
    assert "METHOD" not in Calendar.from_ical(response.content)
    entry = feed_entries(client, feed_of(client, world.tutor))[
        f"session-{session.pk}@tutoring-portal"
    ]
    assert entry.decoded("sequence") == 1
    assert entry["organizer"].params["CN"] == world.point.organization.name


def test_it_stamps_the_moment_the_calendar_is_written(db):
    session = SessionFactory(created_at=timezone.now() - datetime.timedelta(days=30))
    before = timezone.now().replace(microsecond=0)
    calendar = Calendar.from_ical(calendar_bytes([session], name="Занятия"))
    after = timezone.now()
    stamp = calendar.walk("VEVENT")[0].decoded("dtstamp")
    assert stamp.utcoffset() == datetime.timedelta(0)
    assert before <= stamp <= after


def test_it_refuses_a_method_that_is_not_an_invitation_or_a_cancellation(db):
    with pytest.raises(ValueError):
        calendar_bytes([SessionFactory()], name="Занятия", method="PUBLISH")


@pytest.fixture
def event(db):
    event = EventFactory()
    event.municipality.issuer = OrganizationFactory(
        municipality=event.municipality,
        kind=Organization.Kind.METHODICAL_CENTRE,
        name="МКУ «Информационно-методический центр»",
    )
    event.municipality.save(update_fields=["issuer"])
    return event


def sequence_of(event: Event) -> int:
    event.refresh_from_db()
    return event.sequence


def test_it_creates_and_publishes_an_event_at_sequence_zero(db):
    methodist = user_with_role(RoleKind.METHODIST)
    event = event_services.event_create(
        actor=methodist,
        municipality=methodist.roles.get().municipality,
        kind=Event.Kind.SEMINAR,
        title="ОГЭ: задачи второй части",
        starts_at=timezone.now() + datetime.timedelta(days=7),
        ends_at=timezone.now() + datetime.timedelta(days=7, hours=2),
        audience="учителя математики",
        place="Актовый зал",
    )
    event_services.event_publish(actor=methodist, event=event)
    assert sequence_of(event) == 0


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Итоговое сочинение"},
        {"place": "Кабинет 5"},
        {"link": "https://meet.example.ru/room"},
        {"starts_at": "later"},
    ],
    ids=["title", "place", "link", "time"],
)
def test_it_raises_the_events_sequence_when_the_calendar_shows_the_change(event, change):
    if change.get("starts_at") == "later":
        hour = datetime.timedelta(hours=1)
        change = {"starts_at": event.starts_at + hour, "ends_at": event.ends_at + hour}
    event_services.event_update(actor=user_with_role(RoleKind.METHODIST), event=event, **change)
    assert sequence_of(event) == 1


def test_it_keeps_the_events_sequence_when_the_calendar_shows_nothing_new(event):
    event_services.event_update(
        actor=user_with_role(RoleKind.METHODIST), event=event, capacity=30, description="Новое"
    )
    assert sequence_of(event) == 0


def test_it_shows_a_cancelled_event_in_the_feed_with_a_raised_sequence(client, event):
    registration = EventRegistrationFactory(event=event)
    event_services.event_cancel(
        actor=user_with_role(RoleKind.METHODIST, municipality=event.municipality),
        event=event,
        reason="Карантин.",
    )
    entry = feed_entries(client, feed_of(client, registration.participant))[
        f"event-{event.pk}@tutoring-portal"
    ]
    assert str(entry["status"]) == "CANCELLED"
    assert entry.decoded("sequence") == 1
    assert entry["organizer"].params["CN"] == "МКУ «Информационно-методический центр»"


def test_it_reads_the_feed_of_many_sessions_in_a_constant_number_of_queries(
    client, world, django_assert_num_queries
):
    url = feed_of(client, world.tutor)
    book(world)
    # The feed, the user's roles, the sessions, the events.
    with django_assert_num_queries(4):
        client.get(url)
    for day in range(1, 11):
        SessionFactory(
            municipality=world.municipality,
            tutor=world.tutor,
            starts_at=at(world, world.monday + datetime.timedelta(days=day), 10),
            ends_at=at(world, world.monday + datetime.timedelta(days=day), 11),
        )
    with django_assert_num_queries(4):
        assert client.get(url).content.count(b"BEGIN:VEVENT") == 11
