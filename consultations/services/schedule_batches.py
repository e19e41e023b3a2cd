"""Booking a built schedule in batches: the placements `matching.build_schedule` decided in
memory, written a batch at a time.

One booking at a time (`session_book`) costs about twenty queries and a transaction: 2,000
requests took 14–25 s and 26,000 queries. A batch is one transaction: its requests locked and
checked still accepted, its tutors and rooms locked in a fixed order (as `session_book` locks
them, so that the two never deadlock), its sessions inserted in one statement, the requests,
the journal and the notifications written in bulk. The exclusion constraints stay the
referee: a batch the database refuses (a methodist booked one of its times meanwhile) is
rolled back whole and booked again one by one through `session_book`, whose refusals become
the reasons of the requests left unplaced.
"""

from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils import timezone

from tutoring.errors import DomainError
from tutoring.models import User
from tutoring.notifications import notify_many
from tutoring.services import audit_records

from ..models import ConsultationRequest, Format, Room, Session
from .booking import CLASH_MESSAGES, constraint_name, new_session, period_text, session_book
from .requests import joining_line, named, when

BATCH = 250
NO_LONGER_WAITING = "заявка уже не ждёт занятия: её успели назначить, отменить или отозвать"


def book(
    actor: User | None,
    point,
    planned: list,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Session], list[tuple[ConsultationRequest, str]]]:
    """Book the placements, a batch at a time; the sessions booked, and each request that
    could not be booked with the reason."""
    booked, refused = [], []
    for start in range(0, len(planned), BATCH):
        batch = planned[start : start + BATCH]
        try:
            sessions, stale = _book_batch(actor, point, batch)
        except _Refused:
            sessions, stale = _one_by_one(actor, point, batch)
        booked += sessions
        refused += stale
        if progress is not None:
            progress(start + len(batch), len(planned))
    return booked, refused


class _Refused(Exception):
    """The database refused a session of the batch: nothing of it was written."""


def _one_by_one(actor, point, batch) -> tuple[list[Session], list]:
    booked, refused = [], []
    for placement in batch:
        try:
            booked.append(
                session_book(
                    actor=actor,
                    request=placement.request,
                    tutor=placement.tutor,
                    point=point,
                    room=placement.room,
                    starts_at=placement.starts_at,
                    ends_at=placement.ends_at,
                    format=placement.request.format,
                )
            )
        except DomainError as error:
            refused.append((placement.request, str(error)))
    return booked, refused


def _book_batch(actor, point, batch) -> tuple[list[Session], list]:
    try:
        with transaction.atomic():
            return _write(actor, point, batch)
    except IntegrityError as error:
        if constraint_name(error) not in CLASH_MESSAGES:
            raise
        raise _Refused from error


def _write(actor, point, batch) -> tuple[list[Session], list]:
    waiting = set(
        ConsultationRequest.objects.select_for_update(of=("self",))
        .filter(pk__in=[p.request.pk for p in batch], status=ConsultationRequest.Status.ACCEPTED)
        .values_list("pk", flat=True)
    )
    stale = [(p.request, NO_LONGER_WAITING) for p in batch if p.request.pk not in waiting]
    live = [p for p in batch if p.request.pk in waiting]
    if not live:
        return [], stale
    # The order `session_book` takes them in: tutors, then rooms, each by id.
    list(
        User.objects.select_for_update(no_key=True)
        .filter(pk__in={p.tutor.pk for p in live})
        .order_by("pk")
    )
    rooms = {p.room.pk for p in live if p.room is not None}
    if rooms:
        list(Room.objects.select_for_update(no_key=True).filter(pk__in=rooms).order_by("pk"))
    sessions = Session.objects.bulk_create(
        new_session(
            actor,
            p.request,
            p.tutor,
            point,
            p.room,
            p.request.format,
            "",
            p.starts_at,
            p.ends_at,
        )
        for p in live
    )
    Through = Session.teachers.through
    Through.objects.bulk_create(
        Through(session=session, user_id=session.request.teacher_id)
        for session in sessions
        if session.request.teacher_id
    )
    now = timezone.now()
    requests = [p.request for p in live]
    ConsultationRequest.objects.filter(pk__in=[r.pk for r in requests]).update(
        status=ConsultationRequest.Status.SCHEDULED, status_reason="", updated_at=now
    )
    for request in requests:
        request.status, request.status_reason, request.updated_at = (
            ConsultationRequest.Status.SCHEDULED,
            "",
            now,
        )
    zone = point.municipality.tzinfo
    audit_records(
        actor=actor,
        action="session.book",
        entries=[
            (
                session,
                {
                    "request": session.request_id,
                    "tutor": session.tutor.full_name,
                    "time": period_text(session.starts_at, session.ends_at, zone),
                    "room": session.room.name if session.room_id else "",
                    "format": Format(session.format).label,
                    "link": "",
                },
            )
            for session in sessions
        ],
    )
    audit_records(actor=actor, action="request.schedule", entries=[(r, {}) for r in requests])
    _tell(actor, sessions)
    return sessions, stale


def _tell(actor, sessions: list[Session]) -> None:
    """«Назначено занятие» to each request's people (`requests.concerned`: its requester, its
    teacher and the tutors of its sessions, earlier ones included), in one go."""
    tutors: dict[int, set[int]] = {}
    for request_id, tutor_id in (
        Session.objects.filter(request__in=[s.request_id for s in sessions])
        .values_list("request", "tutor")
        .distinct()
    ):
        tutors.setdefault(request_id, set()).add(tutor_id)
    notify_many(
        kind="consultations.request.scheduled",
        actor=actor,
        items=[
            (
                [
                    session.request.requested_by_id,
                    session.request.teacher_id,
                    *tutors.get(session.request_id, ()),
                ],
                f"{named(session.request)}: назначено занятие {when(session)}, тьютор "
                f"{session.tutor.short_name}." + joining_line(session),
                session.request.get_absolute_url(),
                session.request,
            )
            for session in sessions
        ],
    )


# The methodist's «Построить график», run by a task.

BUILD_FAILED = (
    "Построить график не удалось из-за сбоя на сервере. Занятия, которые успели назначить, "
    "остались назначенными; постройте график ещё раз — он разместит остальные заявки."
)


@transaction.atomic
def schedule_build_start(*, actor: User, point, starts_on, ends_on):
    """Check the period and queue the build; the page follows its progress."""
    from tutoring import outbox

    from ..models import ScheduleBuild
    from ..tasks import run_schedule_build

    if not point.is_active:
        raise DomainError(f"Пункт «{point}» сейчас не работает: выберите другой пункт.")
    if ends_on < starts_on:
        raise DomainError("Дата «по» раньше даты «с».", field="ends_on")
    if ends_on < timezone.localdate(timezone=point.municipality.tzinfo):
        raise DomainError("Период уже прошёл: выберите даты впереди.", field="ends_on")
    build = ScheduleBuild.objects.create(
        municipality=point.municipality,
        point=point,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    outbox.enqueue(run_schedule_build, build.pk, key=f"schedule-build:{build.pk}")
    return build


def schedule_build_run(build_id: int) -> bool:
    """Build the schedule of a queued build (the task's body). Safe to run twice: a build that
    is not waiting is left alone. Each batch of bookings commits on its own, so the progress
    shows and a failure keeps what was booked."""
    from ..matching import build_schedule
    from ..models import ScheduleBuild

    with transaction.atomic():
        build = (
            ScheduleBuild.objects.select_for_update(of=("self",))
            .select_related("point__municipality", "created_by")
            .filter(pk=build_id)
            .first()
        )
        if build is None or build.status != ScheduleBuild.Status.QUEUED:
            return False
        build.status = ScheduleBuild.Status.RUNNING
        build.save(update_fields=["status"])

    def progress(done: int, total: int) -> None:
        ScheduleBuild.objects.filter(pk=build_id).update(done=done, total=total)

    try:
        booked, unplaced = build_schedule(
            actor=build.created_by,
            municipality=build.point.municipality,
            point=build.point,
            starts_on=build.starts_on,
            ends_on=build.ends_on,
            progress=progress,
        )
    except DomainError as error:
        _finish(build, failure=str(error))
        return False
    except Exception:
        _finish(build, failure=BUILD_FAILED)
        raise
    _finish(build, booked=booked, unplaced=unplaced)
    return True


@transaction.atomic
def _finish(build, *, booked=(), unplaced=(), failure: str = "") -> None:
    from tutoring.services import audit_record

    from ..models import ScheduleBuild

    build.status = ScheduleBuild.Status.FAILED if failure else ScheduleBuild.Status.DONE
    build.failure = failure
    build.unplaced = [[request.pk, reason] for request, reason in unplaced]
    build.done = build.total = len(booked) if not failure else build.done
    build.finished_at = timezone.now()
    build.save(update_fields=["status", "failure", "unplaced", "done", "total", "finished_at"])
    build.sessions.set(booked)
    audit_record(
        actor=build.created_by,
        action="schedule.build",
        obj=build,
        changes={"sessions": len(booked), "unplaced": len(unplaced)}
        if not failure
        else {"reason": failure},
    )


def schedule_build_give_up(build_id: int, *, reason: str) -> None:
    """The outbox gave the build's task up (its workers kept dying)."""
    from ..models import ScheduleBuild

    build = ScheduleBuild.objects.filter(pk=build_id, status__in=["queued", "running"]).first()
    if build is not None:
        _finish(build, failure=reason)
