"""Sessions and events as iCalendar (.ics): the attachments of notifications and the calendar
feeds.

Times are written in the municipality's own zone with its VTIMEZONE, so that a calendar in
Калтан (UTC+7) shows the session at the local hour it was booked for.

A calendar that already holds a session or an event applies a new copy only when it is newer
(RFC 5545 3.8.7.4, RFC 5546 2.1.5): the same UID, a SEQUENCE raised by every change the
entry shows (the services raise it in the change's transaction) and a DTSTAMP of the moment
the copy was written. The ORGANIZER is the portal's own address in the name of the
organization that holds the session or the event; the clients that take a letter as an
invitation need it."""

import datetime
from collections.abc import Callable, Iterable
from email.utils import parseaddr

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, vCalAddress
from icalendar import Event as CalendarEvent

from tutoring.access import access_for
from tutoring.words import with_kind

from .models import Event, Session
from .selectors import joining

PRODID = "-//Портал сообщества тьюторов//ru"
# The iTIP methods of a letter (RFC 5546 3.2): an invitation or its change, and a
# cancellation. A feed carries no METHOD: it is a published calendar (RFC 5545 3.7.2) that a
# client subscribes to, not a scheduling message, and some clients would offer each entry
# of a feed with METHOD:PUBLISH or REQUEST as an invitation to accept.
REQUEST = "REQUEST"
CANCEL = "CANCEL"


def _address(email: str, name: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = name
    return address


def _organizer(name: str) -> vCalAddress:
    # DEFAULT_FROM_EMAIL may be written «Портал <portal@…>»: the address alone goes in.
    return _address(parseaddr(settings.DEFAULT_FROM_EMAIL)[1], name)


def _stamped(entry: CalendarEvent, *, uid: str, sequence: int, now: datetime.datetime) -> None:
    entry.add("uid", uid)
    entry.add("sequence", sequence)
    entry.add("dtstamp", now)


def _session_holder(session: Session) -> str:
    """The organization in whose name the session is held: its point's host; a session away
    from a point (a tutor's own) is the community's, run by the municipality's ИМЦ or
    education office (its issuer), as its events are."""
    if session.point_id:
        return session.point.organization.name
    return _issuer_name(session.municipality)


def _event(session: Session, now: datetime.datetime, joinable: bool = False) -> CalendarEvent:
    zone = session.municipality.tzinfo
    event = CalendarEvent()
    # One UID per session, so that a calendar updates the event when the session changes.
    _stamped(event, uid=session_uid(session), sequence=session.sequence, now=now)
    event.add("organizer", _organizer(_session_holder(session)))
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    topic = session.topic or (session.request.topic if session.request_id else "")
    event.add("summary", with_kind(session.get_kind_display().capitalize(), topic))
    # A remote session is where its link is, for those who take part; the others read only
    # that it is remote (`where`), never the building of the point.
    link = session.meeting_link if joinable else ""
    event.add("location", link or session.where)
    if link:
        event.add("url", link)
    lines = [f"Тьютор: {session.tutor.full_name}"]
    if session.request_id:
        lines.append(f"Заявка № {session.request_id}, {session.request.organization}")
    if link:
        lines.append(f"Ссылка для подключения: {link}")
    event.add("description", "\n".join(lines))
    cancelled = session.status == Session.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _holder(event: Event) -> str:
    """The organization in whose name the community runs its events: the municipality's ИМЦ or
    education office that issues its orders (the person who runs it is in the description)."""
    return _issuer_name(event.municipality)


def _issuer_name(municipality) -> str:
    return municipality.issuer.name if municipality.issuer_id else municipality.name


def _announced(event: Event, now: datetime.datetime) -> CalendarEvent:
    """An event of the community; a cancelled one stays in the feed, marked cancelled, so that
    the calendars of those who registered show that it will not take place."""
    zone = event.municipality.tzinfo
    entry = CalendarEvent()
    _stamped(entry, uid=f"event-{event.pk}@tutoring-portal", sequence=event.sequence, now=now)
    entry.add("organizer", _organizer(_holder(event)))
    entry.add("dtstart", event.starts_at.astimezone(zone))
    entry.add("dtend", event.ends_at.astimezone(zone))
    entry.add("summary", with_kind(event.get_kind_display().capitalize(), event.title))
    entry.add("location", ", ".join(part for part in (event.place, event.link) if part))
    if event.link:
        entry.add("url", event.link)
    lines = [f"Для кого: {event.audience}"]
    if event.organizer_id:
        lines.append(f"Проводит: {event.organizer.full_name}")
    if event.is_cancelled and event.cancel_reason:
        lines.append(f"Отменено: {event.cancel_reason}")
    entry.add("description", "\n".join(lines))
    entry.add("status", "CANCELLED" if event.is_cancelled else "CONFIRMED")
    return entry


def session_uid(session: Session) -> str:
    return f"session-{session.pk}@tutoring-portal"


def calendar_bytes(
    sessions: Iterable[Session],
    *,
    name: str,
    method: str | None = None,
    events: Iterable[Event] = (),
    attendees: Iterable[tuple[str, str]] = (),
    joinable: Callable[[Session], bool] | None = None,
) -> bytes:
    """The calendar of the sessions and events; `method` and `attendees` (name, e-mail) only
    for a letter, and the attendees only those the letter goes to. Sessions need their
    point's organization and room, and sessions and events their municipality's issuer
    (select_related).
    `joinable(session)` says whether the calendar's reader takes part in a session, and so
    gets its meeting link (selectors.may_join); without it no link is written."""
    if method not in (None, REQUEST, CANCEL):
        raise ValueError(f"Unknown iTIP method {method!r}")
    now = timezone.now()  # UTC: DTSTAMP is the moment of writing (RFC 5545 3.8.7.2)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    entries = [_event(s, now, bool(joinable and joinable(s))) for s in sessions]
    entries += [_announced(event, now) for event in events]
    for entry in entries:
        for attendee_name, email in attendees:
            attendee = _address(email, attendee_name)
            attendee.params.update({"role": "REQ-PARTICIPANT", "rsvp": "FALSE"})
            entry.add("attendee", attendee)
        calendar.add_component(entry)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def request_invitations(notification) -> list[tuple[str, bytes, str]]:
    """The .ics files a letter about a request carries: an iTIP REQUEST of each planned
    session (scheduled, rescheduled, a reminder), or, on a cancellation, a CANCEL of each
    cancelled one. A calendar applies either to its entry of the same UID when the SEQUENCE
    is not older than its own; the letter's recipient is the entry's attendee."""
    from .models import ConsultationRequest

    label, _, pk = notification.object_key.partition(":")
    if label != ConsultationRequest._meta.label_lower or not pk.isdigit():
        return []
    cancelling = notification.kind == "consultations.request.cancelled"
    wanted = Session.Status.CANCELLED if cancelling else Session.Status.PLANNED
    sessions = list(
        Session.objects.filter(request=pk, status=wanted)
        .select_related("point__organization", "room", "tutor", "municipality__issuer")
        .select_related("request__organization")
        .order_by("starts_at", "pk")
    )
    recipient = notification.recipient
    attendees = [(recipient.full_name, recipient.email)] if recipient.email else []
    method = CANCEL if cancelling else REQUEST
    joinable = joining(access_for(recipient), sessions)
    files = []
    for number, session in enumerate(sessions, start=1):
        # One session an attachment: an iTIP message is about one UID (RFC 5546), and a
        # client offers one invitation per attachment.
        suffix = f"-{number}" if len(sessions) > 1 else ""
        files.append(
            (
                f"zayavka-{pk}{suffix}.ics",
                calendar_bytes(
                    [session],
                    name=f"Заявка № {pk}",
                    method=method,
                    attendees=attendees,
                    joinable=joinable,
                ),
                "text/calendar",
            )
        )
    return files
