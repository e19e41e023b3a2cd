"""Booking, cancelling and moving sessions: the only writes that take a tutor's or a room's
time. Each function is one transaction with one audit entry.

Two methodists may book the same tutor or room at the same moment. The checks below give a
clear message in the ordinary case, but only the database can settle a race: on PostgreSQL
the exclusion constraints of migration 0002 refuse the second overlapping session, and the
refusal becomes the same message as the check's. SQLite (the demo) has no such constraints;
its single writer keeps the check and the insert together.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from tutoring.errors import DomainError
from tutoring.models import Role, RoleKind, User
from tutoring.services import audit_record, audit_records
from tutoring.words import plural
from tutoring.workflow import Move, Workflow, send_notices

from .. import series as series_dates
from ..models import (
    ConsultationPoint,
    ConsultationRequest,
    Format,
    Room,
    Session,
    SessionSeries,
)
from .availability import is_available
from .requests import REQUEST, joining_line, named, request_notice, when

RequestStatus = ConsultationRequest.Status

TUTOR_BUSY = "Тьютор в это время уже занят: выберите другое время или другого тьютора."
ROOM_BUSY = "Помещение в это время уже занято: выберите другое время или другое помещение."
# The names of the exclusion constraints of migration 0002, and what each refusal means.
CLASH_MESSAGES = {
    "session_no_tutor_clash": TUTOR_BUSY,
    "session_no_room_clash": ROOM_BUSY,
}
SessionStatus = Session.Status
NO_LINK = (
    "Для дистанционного занятия нужна ссылка для подключения: укажите её в поле «Ссылка для "
    "подключения» или добавьте постоянную ссылку пункту «{point}» или его помещению."
)


def _is_its_tutor(access, session: Session) -> bool:
    return session.tutor_id == access.user_id


def _may_cancel(access, session: Session) -> bool:
    """A booked session is the methodist's to cancel; a tutor's own is also its tutor's."""
    if session.is_own and _is_its_tutor(access, session):
        return True
    return access.holds(RoleKind.METHODIST, municipality=session.municipality_id)


REPORTED = "Отчёт об этом занятии уже составлен или занятие отменено."
# A planned session is cancelled before it starts (by the methodist), or held or not held as
# its tutor reports after it (services/reports.py).
SESSION = Workflow(
    "consultations.session",
    model=Session,
    noun="Занятие",
    error=DomainError,
    moves=[
        Move(
            "cancel",
            sources={SessionStatus.PLANNED},
            target=SessionStatus.CANCELLED,
            allowed=_may_cancel,
            forbidden="Отменяет занятие методист муниципалитета или тьютор, который его записал.",
            refusal="Отменить можно только запланированное занятие.",
            action="session.cancel",
        ),
        Move(
            "held",
            sources={SessionStatus.PLANNED},
            target=SessionStatus.HELD,
            allowed=_is_its_tutor,
            forbidden="Отчёт о занятии составляет его тьютор.",
            refusal=REPORTED,
            action="session.report",
        ),
        Move(
            "not_held",
            sources={SessionStatus.PLANNED},
            target=SessionStatus.NOT_HELD,
            allowed=_is_its_tutor,
            forbidden="Отчёт о занятии составляет его тьютор.",
            refusal=REPORTED,
            action="session.report",
        ),
    ],
)


def _local(moment: datetime.datetime, zone) -> str:
    return f"{moment.astimezone(zone):%d.%m.%Y %H:%M}"


def period_text(starts_at: datetime.datetime, ends_at: datetime.datetime, zone) -> str:
    return f"{_local(starts_at, zone)}–{ends_at.astimezone(zone):%H:%M}"


def _aware(moment: datetime.datetime, zone) -> datetime.datetime:
    """A naive time typed by a methodist is the municipality's wall-clock time."""
    return moment.replace(tzinfo=zone) if timezone.is_naive(moment) else moment


def constraint_name(error: IntegrityError) -> str | None:
    # psycopg's ExclusionViolation, which Django wraps in IntegrityError, names the
    # constraint that refused the row.
    return getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)


def _from_requesting_school(tutor: User, request: ConsultationRequest) -> bool:
    """Conflict of interest: a tutor never consults their own school. Any role held at the
    school (teacher, tutor, administration) makes them its staff."""
    return Role.objects.filter(user=tutor, organization=request.organization_id).exists()


def _check(
    *,
    request: ConsultationRequest,
    tutor: User,
    point: ConsultationPoint,
    room: Room | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    format: str,
    link: str = "",
    moving: list[Session] | None = None,
) -> None:
    """Every rule of a booking, in the order a methodist would fix them; `moving` are the
    sessions being moved, whose own time does not count as taken."""
    municipality = request.municipality
    zone = municipality.tzinfo
    if point.municipality_id != request.municipality_id:
        raise DomainError(
            f"Пункт «{point}» относится к другому муниципальному образованию, "
            f"а заявка — к «{municipality}»."
        )
    if not point.is_active:
        raise DomainError(f"Пункт «{point}» сейчас не работает: выберите другой пункт.")
    if starts_at >= ends_at:
        raise DomainError("Окончание занятия должно быть позже его начала.")
    if starts_at <= timezone.now():
        raise DomainError("Занятие нельзя назначить на прошедшее время: выберите время впереди.")
    if not Role.objects.filter(user=tutor, kind=RoleKind.TUTOR, municipality=municipality).exists():
        raise DomainError(
            f"{tutor.short_name} не входит в сообщество тьюторов ({municipality}): "
            "назначить можно только тьютора этого муниципалитета."
        )
    if _from_requesting_school(tutor, request):
        raise DomainError(
            f"{tutor.short_name} работает в школе-заявителе ({request.organization}): "
            "это конфликт интересов. Назначьте тьютора из другой организации."
        )
    if format == Format.IN_PERSON and room is None:
        raise DomainError("Для очного занятия выберите помещение.")
    if format == Format.REMOTE and not (
        link or (room.remote_link if room is not None else "") or point.remote_link
    ):
        raise DomainError(NO_LINK.format(point=point), field="link")
    if room is not None:
        if room.point_id != point.pk:
            raise DomainError(f"Помещение «{room.name}» находится не в пункте «{point}».")
        if not room.is_active:
            raise DomainError(f"Помещение «{room.name}» сейчас не используется.")
        if format == Format.IN_PERSON and room.capacity < request.participants_count:
            raise DomainError(
                f"В помещении «{room.name}» "
                f"{plural(room.capacity, 'место', 'места', 'мест')}, а участников "
                f"{request.participants_count}: выберите помещение побольше."
            )

    _lock_resources(tutor, room)
    # Free time is read before the clashes: a session committed by another methodist in
    # between then shows as a clash, not as time outside the tutor's hours.
    available = is_available(
        tutor=tutor,
        municipality=municipality,
        starts_at=starts_at,
        ends_at=ends_at,
        ignore_session=moving,
    )
    taken = Session.objects.exclude(status=Session.Status.CANCELLED).filter(
        starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if moving:
        taken = taken.exclude(pk__in=[s.pk for s in moving])
    clash = taken.filter(tutor=tutor).order_by("starts_at").first()
    if clash is not None:
        raise DomainError(
            f"{TUTOR_BUSY} У {tutor.short_name} занятие "
            f"{period_text(clash.starts_at, clash.ends_at, zone)}."
        )
    if room is not None:
        clash = taken.filter(room=room).order_by("starts_at").first()
        if clash is not None:
            raise DomainError(
                f"{ROOM_BUSY} В помещении «{room.name}» занятие "
                f"{period_text(clash.starts_at, clash.ends_at, zone)}."
            )
    if not available:
        raise DomainError(
            f"Время {period_text(starts_at, ends_at, zone)} вне часов приёма тьютора "
            f"{tutor.short_name}: выберите время из его свободных интервалов."
        )


def _refuse_outside_hours(tutor, municipality, dates, *, refused: str, moving=None) -> None:
    """The tutor's hours of every occurrence of a series after its first (whose own check
    names the reason in full), all named in one refusal."""
    zone = municipality.tzinfo
    outside = [
        f"Занятие {o.number} ({period_text(o.starts_at, o.ends_at, zone)})"
        for o in dates
        if not is_available(
            tutor=tutor,
            municipality=municipality,
            starts_at=o.starts_at,
            ends_at=o.ends_at,
            ignore_session=moving,
        )
    ]
    if outside:
        raise DomainError(
            f"{refused}: вне часов приёма тьютора {tutor.short_name} — "
            + "; ".join(outside)
            + ". Выберите другое время или другого тьютора."
        )


def lock_tutor_and_room(tutor: User, room: Room | None) -> None:
    """Public for the tutor's own sessions, which take the same turns."""
    _lock_resources(tutor, room)


def saved_session(session: Session, *, fields: list[str] | None = None) -> Session:
    """Public for the tutor's own sessions: the database's refusal of an overlap in words."""
    return _saved(session, fields=fields)


def _lock_resources(tutor: User, room: Room | None) -> None:
    """Bookings of one tutor (or one room) take turns: the second reads the clashes after
    the first has committed and is refused with the clash in words. Without the turn, two
    inserts each wait on the other's uncommitted row in the exclusion constraints, and
    PostgreSQL ends one of them as a deadlock (seen with twenty simultaneous bookings).
    The tutor before the room, always, so that two bookings never lock them crosswise."""
    list(User.objects.select_for_update(no_key=True).filter(pk=tutor.pk))
    if room is not None:
        list(Room.objects.select_for_update(no_key=True).filter(pk=room.pk))


def supported_by(request: ConsultationRequest) -> dict:
    """Whom a booked session supports: its request's school, subject and topic (the request's
    teacher, if any, becomes its participant)."""
    return {
        "organization_id": request.organization_id,
        "subject_id": request.subject_id,
        "topic": request.topic[:300],
    }


def new_session(
    actor, request, tutor, point, room, format, link, starts_at, ends_at, series=None
) -> Session:
    """A session of the request, one booking or an occurrence of a series, not yet saved."""
    return Session(
        municipality=request.municipality,
        request=request,
        point=point,
        room=room,
        tutor=tutor,
        kind=request.kind,
        format=format,
        link=link,
        starts_at=starts_at,
        ends_at=ends_at,
        series=series,
        created_by=actor,
        **supported_by(request),
    )


def _locked_request(actor: User, request: ConsultationRequest, move: str):
    # Locked so that two methodists cannot schedule the same request twice; only its own row,
    # never the municipality's, which every booking there reads.
    return REQUEST.start(actor, request, move)


def _saved(session: Session, *, fields: list[str] | None = None) -> Session:
    """Insert or update the session in a savepoint, turning the database's refusal of an
    overlap into the user's message; the caller's transaction stays usable."""
    try:
        with transaction.atomic():
            if fields is None:
                session.save(force_insert=True)
            else:
                session.save(update_fields=fields)
    except IntegrityError as error:
        message = CLASH_MESSAGES.get(constraint_name(error))
        if message is None:
            raise
        raise DomainError(message) from error
    return session


@transaction.atomic
def session_book(
    *,
    actor: User | None,
    request: ConsultationRequest,
    tutor: User,
    point: ConsultationPoint,
    room: Room | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    format: str,
    link: str = "",
) -> Session:
    """Schedule an accepted request: a session with the tutor at the point (in the room, if
    in person); the request becomes «назначено занятие». A remote session is joined by
    `link`, or else by its room's or its point's permanent link: one of them is needed."""
    link = link.strip() if format == Format.REMOTE else ""
    request = _locked_request(actor, request, "schedule")
    zone = request.municipality.tzinfo
    starts_at, ends_at = _aware(starts_at, zone), _aware(ends_at, zone)
    _check(
        request=request,
        tutor=tutor,
        point=point,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        format=format,
        link=link,
    )
    session = _saved(
        new_session(actor, request, tutor, point, room, format, link, starts_at, ends_at)
    )
    if request.teacher_id:
        session.teachers.add(request.teacher_id)
    audit_record(
        actor=actor,
        action="session.book",
        obj=session,
        changes={
            "request": request.pk,
            "tutor": tutor.full_name,
            "time": period_text(starts_at, ends_at, zone),
            "room": room.name if room else "",
            "format": Format(format).label,
            "link": link,
        },
    )
    # After the session is saved: the notification names its time and tutor.
    request.status_reason = ""
    REQUEST.finish(actor, request, "schedule", fields=["status_reason", "updated_at"])
    return session


def _locked_session(session: Session) -> Session:
    return (
        Session.objects.select_for_update(of=("self",))
        .select_related("municipality", "point", "room", "tutor")
        .get(pk=session.pk)
    )


def cancel_following(actor: User | None, session: Session, reason: str) -> list[Session]:
    """Cancel the planned occurrences of the session's series after it (the session itself
    goes through SESSION's move), each with its entry in the journal."""
    later = series_dates.following(session)
    for occurrence in later:
        occurrence.status = SessionStatus.CANCELLED
        occurrence.cancel_reason = reason
        occurrence.sequence += 1
    Session.objects.bulk_update(later, ["status", "cancel_reason", "sequence"])
    audit_records(
        actor=actor,
        action="session.cancel",
        entries=[(occurrence, {"reason": reason}) for occurrence in later],
    )
    return later


@transaction.atomic
def session_cancel(
    *, actor: User | None, session: Session, reason: str, following: bool = False
) -> Session:
    """Cancel a planned session (with `following`, it and every later planned occurrence of
    its series): their time is free again (a cancelled session is outside the exclusion
    constraints), and the request returns to «принята» to be booked anew once none of its
    sessions is planned."""
    reason = reason.strip()
    if not reason:
        raise DomainError("Укажите причину отмены: заявитель и тьютор увидят её.")
    session = SESSION.start(actor, session, "cancel")
    if session.starts_at <= timezone.now():
        raise DomainError(
            "Занятие уже началось или прошло: отметьте в отчёте о занятии, что оно не состоялось."
        )
    later = cancel_following(actor, session, reason) if following else []
    session.cancel_reason = reason
    # The row is locked, so the calendar version is raised from its committed value.
    session.sequence += 1
    changes = {"reason": reason, "request": session.request_id}
    if later:
        changes["count"] = 1 + len(later)
    SESSION.finish(actor, session, "cancel", fields=["cancel_reason", "sequence"], changes=changes)
    if session.request_id is not None:
        # Locked before its sessions are counted: two sessions of one request cancelled at
        # once both see the other still planned otherwise, and the request stays scheduled.
        request = ConsultationRequest.objects.select_for_update().get(pk=session.request_id)
        what = (
            f"{plural(1 + len(later), 'занятие', 'занятия', 'занятий')} серии с {when(session)}"
            if later
            else f"занятие {when(session)}"
        )
        # Told about the request (its page, its calendar letters), not the session alone.
        send_notices(
            [
                request_notice(
                    request,
                    "consultations.request.cancelled",
                    f"{named(request)}: {what} {'отменены' if later else 'отменено'}: {reason}",
                )
            ],
            actor=actor,
            obj=request,
        )
        still_planned = request.sessions.filter(status=Session.Status.PLANNED).exists()
        if request.status == RequestStatus.SCHEDULED and not still_planned:
            request = REQUEST.start(actor, request, "reopen")
            request.status_reason = reason
            REQUEST.finish(actor, request, "reopen", fields=["status_reason", "updated_at"])
    return session


def move_targets(session: Session, following: bool) -> tuple[list[Session], dict[int, int]]:
    """The session and, with `following`, the later planned occurrences of its series; and
    the occurrences' numbers in the series, for the messages."""
    if not session.series_id:
        return [session], {session.pk: 1}
    targets = [session, *series_dates.following(session)] if following else [session]
    return targets, series_dates.numbers(session.series_id)


@transaction.atomic
def session_reschedule(
    *,
    actor: User | None,
    session: Session,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    room: Room | None = None,
    link: str | None = None,
    following: bool = False,
) -> Session:
    """Move a planned session to another time (and room; None keeps the room), under every
    rule of a booking; a remote one may get another meeting link (None keeps it, empty
    falls back to the room's or the point's). The session keeps its identity, so calendars
    update the event. With `following`, every later planned occurrence of its series moves
    as many days, to the same time of day, room and link — all or nothing."""
    session = _locked_session(session)
    if session.status != Session.Status.PLANNED:
        raise DomainError(
            f"Перенести можно только запланированное занятие; это занятие "
            f"{session.get_status_display()}."
        )
    if session.request_id is None:
        raise DomainError("Занятие записано тьютором: изменить его может только он сам.")
    request = (
        ConsultationRequest.objects.select_for_update(of=("self",))
        .select_related("municipality", "organization", "subject")
        .get(pk=session.request_id)
    )
    zone = request.municipality.tzinfo
    starts_at, ends_at = _aware(starts_at, zone), _aware(ends_at, zone)
    room = room or session.room
    link = link.strip() if link is not None and session.is_remote else session.link
    targets, numbered = move_targets(session, following)
    moved = series_dates.shifted(targets, starts_at, ends_at, zone=zone, numbered=numbered)
    _check(
        request=request,
        tutor=session.tutor,
        point=session.point,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        format=session.format,
        link=link,
        moving=targets,
    )
    if len(targets) > 1:
        refused = "Занятия не перенесены"
        series_dates.refuse_clashes(
            series_dates.clashes(
                moved[1:], tutor=session.tutor, room=room, zone=zone, ignore=targets
            ),
            len(moved),
            refused=refused,
        )
        _refuse_outside_hours(
            session.tutor, request.municipality, moved[1:], refused=refused, moving=targets
        )
    before = period_text(session.starts_at, session.ends_at, zone)
    before_room = session.room.name if session.room else ""
    before_link = session.meeting_link
    was = [(t.starts_at, t.ends_at, t.room_id) for t in targets]
    order = series_dates.save_order(targets, moved)
    for target, occurrence in order:
        target.starts_at, target.ends_at = occurrence.starts_at, occurrence.ends_at
        target.room, target.link = room, link
    changed = {
        t.pk
        for t, old in zip(targets, was, strict=True)
        if old != (t.starts_at, t.ends_at, t.room_id)
    }
    # The others moved with it, each in its own history.
    audit_records(
        actor=actor,
        action="session.reschedule",
        entries=[
            (
                t,
                {
                    "time": [
                        period_text(old[0], old[1], zone),
                        period_text(t.starts_at, t.ends_at, zone),
                    ]
                },
            )
            for t, old in zip(targets[1:], was[1:], strict=True)
            if t.pk in changed
        ],
    )
    relinked = session.meeting_link != before_link
    for target, _ in order:
        if target.pk in changed or relinked:
            target.sequence += 1
            _saved(target, fields=["starts_at", "ends_at", "room", "link", "sequence"])
    moved_any = bool(changed)
    audit_record(
        actor=actor,
        action="session.reschedule",
        obj=session,
        changes={
            "time": [before, period_text(starts_at, ends_at, zone)],
            "room": [before_room, room.name if room else ""],
            "link": [before_link, session.meeting_link],
        }
        | ({"count": len(targets)} if len(targets) > 1 else {}),
    )
    rest = (
        " и ещё "
        + plural(len(targets) - 1, "следующее занятие", "следующих занятия", "следующих занятий")
        + " серии"
        if len(targets) > 1
        else ""
    )
    if moved_any:
        verb = "перенесены" if rest else "перенесено"
        text = f"{named(request)}: занятие{rest} {verb} с {before} на {when(session)}" + (
            f", помещение «{room.name}»." if room else "."
        )
    elif relinked:
        text = f"{named(request)}: у занятия {when(session)}{rest} новая ссылка для подключения."
    if moved_any or relinked:
        send_notices(
            [
                request_notice(
                    request, "consultations.request.rescheduled", text + joining_line(session)
                )
            ],
            actor=actor,
            obj=request,
        )
    return session


@transaction.atomic
def series_book(
    *,
    actor: User | None,
    request: ConsultationRequest,
    tutor: User,
    point: ConsultationPoint,
    room: Room | None,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    format: str,
    interval: int,
    count: int | None = None,
    until: datetime.date | None = None,
    link: str = "",
) -> SessionSeries:
    """Schedule an accepted request as a series (a tutorial course of N weeks), all or
    nothing: every rule of a booking for every occurrence, and every occurrence that clashes
    or falls outside the tutor's hours named in one refusal."""
    request = _locked_request(actor, request, "schedule")
    zone = request.municipality.tzinfo
    starts_at, ends_at = _aware(starts_at, zone), _aware(ends_at, zone)
    link = link.strip() if format == Format.REMOTE else ""
    dates = series_dates.occurrences(
        starts_at, ends_at, interval=interval, count=count, until=until, zone=zone
    )
    _lock_resources(tutor, room)
    problems = series_dates.clashes(dates, tutor=tutor, room=room, zone=zone)
    series_dates.refuse_clashes(problems, len(dates))
    # The rules that do not depend on the date (point, tutor, school, room), and the first
    # occurrence's own; then the tutor's hours of every other occurrence.
    _check(
        request=request,
        tutor=tutor,
        point=point,
        room=room,
        starts_at=starts_at,
        ends_at=ends_at,
        format=format,
        link=link,
    )
    _refuse_outside_hours(tutor, request.municipality, dates[1:], refused="Серия не записана")
    series = SessionSeries.objects.create(
        municipality=request.municipality,
        tutor=tutor,
        request=request,
        interval=interval,
        count=len(dates),
        until=until,
        created_by=actor,
    )
    sessions = [
        _saved(
            new_session(
                actor, request, tutor, point, room, format, link, o.starts_at, o.ends_at, series
            )
        )
        for o in dates
    ]
    if request.teacher_id:
        Through = Session.teachers.through
        Through.objects.bulk_create(
            [Through(session=s, user_id=request.teacher_id) for s in sessions]
        )
    audit_record(
        actor=actor,
        action="series.book",
        obj=request,
        changes={
            "tutor": tutor.full_name,
            "time": period_text(starts_at, ends_at, zone),
            "count": len(dates),
            "interval": series.get_interval_display(),
            "room": room.name if room else "",
            "format": Format(format).label,
        },
    )
    request.status_reason = ""
    REQUEST.finish(actor, request, "schedule", fields=["status_reason", "updated_at"])
    return series
