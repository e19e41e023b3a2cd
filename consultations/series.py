"""Series of sessions: the dates of the occurrences and the clashes of all of them at once.

A series is booked all or nothing, so a tutor or a methodist sees every clash of the series in
one message and fixes them together, instead of one clash per attempt. Both the methodist's
booked series and the tutor's own read their occurrences and clashes here.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q

from tutoring.errors import DomainError
from tutoring.words import plural, plural_form

from .models import Interval, Room, Session, SessionSeries

MAX = SessionSeries.MAX_OCCURRENCES


@dataclass(frozen=True)
class Occurrence:
    number: int  # from 1, as the series' page numbers them
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def occurrences(
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    interval: int,
    count: int | None = None,
    until: datetime.date | None = None,
    zone: datetime.tzinfo,
) -> list[Occurrence]:
    """The occurrences of a series from its first session: every `interval` weeks at the same
    wall-clock time in the municipality's zone, `count` times or up to `until` inclusive."""
    if interval not in Interval.values:
        raise DomainError("Выберите, как часто повторять: еженедельно или раз в две недели.")
    if (count is None) == (until is None):
        raise DomainError("Укажите либо число занятий серии, либо дату, до которой повторять.")
    if count is not None and not 1 <= count <= MAX:
        raise DomainError(f"В серии может быть от 1 до {MAX} занятий, а указано {count}.")
    first = starts_at.astimezone(zone)
    length = ends_at - starts_at
    if until is not None:
        if until < first.date():
            raise DomainError("Дата, до которой повторять, раньше первого занятия серии.")
        count = (until - first.date()).days // (7 * interval) + 1
        if count > MAX:
            raise DomainError(
                f"До {until:%d.%m.%Y} выходит {count} занятий, а в серии может быть "
                f"не больше {MAX}: выберите дату раньше или повторяйте реже."
            )
    result = []
    for number in range(count):
        day = first.date() + datetime.timedelta(weeks=interval * number)
        start = datetime.datetime.combine(day, first.timetz().replace(tzinfo=None), tzinfo=zone)
        result.append(Occurrence(number + 1, start, start + length))
    return result


def clashes(
    occurrences: list[Occurrence],
    *,
    tutor,
    room: Room | None,
    zone: datetime.tzinfo,
    ignore=(),
) -> list[str]:
    """Every occurrence that overlaps a planned or held session of the tutor (or of the
    room), in words; one query whatever the length of the series. `ignore` are the
    sessions being moved, whose own time does not count."""
    if not occurrences:
        return []
    since = min(o.starts_at for o in occurrences)
    until = max(o.ends_at for o in occurrences)
    taken = Session.objects.exclude(status=Session.Status.CANCELLED).filter(
        starts_at__lt=until, ends_at__gt=since
    )
    taken = taken.exclude(pk__in=[getattr(s, "pk", s) for s in ignore])
    busy = Q(tutor=tutor)
    if room is not None:
        busy |= Q(room=room)
    rows = list(taken.filter(busy).values_list("starts_at", "ends_at", "tutor"))
    problems = []
    for occurrence in occurrences:
        for starts_at, ends_at, tutor_id in rows:
            if starts_at < occurrence.ends_at and ends_at > occurrence.starts_at:
                whose = (
                    f"у {tutor.short_name} занятие"
                    if tutor_id == tutor.pk
                    else f"помещение «{room.name}» занято"
                )
                problems.append(
                    f"Занятие {occurrence.number} ({_period(occurrence, zone)}): {whose} "
                    f"{starts_at.astimezone(zone):%d.%m.%Y %H:%M}–"
                    f"{ends_at.astimezone(zone):%H:%M}."
                )
                break
    return problems


def refuse_clashes(problems: list[str], total: int, *, refused: str = "Серия не записана") -> None:
    """All or nothing: one refusal naming every clashing occurrence."""
    if problems:
        verb = plural_form(len(problems), "пересекается", "пересекаются", "пересекаются")
        raise DomainError(
            f"{refused}: {plural(len(problems), 'занятие', 'занятия', 'занятий')} "
            f"из {total} {verb} с другими. " + " ".join(problems)
        )


def numbers(series_id: int) -> dict[int, int]:
    """Each occurrence's number in its series («Занятие 3 из 8»), by time; one query."""
    pks = Session.objects.filter(series=series_id).order_by("starts_at", "pk")
    return {pk: number for number, pk in enumerate(pks.values_list("pk", flat=True), start=1)}


def following(session: Session) -> list[Session]:
    """The planned occurrences of the session's series after it, locked, by time: what
    «и все следующие» changes with it."""
    if not session.series_id:
        return []
    return list(
        Session.objects.select_for_update(of=("self",))
        .filter(series=session.series_id, status=Session.Status.PLANNED)
        .filter(
            Q(starts_at__gt=session.starts_at) | Q(starts_at=session.starts_at, pk__gt=session.pk)
        )
        .order_by("starts_at", "pk")
    )


def shifted(
    targets: list[Session],
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    *,
    zone: datetime.tzinfo,
    numbered: dict[int, int],
) -> list[Occurrence]:
    """The new times of `targets` when the first of them moves to [starts_at, ends_at): each
    moves by as many days as the first, to its new time of day and length (wall-clock, in
    the municipality's zone), and keeps its number in the series."""
    anchor = targets[0]
    days = starts_at.astimezone(zone).date() - anchor.starts_at.astimezone(zone).date()
    clock = starts_at.astimezone(zone).timetz().replace(tzinfo=None)
    length = ends_at - starts_at
    result = []
    for target in targets:
        day = target.starts_at.astimezone(zone).date() + days
        start = datetime.datetime.combine(day, clock, tzinfo=zone)
        result.append(Occurrence(numbered.get(target.pk, 1), start, start + length))
    return result


def save_order(targets: list, moved: list[Occurrence]) -> list[tuple]:
    """The order to save moved occurrences in so that none overlaps another's old time on
    the way (the exclusion constraint checks each row as it is written): the last first
    when they move later, the first first when they move earlier."""
    pairs = list(zip(targets, moved, strict=True))
    if pairs and moved[0].starts_at > targets[0].starts_at:
        pairs.reverse()
    return pairs


def _period(occurrence: Occurrence, zone) -> str:
    return (
        f"{occurrence.starts_at.astimezone(zone):%d.%m.%Y %H:%M}–"
        f"{occurrence.ends_at.astimezone(zone):%H:%M}"
    )
