"""The values of a programme's indicators from what the portal knows: the school's ВПР results,
its teachers' development routes, the tutors' sessions held there. Counted whenever a page reads
them, never stored, so results loaded tomorrow move the indicator tomorrow without anyone
editing the programme. `readings` takes a constant number of queries, whatever the number of
indicators, programmes and schools."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from community.models import DevelopmentRoute
from consultations.models import Session
from tutoring.models import AcademicYear, Municipality, Organization, Role, RoleKind
from tutoring.words import plural

from .. import analysis
from ..analysis import Level, rounded, share
from ..models import Assessment, AssessmentKind, Indicator

Source = Indicator.Source
VPR_SOURCES = (Source.VPR_TWOS, Source.VPR_CONFIRMED)
TENTH = Decimal("0.1")
MANUAL_PERIOD = "вводит школа"
NO_RESULTS = "нет результатов ВПР школы по этой работе"


@dataclass(frozen=True)
class Reading:
    value: Decimal | None  # to a tenth; None when the portal has no data
    year: int | None  # the ВПР year or academic start_year it is of
    period: str  # «ВПР 2026», «2026/27 учебный год» — for the page
    basis: str  # «12 из 25 участников», «3 из 12 учителей», «7 занятий» — how it was counted


@dataclass(frozen=True)
class _Ask:
    """One value wanted: of `source` at `school`; for the ВПР sources of the work (`subject`,
    `grade`) in the latest year up to `up_to` (None: the latest loaded), for the others of the
    academic year that starts in `start_year`."""

    source: str
    school: Organization
    start_year: int | None = None
    subject: int | None = None
    grade: int | None = None
    up_to: int | None = None


def baseline(source, *, school, academic_year, subject=None, grade=None) -> Reading:
    """What a programme of `academic_year` starts from: the ВПР of its spring (or the latest
    earlier one the school wrote), the academic year before it for routes and sessions."""
    if source == Source.MANUAL:
        return Reading(None, None, MANUAL_PERIOD, "")
    if source in VPR_SOURCES:
        ask = _Ask(
            source,
            school,
            subject=getattr(subject, "pk", subject),
            grade=grade,
            up_to=academic_year.start_year,
        )
    else:
        ask = _Ask(source, school, start_year=academic_year.start_year - 1)
    return _read({0: ask})[0]


def readings(indicators) -> dict[int, Reading]:
    """The current value of each indicator, by its id: the latest ВПР results of its work at
    the school, routes and sessions of the programme's academic year, the school's own figure
    for a manual one. The indicators come with `programme__organization` and
    `programme__academic_year` loaded."""
    found, asks = {}, {}
    for indicator in indicators:
        programme = indicator.programme
        school, start_year = programme.organization, programme.academic_year.start_year
        if indicator.source == Source.MANUAL:
            found[indicator.pk] = Reading(indicator.value, start_year, MANUAL_PERIOD, "")
        elif indicator.source in VPR_SOURCES:
            asks[indicator.pk] = _Ask(
                indicator.source, school, subject=indicator.subject_id, grade=indicator.grade
            )
        else:
            asks[indicator.pk] = _Ask(indicator.source, school, start_year=start_year)
    return found | _read(asks)


def progress(baseline: Decimal, target: Decimal, current: Decimal | None) -> int | None:
    """How far the value has gone from the baseline toward the target, in whole percent: 100
    is the target reached, above 100 beyond it, below 0 away from it. The sign of the target's
    distance makes it work both ways: a share of «2» that should fall, a share that should
    rise."""
    if current is None or target == baseline:
        return None
    done = (Decimal(current) - baseline) * 100 / (target - baseline)
    return int(done.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _read(asks: dict) -> dict:
    by_source = defaultdict(dict)
    for key, ask in asks.items():
        by_source[ask.source][key] = ask
    return (
        _vpr(by_source[Source.VPR_TWOS] | by_source[Source.VPR_CONFIRMED])
        | _routes(by_source[Source.ROUTE_SHARE])
        | _sessions(by_source[Source.SESSIONS_HELD])
    )


def _tenth(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(repr(rounded(value))).quantize(TENTH)


def _period(start_year: int) -> str:
    return f"{AcademicYear(start_year=start_year)} учебный год"


def _of(count: int, total: int, one: str, many: str) -> str:
    """«12 из 25 участников»: after «из» the word is genitive, «из 21 участника»."""
    return f"{count} из {plural(total, one, many, many)}"


def _vpr(asks: dict) -> dict:
    """Two queries: the works of the subjects and grades asked, and all their years' figures
    at the schools asked, from which each indicator takes its year."""
    if not asks:
        return {}
    wanted = [ask for ask in asks.values() if ask.subject and ask.grade]
    # ВПР are named by subject and grade alone: a title is a diagnostic work's.
    works = {
        pk: (subject, grade, year)
        for pk, subject, grade, year in Assessment.objects.filter(
            kind=AssessmentKind.VPR,
            title="",
            subject__in={ask.subject for ask in wanted},
            grade__in={ask.grade for ask in wanted},
        ).values_list("pk", "subject", "grade", "year")
    }
    series = defaultdict(dict)
    if works:
        # At the school level work_figures counts afresh, never from the cache: a load is
        # seen by the next reading.
        figures = analysis.work_figures(
            list(works),
            level=Level.SCHOOL,
            schools=sorted({ask.school.pk for ask in wanted}),
        )
        for (work, school), own in figures.items():
            subject, grade, year = works[work]
            series[(school, subject, grade)][year] = own
    found = {}
    for key, ask in asks.items():
        by_year = series.get((ask.school.pk, ask.subject, ask.grade), {})
        years = [year for year in by_year if ask.up_to is None or year <= ask.up_to]
        if not years:
            found[key] = Reading(None, None, "", NO_RESULTS)
            continue
        year = max(years)
        found[key] = _vpr_reading(ask.source, by_year[year], year)
    return found


def _vpr_reading(source: str, own: analysis.WorkFigures, year: int) -> Reading:
    if source == Source.VPR_TWOS:
        counted, total, none = own.marks.get(2, 0), own.marked, "нет отметок за работу"
    else:
        # Not lower than the journal: the work confirmed the school's own mark or beat it.
        counted, total = own.same + own.higher, own.compared
        none = "нет участников с отметкой в журнале"
    basis = _of(counted, total, "участника", "участников") if total else none
    return Reading(_tenth(share(counted, total)), year, f"ВПР {year}", basis)


def _routes(asks: dict) -> dict:
    """The share as the risk profile counts it (`profiles.evidence.training`): the school's
    active teachers on the portal now, and those of them with a route of the year."""
    if not asks:
        return {}
    schools = {ask.school.pk for ask in asks.values()}
    teachers = defaultdict(set)
    for school, user in Role.objects.filter(
        kind=RoleKind.TEACHER, organization__in=schools, user__is_active=True
    ).values_list("organization", "user"):
        teachers[school].add(user)
    guided = defaultdict(set)
    for school, start_year, teacher in DevelopmentRoute.objects.filter(
        organization__in=schools,
        academic_year__start_year__in={ask.start_year for ask in asks.values()},
    ).values_list("organization", "academic_year__start_year", "teacher"):
        guided[(school, start_year)].add(teacher)
    found = {}
    for key, ask in asks.items():
        staff = teachers[ask.school.pk]
        counted = len(guided[(ask.school.pk, ask.start_year)] & staff)
        found[key] = Reading(
            _tenth(share(counted, len(staff))),
            ask.start_year,
            _period(ask.start_year),
            _of(counted, len(staff), "учителя", "учителей")
            if staff
            else "нет учителей школы на портале",
        )
    return found


def _bounds(start_year: int, zone) -> tuple[datetime, datetime]:
    """The academic year from its first midnight to the next one's, on the municipality's
    clock: a session at 00:30 on 1 September in Yekaterinburg is of the new year there, though
    it is still 31 August in Moscow."""
    year = AcademicYear(start_year=start_year)
    following = year.ends_on + timedelta(days=1)
    return datetime.combine(year.starts_on, time.min, zone), datetime.combine(
        following, time.min, zone
    )


def _sessions(asks: dict) -> dict:
    """Two queries: the schools' time zones, and one count of held sessions for each school
    and year asked."""
    if not asks:
        return {}
    zones = {
        pk: municipality.tzinfo
        for pk, municipality in Municipality.objects.in_bulk(
            {ask.school.municipality_id for ask in asks.values()}
        ).items()
    }
    windows = {
        (ask.school.pk, ask.start_year): _bounds(ask.start_year, zones[ask.school.municipality_id])
        for ask in asks.values()
    }
    columns = {pair: f"held_{index}" for index, pair in enumerate(windows)}
    counts = Session.objects.filter(
        status=Session.Status.HELD,
        organization__in={school for school, _year in windows},
        starts_at__gte=min(start for start, _end in windows.values()),
        starts_at__lt=max(end for _start, end in windows.values()),
    ).aggregate(
        **{
            columns[(school, year)]: Count(
                "pk", filter=Q(organization=school, starts_at__gte=start, starts_at__lt=end)
            )
            for (school, year), (start, end) in windows.items()
        }
    )
    found = {}
    for key, ask in asks.items():
        held = counts[columns[(ask.school.pk, ask.start_year)]]
        found[key] = Reading(
            Decimal(held).quantize(TENTH),
            ask.start_year,
            _period(ask.start_year),
            plural(held, "занятие", "занятия", "занятий"),
        )
    return found
