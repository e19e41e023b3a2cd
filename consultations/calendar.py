"""Sessions as iCalendar (.ics): the attachments of notifications and the calendar feeds.

Times are written in the municipality's own zone with its VTIMEZONE, so that a calendar in
Калтан (UTC+7) shows the session at the local hour it was booked for."""

from icalendar import Calendar, Event

from .models import Session

PRODID = "-//Портал сообщества тьюторов//ru"


def _event(session: Session) -> Event:
    zone = session.municipality.tzinfo
    event = Event()
    # One UID per session, so that a calendar updates the event when the session changes.
    event.add("uid", f"session-{session.pk}@tutoring-portal")
    event.add("dtstamp", session.created_at)
    event.add("dtstart", session.starts_at.astimezone(zone))
    event.add("dtend", session.ends_at.astimezone(zone))
    topic = session.request.topic if session.request_id else ""
    event.add("summary", f"{session.get_kind_display().capitalize()}: {topic}".rstrip(": "))
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


def calendar_bytes(sessions, *, name: str, method: str | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    if method:
        calendar.add("method", method)
    for session in sessions:
        calendar.add_component(_event(session))
    calendar.add_missing_timezones()
    return calendar.to_ical()
