"""The report upward (item 7 of «500+» in the portal): per municipality and academic year, the
schools in the programme, their risks, how their measures went, how their indicators moved,
their share of «2» on ВПР beside the municipality's schools outside the programme, and the
tutors' and curators' work for them. One dict of plain values, so that the page, the xlsx and
the frozen PDF print the same figures. A constant number of queries whatever the number of
schools (the ВПР figures come from the versioned figures cache)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.db.models import Count, Q

from consultations.models import Session
from tutoring.models import AcademicYear, Municipality, Organization, SchoolStatus
from tutoring.words import plural

from .. import analysis
from ..analysis import Level, rounded, share
from ..models import (
    Assessment,
    AssessmentKind,
    Curatorship,
    RiskLevel,
    RiskProfile,
    RiskRating,
    SchoolProgramme,
)
from . import selectors


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{rounded(value):.1f}".replace(".", ",")


@dataclass
class Twos:
    """Pooled share of «2» over every ВПР work of a year: «2» of all works ÷ marks of all."""

    twos: int = 0
    marked: int = 0

    def add(self, figures: analysis.WorkFigures) -> None:
        self.twos += figures.marks.get(2, 0)
        self.marked += figures.marked

    @property
    def share(self) -> float | None:
        return share(self.twos, self.marked)


@dataclass
class SchoolLine:
    school: str
    statuses: str
    curator: str
    profile: str
    high: list[str] = field(default_factory=list)
    medium: list[str] = field(default_factory=list)
    programmes: int = 0
    approved: int = 0
    measures: int = 0
    done: int = 0
    late: int = 0
    indicators: int = 0
    reached: int = 0
    moves: list[str] = field(default_factory=list)  # «Доля «2» …: 48 → 39 (цель 30)»
    twos_before: str = "—"
    twos_after: str = "—"
    sessions: int = 0
    curator_sessions: int = 0


def _held_q(municipalities, academic_year: AcademicYear) -> Q:
    """Sessions inside the academic year on each municipality's own clock: one range per time
    zone the municipalities have."""
    zones = defaultdict(list)
    for municipality in municipalities:
        zones[municipality.timezone].append(municipality.pk)
    q = Q(pk__in=[])
    for zone_name, ids in zones.items():
        zone = next(m.tzinfo for m in municipalities if m.timezone == zone_name)
        start = datetime.combine(academic_year.starts_on, time.min, zone)
        end = datetime.combine(academic_year.ends_on + timedelta(days=1), time.min, zone)
        q |= Q(organization__municipality__in=ids, starts_at__gte=start, starts_at__lt=end)
    return q


def programme_report(municipality: Municipality, academic_year: AcademicYear) -> dict:
    return programme_reports([municipality], academic_year)[0]


def programme_reports(municipalities, academic_year: AcademicYear) -> list[dict]:
    """The report of each municipality, in the order given; the same queries for one
    municipality as for a region's forty."""
    municipalities = list(municipalities)
    by_pk = {m.pk: m for m in municipalities}
    schools = list(
        Organization.objects.filter(
            municipality__in=list(by_pk), statuses__academic_year=academic_year
        )
        .distinct()
        .order_by("short_name", "pk")
    )
    ids = [school.pk for school in schools]
    statuses = defaultdict(list)
    for organization, kind in SchoolStatus.objects.filter(
        organization__in=ids, academic_year=academic_year
    ).values_list("organization", "kind"):
        statuses[organization].append(SchoolStatus.Kind(kind).label)
    curators = {
        c.organization_id: c.curator
        for c in Curatorship.objects.filter(
            organization__in=ids, academic_year=academic_year
        ).select_related("curator")
    }
    profiles = {
        p.organization_id: p
        for p in RiskProfile.objects.filter(organization__in=ids, academic_year=academic_year)
    }
    ratings = defaultdict(lambda: defaultdict(list))
    for rating in (
        RiskRating.objects.filter(
            profile__in=[p.pk for p in profiles.values()],
            level__in=[RiskLevel.HIGH, RiskLevel.MEDIUM],
        )
        .select_related("direction", "profile")
        .order_by("direction__position", "pk")
    ):
        ratings[rating.profile.organization_id][rating.level].append(rating.direction.name)
    programmes = list(
        SchoolProgramme.objects.filter(organization__in=ids, academic_year=academic_year)
        .exclude(status=SchoolProgramme.Status.SUPERSEDED)
        .order_by("pk")
    )
    # What the readings of the indicators ask of each programme, given rather than fetched one
    # programme at a time.
    by_school = {school.pk: school for school in schools}
    for programme in programmes:
        programme.municipality = by_pk[programme.municipality_id]
        programme.academic_year = academic_year
        programme.organization = by_school[programme.organization_id]
    measure_rows = selectors.measure_rows_for(programmes)
    indicator_rows = selectors.indicator_rows_for(programmes)

    held = Session.objects.filter(
        _held_q(municipalities, academic_year), organization__in=ids, status=Session.Status.HELD
    )
    sessions = dict(
        held.values("organization").annotate(n=Count("pk")).values_list("organization", "n")
    )
    by_tutor = {
        (row["organization"], row["tutor"]): row["n"]
        for row in held.values("organization", "tutor").annotate(n=Count("pk"))
    }

    before_year, after_year, pooled, outside = _twos(municipalities, academic_year, set(ids))

    lines = {}
    for school in schools:
        profile = profiles.get(school.pk)
        curator = curators.get(school.pk)
        lines[school.pk] = SchoolLine(
            school=school.short_name,
            statuses=", ".join(statuses[school.pk]),
            curator=curator.full_name if curator else "не назначен",
            profile=profile.get_status_display() if profile else "не составлен",
            high=ratings[school.pk][RiskLevel.HIGH],
            medium=ratings[school.pk][RiskLevel.MEDIUM],
            twos_before=_pct(pooled[(school.pk, before_year)].share),
            twos_after=_pct(pooled[(school.pk, after_year)].share),
            sessions=sessions.get(school.pk, 0),
            curator_sessions=by_tutor.get((school.pk, curator.pk), 0) if curator else 0,
        )
    for programme in programmes:
        line = lines[programme.organization_id]
        line.programmes += 1
        line.approved += programme.status == SchoolProgramme.Status.APPROVED
        for row in measure_rows[programme.pk]:
            line.measures += 1
            line.done += row.state in ("done", "done_late")
            line.late += row.state == "late"
        for row in indicator_rows[programme.pk]:
            line.indicators += 1
            line.reached += row.progress is not None and row.progress >= 100
            current = row.reading.value
            line.moves.append(
                f"{row.indicator.title}: {_number(row.indicator.baseline)} → "
                f"{_number(current) if current is not None else 'нет данных'} "
                f"(цель {_number(row.indicator.target)})"
            )
    reports = []
    for municipality in municipalities:
        own = [lines[s.pk] for s in schools if s.municipality_id == municipality.pk]
        reports.append(
            {
                "municipality": municipality.name,
                "municipality_id": municipality.pk,
                "year": str(academic_year),
                "before_year": before_year,
                "after_year": after_year,
                "outside_before": _pct(outside[(municipality.pk, before_year)].share),
                "outside_after": _pct(outside[(municipality.pk, after_year)].share),
                "schools": [vars(line) for line in own],
                "totals": _totals(own),
            }
        )
    return reports


def _number(value) -> str:
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def _twos(municipalities, academic_year, programme_ids: set[int]):
    """The pooled share of «2» on ВПР of each programme school, and of each municipality's
    other schools together, the spring before the year and the latest spring up to its end."""
    before = academic_year.start_year
    ids = [m.pk for m in municipalities]
    years = set(
        Assessment.objects.filter(
            kind=AssessmentKind.VPR,
            year__lte=before + 1,
            results__organization__municipality__in=ids,
        ).values_list("year", flat=True)
    )
    before_year = max((y for y in years if y <= before), default=None)
    after_year = max((y for y in years if y > before), default=None)
    works = {
        work.pk: work.year
        for work in Assessment.objects.filter(
            kind=AssessmentKind.VPR, year__in=[y for y in (before_year, after_year) if y]
        )
    }
    pooled, outside = defaultdict(Twos), defaultdict(Twos)
    if works:
        schools = dict(
            Organization.objects.filter(municipality__in=ids).values_list("pk", "municipality")
        )
        figures = analysis.work_figures(list(works), level=Level.SCHOOL, municipalities=ids)
        for (work_id, school_id), own in figures.items():
            year = works[work_id]
            if school_id in programme_ids:
                pooled[(school_id, year)].add(own)
            else:
                outside[(schools[school_id], year)].add(own)
    return before_year, after_year, pooled, outside


def _totals(lines: list[SchoolLine]) -> dict:
    sessions = sum(line.sessions for line in lines)
    return {
        "schools_text": plural(len(lines), "школа", "школы", "школ"),
        "sessions_text": plural(sessions, "занятие", "занятия", "занятий"),
        "schools": len(lines),
        "profiles_agreed": sum(line.profile == RiskProfile.Status.AGREED.label for line in lines),
        "programmes": sum(line.programmes for line in lines),
        "approved": sum(line.approved for line in lines),
        "measures": sum(line.measures for line in lines),
        "done": sum(line.done for line in lines),
        "late": sum(line.late for line in lines),
        "indicators": sum(line.indicators for line in lines),
        "reached": sum(line.reached for line in lines),
        "sessions": sum(line.sessions for line in lines),
        "curator_sessions": sum(line.curator_sessions for line in lines),
    }
