"""Sessions and events as iCalendar (.ics): the attachments of notifications and the calendar
feeds.

Times are written in the municipality's own zone with its VTIMEZONE, so that a calendar in
Калтан (UTC+7) shows the session at the local hour it was booked for."""

from collections.abc import Iterable

from icalendar import Calendar
from icalendar import Event as CalendarEvent

from tutoring.words import with_kind

from .models import Event, Session

PRODID = "-//Портал сообщества тьюторов//ru"


def _event(session: Session) -> CalendarEvent:
    zone = session.municipality.tzinfo
    event = CalendarEvent()
    # One UID per session, so that a calendar updates the event when the session changes.
    event.add("uid", f"session-{session.pk}@tutoring-portal")
    event.add("dtstamp", session.created_at)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    topic = session.request.topic if session.request_id else ""
    event.add("summary", with_kind(session.get_kind_display().capitalize(), topic))
    where = [session.point.name, session.point.address]
    if session.room_id:
        where.append(session.room.name)
    if session.format == "remote" and session.point.remote_link:
        where = [session.point.remote_link]
    event.add("location", ", ".join(where))
    lines = [f"Тьютор: {session.tutor.full_name}"]
    if session.request_id:
        lines.append(f"Заявка № {session.request_id}, {session.request.organization}")
    event.add("description", "\n".join(lines))
    cancelled = session.status == Session.Status.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def _announced(event: Event) -> CalendarEvent:
    """An event of the community; a cancelled one stays in the feed, marked cancelled, so that
    the calendars of those who registered show that it will not take place."""
    zone = event.municipality.tzinfo
    entry = CalendarEvent()
    entry.add("uid", f"event-{event.pk}@tutoring-portal")
    entry.add("dtstamp", event.created_at)
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


def calendar_bytes(
    sessions, *, name: str, method: str | None = None, events: Iterable[Event] = ()
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    for session in sessions:
        calendar.add_component(_event(session))
    for event in events:
        calendar.add_component(_announced(event))
    calendar.add_missing_timezones()
    return calendar.to_ical()
