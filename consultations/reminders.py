"""The consultation point's reminders (tutoring.reminders): sessions and events tomorrow, the
tutor's report after a session, the requester's rating after it."""

from datetime import timedelta

from django.db.models import Max, Q

from tutoring.reminders import LOOKBACK, Rule, local, when

from .models import ConsultationRequest, Event, Session

SESSION_TOMORROW = "consultations.session.tomorrow"
REPORT_DUE = "consultations.session.report_due"
RATING_DUE = "consultations.session.rating_due"
EVENT_TOMORROW = "consultations.event.tomorrow"

KINDS = [
    (SESSION_TOMORROW, "Занятие завтра"),
    (REPORT_DUE, "Нужен отчёт о занятии"),
    (RATING_DUE, "Оцените занятие"),
    (EVENT_TOMORROW, "Мероприятие завтра"),
]

# The tutor is reminded of the report once more if it is still not filed this long after.
REPORT_AGAIN = timedelta(days=2)
# The requester is asked to rate the help this long after the session.
RATING_AFTER = timedelta(days=3)


def _session_name(session: Session) -> str:
    name = session.get_kind_display()
    if session.topic:
        name += f" «{session.topic}»"
    if session.organization_id:
        name += f" ({session.organization})"
    return name


def _sessions_tomorrow(now):
    return Session.objects.filter(
        status=Session.Status.PLANNED, starts_at__gt=now, starts_at__lte=now + timedelta(days=1)
    ).select_related("municipality", "request__organization", "organization", "point", "room")


def _session_people(session: Session):
    people = [session.tutor_id]
    if session.request_id:
        people += [session.request.requested_by_id, session.request.teacher_id]
    return people


def _session_tomorrow_text(session: Session, now) -> str:
    # The people told (its tutor, requester and teacher) all take part in the session, so the
    # text may carry its meeting link (selectors.may_join).
    if session.is_remote:
        where = ", дистанционно"
    elif session.point_id and session.room_id:
        where = f", {session.point}, {session.room.name}"
    else:
        where = f", {session.where}" if session.where else ""
    starts = when(session.starts_at, session.municipality, now)
    text = f"Занятие {starts}: {_session_name(session)}{where}."
    # No full stop after the link: a mail client would take it for part of the address.
    link = session.meeting_link
    return f"{text} Ссылка для подключения: {link}" if link else text


def _ended_without_report(ended_after, ended_before):
    # A planned session that has ended has no report: filing one makes it held or not held.
    return Session.objects.filter(
        status=Session.Status.PLANNED, ends_at__gt=ended_after, ends_at__lte=ended_before
    ).select_related("municipality", "request__organization", "organization")


def _report_due_text(session: Session, now) -> str:
    ended = local(session.ends_at, session.municipality)
    return (
        f"Занятие {ended:%d.%m.%Y} закончилось в {ended:%H:%M}: {_session_name(session)}. "
        "Составьте отчёт о нём."
    )


def _report_overdue_text(session: Session, now) -> str:
    held = local(session.starts_at, session.municipality)
    return (
        f"Отчёт о занятии {held:%d.%m.%Y} ещё не составлен: {_session_name(session)}. "
        "Составьте его, пожалуйста."
    )


def _ratings_due(now):
    return (
        ConsultationRequest.objects.filter(
            status=ConsultationRequest.Status.CLOSED,
            rating__isnull=True,
        )
        .annotate(held_at=Max("sessions__ends_at", filter=Q(sessions__status=Session.Status.HELD)))
        .filter(held_at__lte=now - RATING_AFTER, held_at__gt=now - LOOKBACK)
        .select_related("municipality")
    )


def _rating_due_text(request: ConsultationRequest, now) -> str:
    held = local(request.held_at, request.municipality)
    return (
        f"Оцените помощь по заявке № {request.pk} «{request.topic}»: занятие прошло "
        f"{held:%d.%m.%Y}. Оценка поможет тьюторам и методистам."
    )


def _events_tomorrow(now):
    return (
        Event.objects.filter(
            status=Event.Status.PUBLISHED, starts_at__gt=now, starts_at__lte=now + timedelta(days=1)
        )
        .select_related("municipality")
        .prefetch_related("registrations")
    )


def _event_text(event: Event, now) -> str:
    where = event.place or "по ссылке на странице мероприятия"
    return f"{event} — {when(event.starts_at, event.municipality, now)}, {where}."


RULES = [
    Rule(
        key=SESSION_TOMORROW,
        kind=SESSION_TOMORROW,
        due=_sessions_tomorrow,
        people=_session_people,
        text=_session_tomorrow_text,
    ),
    # At once after the session, and again two days after it if the report is still not filed.
    Rule(
        key=REPORT_DUE,
        kind=REPORT_DUE,
        due=lambda now: _ended_without_report(now - REPORT_AGAIN, now),
        people=lambda session: [session.tutor_id],
        text=_report_due_text,
    ),
    Rule(
        key=f"{REPORT_DUE}.again",
        kind=REPORT_DUE,
        due=lambda now: _ended_without_report(now - LOOKBACK, now - REPORT_AGAIN),
        people=lambda session: [session.tutor_id],
        text=_report_overdue_text,
    ),
    Rule(
        key=RATING_DUE,
        kind=RATING_DUE,
        due=_ratings_due,
        people=lambda request: [request.requested_by_id],
        text=_rating_due_text,
    ),
    Rule(
        key=EVENT_TOMORROW,
        kind=EVENT_TOMORROW,
        due=_events_tomorrow,
        people=lambda event: [r.participant_id for r in event.registrations.all()],
        text=_event_text,
    ),
]


def session_invitation(notification) -> list[tuple[str, bytes, str]]:
    """The letter of «занятие завтра» carries the session as an iTIP REQUEST of its UID: the
    recipient's calendar adds it, or keeps the entry it has (RFC 5546)."""
    from tutoring.access import access_for

    from .calendar import REQUEST, calendar_bytes
    from .selectors import joining

    pk = int(notification.object_key.rsplit(":", 1)[1])
    session = (
        Session.objects.select_related("point__organization", "room", "tutor")
        .select_related("municipality__issuer", "request__organization", "organization")
        .filter(pk=pk, status=Session.Status.PLANNED)
        .first()
    )
    if session is None:
        return []
    person = notification.recipient
    attendees = [(person.full_name, person.email)] if person.email else []
    content = calendar_bytes(
        [session],
        name=f"Занятие {session.pk}",
        method=REQUEST,
        attendees=attendees,
        joinable=joining(access_for(person), [session]),
    )
    return [(f"zanyatie-{session.pk}.ics", content, "text/calendar")]
