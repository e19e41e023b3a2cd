"""A tutor's availability: weekly slots and dated exceptions, and the free time they leave.

Slots are wall-clock times of the municipality (its `timezone`: Калтан consults at 14:00 by
Asia/Novokuznetsk, UTC+7), so free time is computed date by date in that zone and returned as
aware datetimes in it. Writes are one transaction with one audit entry each.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from tutoring.models import Municipality, User
from tutoring.services import audit_record

from ..models import AvailabilityException, AvailabilitySlot, DomainError, Session

Interval = tuple[datetime.datetime, datetime.datetime]

# Sessions that occupy the tutor's time: a cancelled one frees it (as in the database's
# exclusion constraint); one that was not held still took the slot.
BUSY_STATUSES = (Session.Status.PLANNED, Session.Status.HELD, Session.Status.NOT_HELD)


# Free time: read by booking and matching.


def free_intervals(
    *,
    tutor: User,
    municipality: Municipality,
    starts_on: datetime.date,
    ends_on: datetime.date,
    ignore_session: Session | list[Session] | None = None,
) -> list[Interval]:
    """The tutor's free time from `starts_on` to `ends_on` inclusive (local dates): weekly
    slots expanded over the dates, minus the dates of exceptions, minus the tutor's sessions
    that are not cancelled (in any municipality: a person is in one place at a time), merged
    and sorted. Each interval is a pair of aware datetimes in the municipality's zone.

    `ignore_session` leaves one session's time free: the session being moved (or a list
    of them: the occurrences of a series moved together)."""
    return free_intervals_for(
        tutors=[tutor],
        municipality=municipality,
        starts_on=starts_on,
        ends_on=ends_on,
        ignore_session=ignore_session,
    )[tutor.pk]


def free_intervals_for(
    *,
    tutors: Iterable[User | int],
    municipality: Municipality,
    starts_on: datetime.date,
    ends_on: datetime.date,
    ignore_session: Session | list[Session] | None = None,
) -> dict[int, list[Interval]]:
    """`free_intervals` for many tutors at once, by tutor id, in three queries whatever
    their number: for ranking tutors and building a schedule."""
    tutor_ids = [getattr(tutor, "pk", tutor) for tutor in tutors]
    free = {tutor_id: [] for tutor_id in tutor_ids}
    if starts_on > ends_on or not tutor_ids:
        return free
    zone = municipality.tzinfo

    slots = defaultdict(list)
    for slot in AvailabilitySlot.objects.filter(tutor__in=tutor_ids, municipality=municipality):
        slots[slot.tutor_id].append(slot)
    days_off = defaultdict(list)
    exceptions = AvailabilityException.objects.filter(
        tutor__in=tutor_ids, starts_on__lte=ends_on, ends_on__gte=starts_on
    ).values_list("tutor_id", "starts_on", "ends_on")
    for tutor_id, first, last in exceptions:
        days_off[tutor_id].append((first, last))

    period_start = _local(starts_on, datetime.time.min, zone)
    period_end = _local(ends_on + datetime.timedelta(days=1), datetime.time.min, zone)
    sessions = Session.objects.filter(
        tutor__in=tutor_ids,
        status__in=BUSY_STATUSES,
        starts_at__lt=period_end,
        ends_at__gt=period_start,
    )
    if ignore_session is not None:
        # One session being moved, or the occurrences of a series moved together.
        ignored = ignore_session if isinstance(ignore_session, list | tuple) else [ignore_session]
        sessions = sessions.exclude(pk__in=[s.pk for s in ignored])
    busy = defaultdict(list)
    for tutor_id, start, end in sessions.values_list("tutor_id", "starts_at", "ends_at"):
        busy[tutor_id].append((start, end))

    for tutor_id in tutor_ids:
        offered = _merged(
            (_local(day, slot.starts_at, zone), _local(day, slot.ends_at, zone))
            for day in _dates(starts_on, ends_on)
            if not any(first <= day <= last for first, last in days_off[tutor_id])
            for slot in slots[tutor_id]
            if slot.weekday == day.weekday()
        )
        free[tutor_id] = [
            (start.astimezone(zone), end.astimezone(zone))
            for start, end in _subtract(offered, _merged(busy[tutor_id]))
        ]
    return free


def is_available(
    *,
    tutor: User,
    municipality: Municipality,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    ignore_session: Session | list[Session] | None = None,
) -> bool:
    """Whether the whole of [starts_at, ends_at) lies inside one free interval of the tutor.
    Naive datetimes are read as the municipality's local time."""
    zone = municipality.tzinfo
    if timezone.is_naive(starts_at):
        starts_at = starts_at.replace(tzinfo=zone)
    if timezone.is_naive(ends_at):
        ends_at = ends_at.replace(tzinfo=zone)
    if starts_at >= ends_at:
        return False
    intervals = free_intervals(
        tutor=tutor,
        municipality=municipality,
        starts_on=starts_at.astimezone(zone).date(),
        ends_on=ends_at.astimezone(zone).date(),
        ignore_session=ignore_session,
    )
    return any(start <= starts_at and ends_at <= end for start, end in intervals)


def _local(day: datetime.date, time: datetime.time, zone) -> datetime.datetime:
    # Computed in UTC from here on: arithmetic and comparison of aware datetimes sharing a
    # ZoneInfo are wall-clock, which is wrong across a DST change in the zones that have one.
    return datetime.datetime.combine(day, time, tzinfo=zone).astimezone(datetime.UTC)


def _dates(first: datetime.date, last: datetime.date):
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)


def _merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, with overlapping and touching intervals joined."""
    merged: list[list[datetime.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _subtract(free: list[Interval], busy: list[Interval]) -> list[Interval]:
    """Both sorted and merged."""
    result = []
    for start, end in free:
        for busy_start, busy_end in busy:
            if busy_end <= start or busy_start >= end:
                continue
            if busy_start > start:
                result.append((start, busy_start))
            start = max(start, busy_end)
            if start >= end:
                break
        if start < end:
            result.append((start, end))
    return result


# Changes: a tutor keeps their own availability, and a methodist of the municipality keeps any
# of its tutors'. Each audit entry names the tutor, since the actor may be someone else.


def _tutor(tutor: User) -> dict:
    return {"tutor": tutor.full_name or tutor.username}


def _overlaps(a_start, a_end, b_start, b_end) -> bool:
    return a_start < b_end and b_start < a_end


@transaction.atomic
def slot_create(
    *,
    actor: User,
    tutor: User,
    municipality: Municipality,
    weekday: int,
    starts_at: datetime.time,
    ends_at: datetime.time,
) -> AvailabilitySlot:
    if starts_at >= ends_at:
        raise DomainError("Время окончания приёма должно быть позже времени начала.")
    # The tutor's row is locked so that two slots added at once are checked one after the
    # other and cannot overlap each other.
    User.objects.select_for_update().filter(pk=tutor.pk).first()
    same_day = AvailabilitySlot.objects.filter(tutor=tutor, weekday=weekday)
    for other in same_day.select_related("municipality"):
        if _overlaps(starts_at, ends_at, other.starts_at, other.ends_at):
            where = f" ({other.municipality})" if other.municipality_id != municipality.pk else ""
            raise DomainError(
                f"Это время пересекается с уже указанным: {other}{where}. "
                "Измените время или удалите прежний интервал."
            )
    slot = AvailabilitySlot.objects.create(
        tutor=tutor,
        municipality=municipality,
        weekday=weekday,
        starts_at=starts_at,
        ends_at=ends_at,
    )
    audit_record(actor=actor, action="availability.slot_add", obj=slot, changes=_tutor(tutor))
    return slot


@transaction.atomic
def slot_delete(*, actor: User, slot: AvailabilitySlot) -> None:
    audit_record(
        actor=actor, action="availability.slot_remove", obj=slot, changes=_tutor(slot.tutor)
    )
    slot.delete()


@transaction.atomic
def exception_create(
    *,
    actor: User,
    tutor: User,
    municipality: Municipality,
    starts_on: datetime.date,
    ends_on: datetime.date,
    reason: str,
) -> AvailabilityException:
    if starts_on > ends_on:
        raise DomainError("Дата окончания периода не может быть раньше даты начала.")
    if not reason.strip():
        raise DomainError("Укажите причину: отпуск, больничный, курсы.")
    exception = AvailabilityException.objects.create(
        tutor=tutor,
        municipality=municipality,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor, action="availability.exception_add", obj=exception, changes=_tutor(tutor)
    )
    return exception


@transaction.atomic
def exception_delete(*, actor: User, exception: AvailabilityException) -> None:
    audit_record(
        actor=actor,
        action="availability.exception_remove",
        obj=exception,
        changes=_tutor(exception.tutor),
    )
    exception.delete()
