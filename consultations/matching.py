"""Which tutor fits a request, and the schedule of a period built from all accepted requests
(seed 002, 6.6: the schedule «формируется по заявкам»).

A tutor is ranked by the subject they teach, their free time in the requested dates, their
load this month and their assignment to the request's teacher; a tutor from the requesting
school is never offered (conflict of interest). The reasons are shown to the methodist as they
are, so they are written in Russian.

Reads come in a constant number of queries whatever the number of tutors: the tutors with
their subjects, their schools, their load and assignments in one query each, and the free time
of all of them at once through `free_intervals_for` (three queries).
"""

import bisect
import datetime
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from community.models import Assignment
from tutoring.models import Municipality, Role, RoleKind, User, current_start_year
from tutoring.words import plural

from .models import (
    ConsultationPoint,
    ConsultationRequest,
    DomainError,
    Format,
    RequestKind,
    RequestWindow,
    Room,
    Session,
)
from .services import schedule_batches
from .services.availability import free_intervals_for

Interval = tuple[datetime.datetime, datetime.datetime]

CONFLICT_OF_INTEREST = "из школы заявителя — конфликт интересов"
# Sessions that count as the tutor's load: planned and held ones.
LOAD_STATUSES = (Session.Status.PLANNED, Session.Status.HELD)
# Group sessions and master classes take longer than a consultation.
LONG_KINDS = frozenset(
    {
        RequestKind.GROUP_TEACHERS,
        RequestKind.GROUP_PUPILS,
        RequestKind.GROUP_BOTH,
        RequestKind.MASTER_CLASS,
    }
)
# Free time shorter than the shortest session is not worth offering.
SHORTEST_SESSION = datetime.timedelta(minutes=30)
# Sessions start on the quarter hour.
STEP = datetime.timedelta(minutes=15)
# The weights of the ranking: the subject matters most, then the assignment, then free
# time; each session already held or planned this month lowers the rank a little, which
# spreads the work over the community.
SUBJECT_WEIGHT = 100
ASSIGNMENT_WEIGHT = 50
FREE_WEIGHT = 20
FREE_PER_INTERVAL = 2
FREE_INTERVALS_COUNTED = 10
LOAD_WEIGHT = 3

MONTHS_IN = [
    "январе",
    "феврале",
    "марте",
    "апреле",
    "мае",
    "июне",
    "июле",
    "августе",
    "сентябре",
    "октябре",
    "ноябре",
    "декабре",
]


@dataclass
class Candidate:
    tutor: User
    score: int
    reasons: list[str]
    # Free time inside the request's dates, aware datetimes in the municipality's zone.
    free: list[Interval]
    # Why the tutor cannot take the request; a blocked tutor is never offered.
    blockers: list[str] = field(default_factory=list)
    load: int = 0
    teaches_subject: bool = False

    @property
    def blocked(self) -> bool:
        return bool(self.blockers)


def session_length(request: ConsultationRequest) -> datetime.timedelta:
    return datetime.timedelta(minutes=90 if request.kind in LONG_KINDS else 60)


def _midnight(day: datetime.date, zone) -> datetime.datetime:
    # In UTC, as in the availability service: arithmetic across a DST change stays right.
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=zone).astimezone(datetime.UTC)


def _ceil(moment: datetime.datetime) -> datetime.datetime:
    """The next quarter hour (or the moment itself, if it is one)."""
    moment = moment.astimezone(datetime.UTC).replace(second=0, microsecond=0)
    extra = moment.minute % 15
    return moment + datetime.timedelta(minutes=15 - extra) if extra else moment


def _date_ranges(windows, zone, *, starts_on=None, ends_on=None, now=None) -> list[Interval]:
    """The requested dates (within the period, if given) as sorted intervals from local
    midnight to midnight, starting no earlier than the next quarter hour from now."""
    earliest = _ceil(now or timezone.now())
    ranges = []
    for window in windows:
        first = max(window.starts_on, starts_on) if starts_on else window.starts_on
        last = min(window.ends_on, ends_on) if ends_on else window.ends_on
        if first > last:
            continue
        start = max(_midnight(first, zone), earliest)
        end = _midnight(last + datetime.timedelta(days=1), zone)
        if start < end:
            ranges.append((start, end))
    return _merged(ranges)


def _merged(intervals) -> list[Interval]:
    merged: list[list[datetime.datetime]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _within(free: list[Interval], ranges: list[Interval]) -> list[Interval]:
    """The parts of the free time inside the ranges; both sorted, the result too. The free
    time that ends before the first range is skipped by bisection (a month of it, against
    a request's two weeks)."""
    if not free or not ranges:
        return []
    result, j = [], 0
    i = bisect.bisect_right(free, ranges[0][0], key=lambda interval: interval[1])
    while i < len(free) and j < len(ranges):
        start = max(free[i][0], ranges[j][0])
        end = min(free[i][1], ranges[j][1])
        if end - start >= SHORTEST_SESSION:
            result.append((start, end))
        if free[i][1] < ranges[j][1]:
            i += 1
        else:
            j += 1
    return result


def _month_bounds(month: datetime.date, zone) -> Interval:
    first = month.replace(day=1)
    following = (first + datetime.timedelta(days=32)).replace(day=1)
    return _midnight(first, zone), _midnight(following, zone)


class _Pool:
    """The municipality's tutors with what the ranking needs of them, read once."""

    def __init__(self, municipality: Municipality, *, month: datetime.date, teacher_ids):
        self.municipality = municipality
        self.month = month
        roles = (
            Role.objects.filter(kind=RoleKind.TUTOR, municipality=municipality)
            .filter(user__is_active=True)
            .select_related("user")
            .prefetch_related("subjects")
            .order_by("user__last_name", "user__first_name", "user_id", "pk")
        )
        self.tutors: dict[int, User] = {}
        self.subjects: dict[int, set[int]] = defaultdict(set)
        for role in roles:
            self.tutors.setdefault(role.user_id, role.user)
            self.subjects[role.user_id].update(subject.pk for subject in role.subjects.all())
        tutor_roles = Role.objects.filter(
            kind=RoleKind.TUTOR, municipality=municipality, user=OuterRef("user")
        )
        # Every organization a tutor works for, in any role: for the conflict of interest.
        self.organizations: dict[int, set[int]] = defaultdict(set)
        for user_id, organization_id in (
            Role.objects.filter(Exists(tutor_roles), organization__isnull=False)
            .values_list("user_id", "organization_id")
            .distinct()
        ):
            self.organizations[user_id].add(organization_id)
        month_start, month_end = _month_bounds(month, municipality.tzinfo)
        tutor_sessions = Session.objects.filter(
            Exists(
                Role.objects.filter(
                    kind=RoleKind.TUTOR, municipality=municipality, user=OuterRef("tutor")
                )
            ),
            status__in=LOAD_STATUSES,
            starts_at__gte=month_start,
            starts_at__lt=month_end,
        )
        self.load: Counter = Counter(
            dict(tutor_sessions.values_list("tutor").annotate(n=Count("pk")).order_by())
        )
        self.assigned: set[tuple[int, int]] = set()
        teacher_ids = {pk for pk in teacher_ids if pk}
        if teacher_ids:
            self.assigned = set(
                Assignment.objects.filter(
                    academic_year__start_year=current_start_year(),
                    teacher__in=teacher_ids,
                    tutor__in=list(self.tutors),
                ).values_list("tutor_id", "teacher_id")
            )

    def blockers(self, tutor_id: int, request: ConsultationRequest) -> list[str]:
        if request.organization_id in self.organizations[tutor_id]:
            return [CONFLICT_OF_INTEREST]
        return []

    def load_label(self) -> str:
        today = timezone.localdate(timezone=self.municipality.tzinfo)
        if (self.month.year, self.month.month) == (today.year, today.month):
            return "в этом месяце"
        return f"в {MONTHS_IN[self.month.month - 1]}"

    def score(self, tutor_id: int, request: ConsultationRequest, free: list[Interval]) -> int:
        """The rank of a tutor who is not blocked: the subject, the free time, the load and
        the assignment, weighed (the candidate's reasons say the same in words)."""
        score = SUBJECT_WEIGHT if request.subject_id in self.subjects[tutor_id] else 0
        if free:
            score += FREE_WEIGHT + FREE_PER_INTERVAL * min(len(free), FREE_INTERVALS_COUNTED)
        score -= LOAD_WEIGHT * self.load[tutor_id]
        if (tutor_id, request.teacher_id) in self.assigned:
            score += ASSIGNMENT_WEIGHT
        return score

    def candidate(
        self, tutor_id: int, request: ConsultationRequest, free: list[Interval]
    ) -> Candidate:
        tutor = self.tutors[tutor_id]
        blockers = self.blockers(tutor_id, request)
        if blockers:
            return Candidate(
                tutor=tutor, score=0, reasons=list(blockers), free=[], blockers=blockers
            )
        score, reasons = self.score(tutor_id, request, free), []
        teaches = request.subject_id in self.subjects[tutor_id]
        if teaches:
            reasons.append(f"ведёт предмет: {request.subject.name}")
        else:
            reasons.append(f"не ведёт предмет: {request.subject.name}")
        if free:
            reasons.append("свободен в желаемые даты: " + plural(len(free), "окно", "окна", "окон"))
        else:
            reasons.append("нет свободного времени в желаемые даты")
        load = self.load[tutor_id]
        reasons.append(
            f"нагрузка {self.load_label()}: " + plural(load, "занятие", "занятия", "занятий")
        )
        if (tutor_id, request.teacher_id) in self.assigned:
            reasons.append("закреплён за учителем")
        zone = self.municipality.tzinfo
        return Candidate(
            tutor=tutor,
            score=score,
            reasons=reasons,
            free=[(start.astimezone(zone), end.astimezone(zone)) for start, end in free],
            load=load,
            teaches_subject=teaches,
        )


def _ranked(candidates: list[Candidate]) -> list[Candidate]:
    return sorted(
        candidates,
        key=lambda c: (c.blocked, -c.score, c.load, c.tutor.last_name, c.tutor.pk),
    )


def rank_tutors(
    request: ConsultationRequest,
    *,
    month: datetime.date | None = None,
    include_blocked: bool = False,
) -> list[Candidate]:
    """The municipality's tutors for the request, best first, each with the reasons and the
    free time inside the request's dates. Blocked tutors (the requesting school's own) are
    left out, or listed last with `include_blocked`, for the methodist to see why.

    A constant number of queries (about ten), whatever the number of tutors."""
    municipality = request.municipality
    zone = municipality.tzinfo
    month = month or timezone.localdate(timezone=zone)
    pool = _Pool(municipality, month=month, teacher_ids=[request.teacher_id])
    windows = list(request.windows.all())
    ranges = _date_ranges(windows, zone)
    open_ids = [pk for pk in pool.tutors if not pool.blockers(pk, request)]
    free = {}
    if ranges and open_ids:
        free = free_intervals_for(
            tutors=open_ids,
            municipality=municipality,
            starts_on=ranges[0][0].astimezone(zone).date(),
            ends_on=max(window.ends_on for window in windows),
        )
    candidates = [
        pool.candidate(pk, request, _within(free.get(pk, []), ranges)) for pk in pool.tutors
    ]
    return [c for c in _ranked(candidates) if include_blocked or not c.blocked]


# Building the schedule of a period.


class _Rooms:
    """The point's active rooms and their taken time, kept up to date as sessions are placed."""

    def __init__(self, point: ConsultationPoint, *, starts: datetime.datetime, ends):
        self.rooms = list(point.rooms.filter(is_active=True).order_by("capacity", "name", "pk"))
        self.taken: dict[int, list[Interval]] = defaultdict(list)
        sessions = (
            Session.objects.filter(room__in=[room.pk for room in self.rooms])
            .exclude(status=Session.Status.CANCELLED)
            .filter(starts_at__lt=ends, ends_at__gt=starts)
            .values_list("room_id", "starts_at", "ends_at")
        )
        for room_id, start, end in sessions:
            self.taken[room_id].append((start, end))
        for intervals in self.taken.values():
            intervals.sort()
        self.longest = max(
            (end - start for intervals in self.taken.values() for start, end in intervals),
            default=datetime.timedelta(0),
        )

    def fitting(self, participants: int) -> list:
        return [room for room in self.rooms if room.capacity >= participants]

    def busy_until(self, room, start, end) -> datetime.datetime | None:
        """The end of a session of the room overlapping [start, end), if there is one."""
        taken = self.taken[room.pk]
        # Sorted by start: the candidates start before `end`, and the search stops once
        # even the longest session starting earlier would have ended before `start`.
        for other_start, other_end in reversed(taken[: bisect.bisect_left(taken, (end,))]):
            if other_end > start:
                return other_end
            if other_start + self.longest <= start:
                break
        return None

    def take(self, room, start, end) -> None:
        bisect.insort(self.taken[room.pk], (start, end))
        self.longest = max(self.longest, end - start)


def _slot(free: list[Interval], length, *, rooms: list | None, taken: _Rooms):
    """The earliest start in the free time with a room free for the whole session (any
    room of `rooms`; no room needed when `rooms` is None)."""
    for start, end in free:
        moment = _ceil(start)
        while moment + length <= end:
            if rooms is None:
                return moment, None
            ends = moment + length
            blocked_until = []
            for room in rooms:
                until = taken.busy_until(room, moment, ends)
                if until is None:
                    return moment, room
                blocked_until.append(until)
            moment = _ceil(min(blocked_until))
    return None


def _without(free: list[Interval], start, end) -> list[Interval]:
    result = []
    for free_start, free_end in free:
        if free_end <= start or free_start >= end:
            result.append((free_start, free_end))
            continue
        if free_start < start:
            result.append((free_start, start))
        if end < free_end:
            result.append((end, free_end))
    return result


def _accepted_meeting(municipality, starts_on, ends_on):
    windows = RequestWindow.objects.filter(
        request=OuterRef("pk"), starts_on__lte=ends_on, ends_on__gte=starts_on
    )
    return (
        ConsultationRequest.objects.filter(
            Exists(windows), municipality=municipality, status=ConsultationRequest.Status.ACCEPTED
        )
        .select_related("municipality", "organization", "subject", "teacher")
        .prefetch_related("windows")
        .order_by("-priority", "created_at", "pk")
    )


@dataclass
class Placement:
    """Where and when the schedule puts a request: decided in memory, booked in a batch."""

    request: ConsultationRequest
    tutor: User
    room: Room | None
    starts_at: datetime.datetime
    ends_at: datetime.datetime


def build_schedule(
    *,
    actor: User | None,
    municipality: Municipality,
    point: ConsultationPoint,
    starts_on: datetime.date,
    ends_on: datetime.date,
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Session], list[tuple[ConsultationRequest, str]]]:
    """Place every accepted request of the municipality whose dates meet the period: priority
    requests (ШНОР/ШССУ) first, then the oldest; each with the best-ranked tutor who teaches
    its subject and is free for the session's length, at their earliest free time, in the
    smallest room that holds its participants (in person).

    The placements are decided in memory, against the tutors' free time and the rooms' taken
    time read once and kept up to date as requests are placed; then booked in batches
    (`schedule_batches.book`), each one transaction, the database's exclusion constraints the
    referee, so that a booking made meanwhile by a methodist costs a batch its speed, never a
    clash. `progress(done, total)` is told after each batch."""
    zone = municipality.tzinfo
    if point.municipality_id != municipality.pk:
        raise DomainError(f"Пункт «{point}» относится к другому муниципальному образованию.")
    if not point.is_active:
        raise DomainError(f"Пункт «{point}» сейчас не работает: выберите другой пункт.")
    if ends_on < starts_on:
        raise DomainError("Дата «по» раньше даты «с».")
    today = timezone.localdate(timezone=zone)
    if ends_on < today:
        raise DomainError("Период уже прошёл: выберите даты впереди.")
    first_day = max(starts_on, today)

    requests = list(_accepted_meeting(municipality, starts_on, ends_on))
    pool = _Pool(municipality, month=first_day, teacher_ids={r.teacher_id for r in requests})
    free = free_intervals_for(
        tutors=list(pool.tutors), municipality=municipality, starts_on=first_day, ends_on=ends_on
    )
    rooms = _Rooms(
        point,
        starts=_midnight(first_day, zone),
        ends=_midnight(ends_on + datetime.timedelta(days=1), zone),
    )

    planned: list[Placement] = []
    unplaced: list[tuple[ConsultationRequest, str]] = []
    for request in requests:
        outcome = _place(
            request,
            point=point,
            pool=pool,
            free=free,
            rooms=rooms,
            starts_on=first_day,
            ends_on=ends_on,
        )
        if isinstance(outcome, Placement):
            planned.append(outcome)
            pool.load[outcome.tutor.pk] += 1
            free[outcome.tutor.pk] = _without(
                free[outcome.tutor.pk], outcome.starts_at, outcome.ends_at
            )
            if outcome.room is not None:
                rooms.take(outcome.room, outcome.starts_at, outcome.ends_at)
        else:
            unplaced.append((request, outcome))
    booked, refused = schedule_batches.book(actor, point, planned, progress=progress)
    return booked, unplaced + refused


def _place(request, *, point, pool, free, rooms, starts_on, ends_on) -> Placement | str:
    """Where and when the request goes, or the reason why it cannot."""
    zone = pool.municipality.tzinfo
    length = session_length(request)
    minutes = int(length.total_seconds() // 60)
    ranges = _date_ranges(request.windows.all(), zone, starts_on=starts_on, ends_on=ends_on)
    if not ranges:
        return "желаемые даты в этом периоде уже прошли"
    in_person = request.format == Format.IN_PERSON
    if not in_person and not point.remote_link:
        # A remote session needs a link, which only the methodist can give it by hand.
        return f"у пункта «{point}» нет постоянной ссылки для дистанционных занятий"
    fitting = rooms.fitting(request.participants_count) if in_person else None
    if in_person and not fitting:
        return f"в пункте «{point}» нет помещения на " + plural(
            request.participants_count, "человека", "человека", "человек"
        )
    teaching = [
        pk
        for pk in pool.tutors
        if request.subject_id in pool.subjects[pk] and not pool.blockers(pk, request)
    ]
    if not teaching:
        return f"нет тьютора по предмету «{request.subject.name}» не из школы заявителя"
    # Ranked as `rank_tutors` ranks them (`_ranked`), without the reasons in words, which a
    # schedule of 2,000 requests × 200 tutors would write 75,000 times to show none.
    ranked = []
    for pk in teaching:
        within = _within(free[pk], ranges)
        tutor = pool.tutors[pk]
        load = pool.load[pk]
        ranked.append((-pool.score(pk, request, within), load, tutor.last_name, pk, within))
    ranked.sort(key=lambda row: row[:4])
    anyone_free = False
    for *_key, pk, within in ranked:
        tutor_free = [(start, end) for start, end in within if end - start >= length]
        if not tutor_free:
            continue
        anyone_free = True
        slot = _slot(tutor_free, length, rooms=fitting, taken=rooms)
        if slot is None:
            continue
        start, room = slot
        return Placement(request, pool.tutors[pk], room, start, start + length)
    if anyone_free:
        return (
            f"в свободное время тьюторов все помещения на "
            f"{plural(request.participants_count, 'человека', 'человека', 'человек')} заняты"
        )
    return (
        f"ни у одного тьютора по предмету «{request.subject.name}» нет свободных "
        f"{plural(minutes, 'минуты', 'минут', 'минут')} в желаемые даты"
    )
