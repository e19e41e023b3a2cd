"""The schools in the programme («500+») at the scale of a region: 45 municipalities, 1,500
schools with two springs of ВПР, 300 of them in the programme with a curator, an agreed risk
profile, one to three programmes, their measures and indicators, and the tutors' sessions held
there. The report upward and the programme pages: their time and their queries.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_programme.py -s -o python_files='bench_*.py'

It takes some four minutes (most of it the ВПР results of bench_analysis); BENCH_SCALE=small
runs a tenth of a region (150 schools, 30 in the programme) in one. The programme's
rows are written with bulk_create, as fixture data: valid (what the services would accept),
but without their audit entries. It prints the figures and asserts no timings, which depend on
the machine; what must hold everywhere is that the pages answer and that their queries, and
those of `programme_reports`, do not grow with the schools, programmes, measures and
indicators: each is counted again after more schools join the programme.
"""

import datetime
import logging
import os
import random
import re
import statistics
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.contrib.auth.hashers import make_password
from django.core.cache import cache
from django.db import connection
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations.models import Format, RequestKind, Session
from monitoring import analysis
from monitoring.models import (
    Assessment,
    AssessmentKind,
    Curatorship,
    Indicator,
    Measure,
    RiskLevel,
    RiskProfile,
    RiskRating,
    SchoolProgramme,
)
from monitoring.programmes.report import programme_reports
from monitoring.programmes.selectors import tie_label
from monitoring.programmes.services import span
from tests.bench.bench_analysis import vpr_results, vpr_works
from tests.bench.bench_region import REPEATS, analyze
from tests.tutoring.factories import user_with_role
from tutoring.models import (
    AcademicYear,
    Municipality,
    Organization,
    RiskDirection,
    Role,
    RoleKind,
    SchoolStatus,
    Subject,
    User,
)
from tutoring.scale import DEFAULTS, REGION, USERNAME_PREFIX, generate_region
from tutoring.services import risk_directions_seed

SCALES = {
    "full": {"region": DEFAULTS, "programme": 300, "more": 50},
    "small": {
        "region": {"municipalities": 5, "schools": 150, "teachers": 4000, "tutors": 100},
        "programme": 30,
        "more": 5,
    },
}
# Participants of a school in a work: 300,000 a year over 8 works at 1,500 schools, as
# bench_analysis has them.
PER_SCHOOL = 25
BATCH = 5000
# A municipality's curators are a few of its tutors, each with several schools.
CURATOR_POOL = 5
# What each measure of a programme is, in order: tied to a held session (done by it), noted
# done, past its deadline, under way, not started yet.
PLAN = ["session", "done", "late", "running", "waiting", "session"]
KINDS = [RequestKind.SUPERVISION, RequestKind.LESSON_VISIT, RequestKind.INDIVIDUAL]
Kind, Status, Source = SchoolProgramme.Kind, SchoolProgramme.Status, Indicator.Source
VPR_WORKS = {Source.VPR_TWOS: ("Математика", 5), Source.VPR_CONFIRMED: ("Русский язык", 4)}
JUSTIFICATIONS = {
    RiskLevel.HIGH: "Доля «2» по математике выше муниципальной третий год подряд.",
    RiskLevel.MEDIUM: "Половина учителей без курсов повышения квалификации за три года.",
    RiskLevel.LOW: "Риск не подтверждается данными мониторинга.",
    RiskLevel.NONE: "Признаков риска нет.",
}
MEASURES = [
    ("Посещение уроков математики тьютором с разбором", "Заместитель директора по УВР"),
    ("Методический семинар по формирующему оцениванию", "Руководитель ШМО"),
    ("Индивидуальные консультации учителей с дефицитами", "Тьютор муниципалитета"),
    ("Диагностическая работа по математике в 5 классах", "Заместитель директора по УВР"),
    ("Открытые уроки учителей-наставников", "Руководитель ШМО"),
    ("Разбор результатов ВПР на педагогическом совете", "Директор"),
]


@dataclass
class Fill:
    """What the programme's rows are made of: the year, the region's directions, each
    municipality's methodist and tutors, and the ВПР works the indicators read."""

    year: AcademicYear
    today: datetime.date
    rng: random.Random
    directions: list[RiskDirection]
    municipalities: dict[int, Municipality]
    methodists: dict[int, User]
    tutors: dict[int, list[User]]
    works: dict[str, int]  # indicator source: the start year's work it takes its baseline from
    subjects: dict[str, Subject]
    # Sessions each tutor holds so far: a tutor is never in two at once (session_no_tutor_clash).
    slots: Counter = field(default_factory=Counter)

    @classmethod
    def make(cls, year: AcademicYear, rng: random.Random) -> "Fill":
        risk_directions_seed(REGION)
        municipalities = Municipality.objects.filter(region=REGION).in_bulk()
        tutors = defaultdict(list)
        for role in (
            Role.objects.filter(kind=RoleKind.TUTOR, municipality__region=REGION)
            .select_related("user")
            .order_by("user_id")
        ):
            tutors[role.municipality_id].append(role.user)
        works = {
            source: Assessment.objects.get(
                kind=AssessmentKind.VPR,
                title="",
                year=year.start_year,
                subject__name=subject,
                grade=grade,
            ).pk
            for source, (subject, grade) in VPR_WORKS.items()
        }
        return cls(
            year=year,
            today=timezone.localdate(),
            rng=rng,
            directions=list(
                RiskDirection.objects.filter(region=REGION, is_active=True).order_by("position")
            ),
            municipalities=municipalities,
            methodists=_methodists(municipalities.values()),
            tutors=tutors,
            works=works,
            subjects=Subject.objects.in_bulk(
                [s for s, _g in VPR_WORKS.values()], field_name="name"
            ),
        )

    def slot(self, tutor: User, municipality: Municipality) -> datetime.datetime | None:
        """The tutor's next free hour in the year so far, on the municipality's clock."""
        number = self.slots[tutor.pk]
        self.slots[tutor.pk] += 1
        day = self.year.starts_on + datetime.timedelta(days=1 + number // 4)
        if day >= self.today:
            return None
        return datetime.datetime.combine(
            day, datetime.time(9 + 2 * (number % 4)), municipality.tzinfo
        )

    def moment(self, day: datetime.date) -> datetime.datetime:
        """Noon of the day, never later than yesterday: what was agreed, was agreed already."""
        day = min(day, self.today - datetime.timedelta(days=1))
        return datetime.datetime.combine(day, datetime.time(12), datetime.UTC)


def _methodists(municipalities) -> dict[int, User]:
    """A methodist of each municipality's methodical centre: who agrees the programmes."""
    password = make_password(None)
    users = {
        m.pk: User(
            username=f"{USERNAME_PREFIX}bench-methodist-{m.pk}",
            password=password,
            last_name="Методистова",
            first_name="Анна",
            middle_name="Сергеевна",
        )
        for m in municipalities
    }
    User.objects.bulk_create(users.values())
    centres = dict(
        Organization.objects.filter(
            municipality__in=list(users), kind=Organization.Kind.METHODICAL_CENTRE
        ).values_list("municipality", "pk")
    )
    Role.objects.bulk_create(
        Role(
            user=user,
            kind=RoleKind.METHODIST,
            municipality_id=pk,
            organization_id=centres[pk],
            position="Методист",
        )
        for pk, user in users.items()
    )
    return users


def into_programme(year: AcademicYear, count: int, rng: random.Random) -> list[Organization]:
    """The region's schools with a status (ШНОР/ШССУ) for the year, topped up to `count`."""
    schools = Organization.objects.filter(
        municipality__region=REGION, kind=Organization.Kind.SCHOOL
    ).order_by("pk")
    listed = set(
        SchoolStatus.objects.filter(
            academic_year=year, organization__municipality__region=REGION
        ).values_list("organization", flat=True)
    )
    others = [school for school in schools if school.pk not in listed]
    added = rng.sample(others, max(0, count - len(listed)))
    SchoolStatus.objects.bulk_create(
        SchoolStatus(organization=school, academic_year=year, kind=SchoolStatus.Kind.LOW_RESULTS)
        for school in added
    )
    return [school for school in schools if school.pk in listed or school in added]


def programme_fill(
    fill: Fill,
    schools,
    curator_for: dict | None = None,
    *,
    measures_each: tuple[int, int] = (4, 6),
    indicator_rounds: int = 1,
    antirisk_status: str | None = None,
) -> Counter:
    """Each school's curator, held tutor sessions, agreed risk profile, programmes with their
    measures (`measures_each`: from, to) and indicators (three a round); `curator_for` names
    some schools' curator, `antirisk_status` that of each first antirisk programme."""
    rng, year = fill.rng, fill.year
    curator_for = curator_for or {}
    counts = Counter(schools=len(schools))
    curators = {}
    for school in schools:
        pool = fill.tutors[school.municipality_id][:CURATOR_POOL]
        curators[school.pk] = curator_for.get(school.pk) or (
            rng.choice(pool) if pool else fill.methodists[school.municipality_id]
        )
    counts["curators"] = len(
        Curatorship.objects.bulk_create(
            Curatorship(
                municipality_id=school.municipality_id,
                academic_year=year,
                organization=school,
                curator=curators[school.pk],
                assigned_by=fill.methodists[school.municipality_id],
            )
            for school in schools
        )
    )
    held = _sessions(fill, schools, curators)
    counts["sessions"] = sum(len(found) for found in held.values())
    rated = _profiles(fill, schools, curators, counts)
    programmes = _programmes(fill, schools, rated, antirisk_status)
    counts["programmes"] = len(programmes)
    baselines = analysis.work_figures(
        list(fill.works.values()),
        level=analysis.Level.SCHOOL,
        schools=[school.pk for school in schools],
    )
    measures, indicators = defaultdict(list), defaultdict(list)
    for programme in programmes:
        count = rng.randint(*measures_each)
        measures[programme.pk] = _measures(fill, programme, held[programme.organization_id], count)
        sources = []
        for _ in range(indicator_rounds):
            sources += [Source.VPR_TWOS, rng.choice([Source.VPR_CONFIRMED, Source.MANUAL])]
            sources.append(Source.SESSIONS_HELD)
        indicators[programme.pk] = [
            _indicator(fill, programme, source, position, baselines)
            for position, source in enumerate(sources, start=1)
        ]
    counts["measures"] = len(
        Measure.objects.bulk_create(
            [m for found in measures.values() for m in found], batch_size=BATCH
        )
    )
    counts["indicators"] = len(
        Indicator.objects.bulk_create(
            [i for found in indicators.values() for i in found], batch_size=BATCH
        )
    )
    approved = [p for p in programmes if p.status == Status.APPROVED]
    for programme in approved:
        programme.snapshot = _snapshot(
            fill, programme, measures[programme.pk], indicators[programme.pk]
        )
    SchoolProgramme.objects.bulk_update(approved, ["snapshot"], batch_size=500)
    return counts


def _sessions(fill: Fill, schools, curators) -> dict[int, list[Session]]:
    """Three to eight sessions held at each school since September, every other one by its
    curator, the rest by the municipality's other tutors."""
    rng = fill.rng
    held = defaultdict(list)
    for school in schools:
        municipality = fill.municipalities[school.municipality_id]
        tutors = fill.tutors[school.municipality_id] or [curators[school.pk]]
        for number in range(rng.randint(3, 8)):
            tutor = curators[school.pk] if number % 2 == 0 else rng.choice(tutors)
            starts = fill.slot(tutor, municipality)
            if starts is None:
                continue
            held[school.pk].append(
                Session(
                    municipality=municipality,
                    origin=Session.Origin.OWN,
                    tutor=tutor,
                    kind=rng.choice(KINDS),
                    format=Format.IN_PERSON,
                    organization=school,
                    place=f"{school.short_name}, кабинет {number + 1}",
                    topic=f"Разбор урока математики № {number + 1}",
                    starts_at=starts,
                    ends_at=starts + datetime.timedelta(minutes=45),
                    status=Session.Status.HELD,
                    created_by=tutor,
                )
            )
    Session.objects.bulk_create(
        [session for found in held.values() for session in found], batch_size=BATCH
    )
    return held


def _profiles(fill: Fill, schools, curators, counts: Counter) -> dict[int, list]:
    """An agreed profile of each school: every direction rated and justified, one to three of
    them high or medium (the first high). Returns the risky directions of each school."""
    rng = fill.rng
    profiles = [
        RiskProfile(
            municipality_id=school.municipality_id,
            academic_year=fill.year,
            organization=school,
            status=RiskProfile.Status.AGREED,
            submitted_at=fill.moment(fill.year.starts_on + datetime.timedelta(days=14)),
            agreed_by=curators[school.pk],
            agreed_at=fill.moment(fill.year.starts_on + datetime.timedelta(days=21)),
        )
        for school in schools
    ]
    RiskProfile.objects.bulk_create(profiles)
    ratings, rated = [], {}
    for profile in profiles:
        risky = rng.sample(fill.directions, rng.randint(1, 3))
        levels = {
            d.pk: RiskLevel.HIGH if n == 0 or rng.random() < 0.4 else RiskLevel.MEDIUM
            for n, d in enumerate(risky)
        }
        for direction in fill.directions:
            level = levels.get(direction.pk) or rng.choice([RiskLevel.LOW, RiskLevel.NONE])
            ratings.append(
                RiskRating(
                    profile=profile,
                    direction=direction,
                    level=level,
                    justification=JUSTIFICATIONS[level],
                )
            )
        rated[profile.organization_id] = risky
    counts["profiles"] = len(profiles)
    counts["ratings"] = len(RiskRating.objects.bulk_create(ratings, batch_size=BATCH))
    return rated


def _programmes(fill: Fill, schools, rated, antirisk_status=None) -> list[SchoolProgramme]:
    """One to three documents a school: an antirisk programme on its first risky direction,
    approved or agreed; perhaps a second one, and the concept or the medium-term programme."""
    rng = fill.rng
    rows = []
    for school in schools:
        risky = rated[school.pk]
        status = antirisk_status or rng.choice([Status.APPROVED, Status.APPROVED, Status.AGREED])
        documents = [(Kind.ANTIRISK, risky[0], status)]
        extra = rng.randint(0, 2)
        if extra and len(risky) > 1:
            documents.append(
                (Kind.ANTIRISK, risky[1], rng.choice([Status.AGREED, Status.SUBMITTED]))
            )
        if len(documents) < 1 + extra:
            documents.append(
                (
                    rng.choice([Kind.CONCEPT, Kind.MEDIUM_TERM]),
                    None,
                    rng.choice([Status.APPROVED, Status.SUBMITTED, Status.DRAFT]),
                )
            )
        for kind, direction, status in documents:
            rows.append(_programme(fill, school, kind, direction, status))
    return SchoolProgramme.objects.bulk_create(rows, batch_size=BATCH)


def _programme(fill: Fill, school, kind, direction, status) -> SchoolProgramme:
    methodist = fill.methodists[school.municipality_id]
    starts = fill.year.starts_on
    agreed = status in (Status.AGREED, Status.APPROVED)
    return SchoolProgramme(
        municipality=fill.municipalities[school.municipality_id],
        academic_year=fill.year,
        organization=school,
        kind=kind,
        direction=direction,
        goal="Снизить долю обучающихся с рисками учебной неуспешности.",
        tasks="Выявить дефициты учителей\nВыстроить работу с тьютором\nОбновить оценивание",
        text="# Анализ положения\nШкола третий год в списке ШНОР.\n# Меры\nСм. план мероприятий.",
        status=status,
        submitted_at=None if status == Status.DRAFT else fill.moment(starts + _days(25)),
        agreed_by=methodist if agreed else None,
        agreed_at=fill.moment(starts + _days(30)) if agreed else None,
        approved_at=fill.moment(starts + _days(35)) if status == Status.APPROVED else None,
        approved_by_head="Директор\nИванова М. П." if status == Status.APPROVED else "",
    )


def _days(count: int) -> datetime.timedelta:
    return datetime.timedelta(days=count)


def _measures(fill: Fill, programme, held, count: int, first_position: int = 1) -> list[Measure]:
    rng, today = fill.rng, fill.today
    first, last = span(programme)
    rows = []
    for number in range(count):
        position = first_position + number
        title, responsible = MEASURES[(position - 1) % len(MEASURES)]
        measure = Measure(
            programme=programme,
            position=position,
            title=title,
            responsible=responsible,
            expected_result="Доля «2» ниже прошлогодней",
            starts_on=first,
            ends_on=last,
        )
        plan = PLAN[(position - 1) % len(PLAN)]
        if plan == "session" and held:
            measure.session = rng.choice(held)
        elif plan == "done" and today > first:
            measure.ends_on = first + _days(30)
            measure.done_on = min(today, first + _days(rng.randint(5, 45)))
        elif plan == "late" and today - _days(1) > first:
            measure.ends_on = max(first, today - _days(rng.randint(1, 20)))
        elif plan == "waiting":
            measure.starts_on = min(last, today + _days(30))
        rows.append(measure)
    return rows


def _tenth(value: float | None) -> Decimal | None:
    # As the indicators round them (monitoring.programmes.indicators): a tenth, half up.
    if value is None:
        return None
    return Decimal(repr(analysis.rounded(value))).quantize(Decimal("0.1"))


def _indicator(fill: Fill, programme, source, position: int, baselines) -> Indicator:
    """An indicator as the service stores it: a computed one starts from the portal's value
    (its year and period noted), a manual one from the school's, with its evidence."""
    start = fill.year.start_year
    indicator = Indicator(programme=programme, position=position, source=source)
    if source in VPR_WORKS:
        subject, grade = VPR_WORKS[source]
        indicator.subject = fill.subjects[subject]
        indicator.grade = grade
        own = baselines.get((fill.works[source], programme.organization_id))
        if source == Source.VPR_TWOS:
            indicator.title = f"Доля «2» по предмету «{subject}» в {grade} классе"
            value = _tenth(analysis.share(own.marks.get(2, 0), own.marked)) if own else None
        else:
            indicator.title = f"Доля отметок ВПР не ниже журнальных, {subject}, {grade} класс"
            value = _tenth(analysis.share(own.same + own.higher, own.compared)) if own else None
        if value is None:
            indicator.baseline = Decimal("30.0")
        else:
            indicator.baseline, indicator.baseline_year = value, start
            indicator.baseline_note = f"ВПР {start}"
        shift = Decimal(-10 if source == Source.VPR_TWOS else 10)
        indicator.target = min(Decimal(100), max(Decimal(0), indicator.baseline + shift))
    elif source == Source.SESSIONS_HELD:
        # No sessions were held at the school in the year before: the portal's baseline is 0.
        indicator.title = "Занятия тьюторов в школе"
        indicator.baseline, indicator.baseline_year = Decimal("0.0"), start - 1
        indicator.baseline_note = f"{AcademicYear(start_year=start - 1)} учебный год"
        indicator.target = Decimal(12)
    else:
        indicator.title = "Доля учителей, прошедших курсы по формирующему оцениванию"
        indicator.baseline, indicator.target, indicator.value = (
            Decimal(40),
            Decimal(70),
            Decimal(55),
        )
        indicator.evidence = "Удостоверения о повышении квалификации, приказ № 14 от 10.10"
    return indicator


def _number(value) -> str:
    return "—" if value is None else f"{value:.1f}".replace(".", ",").removesuffix(",0")


def _snapshot(fill: Fill, programme, measures, indicators) -> dict:
    """What the head approved, in the shape `selectors.snapshot` keeps it."""
    return {
        "title": str(programme),
        "kind": programme.get_kind_display(),
        "direction": programme.direction.name if programme.direction_id else "",
        "year": str(programme.academic_year),
        "school": programme.organization.name,
        "goal": programme.goal,
        "tasks": [line.strip() for line in programme.tasks.splitlines() if line.strip()],
        "text": programme.text,
        "measures": [
            {
                "title": m.title,
                "dates": f"{m.starts_on:%d.%m.%Y} – {m.ends_on:%d.%m.%Y}",
                "responsible": m.responsible,
                "expected": m.expected_result,
                "tie": tie_label("session", m.session) if m.session_id else "",
            }
            for m in measures
        ],
        "indicators": [
            {
                "title": i.title,
                "baseline": _number(i.baseline),
                "baseline_note": i.baseline_note,
                "target": _number(i.target),
                "source": i.get_source_display(),
            }
            for i in indicators
        ],
        "head": {"position": "Директор", "name": "Иванова М. П."},
        "approved_on": programme.approved_at.date().isoformat(),
        "agreed": {
            "name": programme.agreed_by.short_name,
            "on": programme.agreed_at.date().isoformat(),
        },
        "version": 1,
    }


def more_schools(year: AcademicYear, largest: Municipality, count: int, rng) -> list:
    """`count` more schools join the programme, a fifth of them in the largest municipality."""
    free = list(
        Organization.objects.filter(municipality__region=REGION, kind=Organization.Kind.SCHOOL)
        .exclude(statuses__academic_year=year)
        .order_by("pk")
    )
    own = [school for school in free if school.municipality_id == largest.pk]
    chosen = rng.sample(own, min(len(own), max(1, count // 5)))
    chosen += rng.sample([s for s in free if s.municipality_id != largest.pk], count - len(chosen))
    SchoolStatus.objects.bulk_create(
        SchoolStatus(organization=school, academic_year=year, kind=SchoolStatus.Kind.LOW_RESULTS)
        for school in chosen
    )
    return chosen


# What is measured.


@dataclass
class Measured:
    status: int
    queries: list[str]
    cold: float
    warm: float | None
    spent: list[str] = field(default_factory=list)

    def row(self) -> str:
        warm = "—" if self.warm is None else f"{self.warm * 1000:.0f}"
        return f"{self.status:>4} {len(self.queries):>8} {self.cold * 1000:>9.0f} {warm:>9}"


PAGE_HEADER = (
    f"{'кто':<10} {'страница':<22} {'код':>4} {'запросов':>8} {'холодно':>9} {'тепло, мс':>9}"
)


def _page(client: Client, url: str) -> Measured:
    # Cold: the first request after the cache is emptied; warm: the median of the repeats.
    cache.clear()
    started = time.perf_counter()
    response = client.get(url)
    cold = time.perf_counter() - started
    # Counted on a second cold request: the debug cursor would slow the timed one.
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = [query["sql"] for query in captured.captured_queries]
    warm = []
    for _ in range(REPEATS if response.status_code == 200 else 0):
        started = time.perf_counter()
        client.get(url)
        warm.append(time.perf_counter() - started)
    return Measured(response.status_code, queries, cold, statistics.median(warm) if warm else None)


def _reports(municipalities, year) -> tuple[Measured, list[dict]]:
    """`programme_reports` on its own, outside `results_cache`: the schools' ВПР figures it
    reads are never cached anyway. Cold is its first run after the fill."""
    started = time.perf_counter()
    found = programme_reports(municipalities, year)
    cold = time.perf_counter() - started
    with CaptureQueriesContext(connection) as captured:
        programme_reports(municipalities, year)
    warm = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        programme_reports(municipalities, year)
        warm.append(time.perf_counter() - started)
    queries = [query["sql"] for query in captured.captured_queries]
    return Measured(200, queries, cold, statistics.median(warm), sql_time(captured)), found


# Queries are compared by this many characters of their shape: enough to tell them apart, not
# so many that an aggregate with a column per school counts as another query each time.
SHAPE = 200


def _shape(sql: str) -> str:
    """A query with its values taken out, so that the same query of another row compares equal."""
    sql = re.sub(r"'[^']*'", "?", sql)
    sql = re.sub(r"\b\d+(\.\d+)?\b", "?", sql)
    return re.sub(r"\((?:\?, )+\?\)", "(?…)", sql)


def grown(before: list[str], after: list[str]) -> list[str]:
    """The queries run more (or fewer) times after the data grew, each with one of its
    statements. Compared by their start: a query that only widens (an aggregate with a column
    per school) counts as the same query."""
    examples = {_shape(sql)[:SHAPE]: sql for sql in [*before, *after]}
    change = Counter(_shape(sql)[:SHAPE] for sql in after)
    change.subtract(Counter(_shape(sql)[:SHAPE] for sql in before))
    return [
        f"  {n:+d} × {examples[shape][:600]}"
        for shape, n in sorted(change.items(), key=lambda item: -abs(item[1]))
        if n
    ]


def sql_time(captured: CaptureQueriesContext) -> list[str]:
    """Where the database time of a run went: its queries grouped by kind, costliest first."""
    spent, runs, examples = Counter(), Counter(), {}
    for query in captured.captured_queries:
        shape = _shape(query["sql"])[:SHAPE]
        spent[shape] += float(query["time"])
        runs[shape] += 1
        examples[shape] = query["sql"]
    lines = [f"  SQL всего: {len(captured)} запросов, {sum(spent.values()) * 1000:.0f} мс"]
    for shape, seconds in spent.most_common(4):
        lines.append(f"  {runs[shape]:>4} × {seconds * 1000:>6.0f} мс  {examples[shape][:220]}")
    return lines


@dataclass
class Bench:
    """Who reads, and what: the pages of one school and one programme."""

    users: dict[str, User]
    pages: dict[str, str]


READS = {
    "regional": [
        "отчёт, регион",
        "отчёт, муниципалитет",
        "xlsx, регион",
        "xlsx, муниципалитет",
        "школы в программе",
        "рисковый профиль",
        "программы школы",
        "программа",
    ],
    "methodist": [
        "отчёт, муниципалитет",
        "xlsx, муниципалитет",
        "школы в программе",
        "рисковый профиль",
        "программы школы",
        "программа",
    ],
    # The report upward is read by those who make it and above (monitoring.views.programme_report).
    "curator": ["школы в программе", "рисковый профиль", "программы школы", "программа"],
    "school": ["школы в программе", "рисковый профиль", "программы школы", "программа"],
}


def pages_of(year, municipality, programme) -> dict[str, str]:
    school = programme.organization
    profile = RiskProfile.objects.get(organization=school, academic_year=year)
    y = f"?year={year.pk}"
    report = reverse("monitoring:programme_report")
    export = reverse("monitoring:programme_report_export")
    return {
        "отчёт, регион": f"{report}{y}",
        "отчёт, муниципалитет": f"{report}{y}&municipality={municipality.pk}",
        "xlsx, регион": f"{export}{y}",
        "xlsx, муниципалитет": f"{export}{y}&municipality={municipality.pk}",
        "школы в программе": f"{reverse('monitoring:profile_list')}{y}",
        "рисковый профиль": reverse("monitoring:profile_detail", args=[profile.pk]),
        "программы школы": reverse("monitoring:programme_list", args=[school.pk, year.pk]),
        "программа": reverse("monitoring:programme_detail", args=[programme.pk]),
    }


def approved_antirisk(school_ids, year) -> SchoolProgramme:
    return (
        SchoolProgramme.objects.filter(
            organization__in=school_ids,
            academic_year=year,
            kind=Kind.ANTIRISK,
            status=Status.APPROVED,
        )
        .select_related("organization", "academic_year")
        .order_by("organization__short_name", "pk")
        .first()
    )


def _measure_pages(bench: Bench) -> dict[tuple[str, str], Measured]:
    found = {}
    for label, user in bench.users.items():
        client = Client()
        client.force_login(user, backend="tutoring.backends.LoginOrEmailBackend")
        for page in READS[label]:
            found[(label, page)] = _page(client, bench.pages[page])
    return found


def _reports_table(title: str, rows: dict[str, tuple[Measured, int]]) -> None:
    print(f"\n{title}")
    print(f"{'вызов':<44} {'школ':>5} {'запросов':>8} {'холодно, мс':>12} {'тепло, мс':>10}")
    for label, (measured, schools) in rows.items():
        print(
            f"{label:<44} {schools:>5} {len(measured.queries):>8} "
            f"{measured.cold * 1000:>12.0f} {measured.warm * 1000:>10.0f}"
        )
        print("\n".join(measured.spent))


def _schools_in(found: list[dict]) -> int:
    return sum(report["totals"]["schools"] for report in found)


@pytest.mark.django_db(transaction=True)
def test_it_reports_the_programme_at_region_scale(caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    scale = os.environ.get("BENCH_SCALE", "full")
    if scale not in SCALES:
        pytest.fail(f"BENCH_SCALE is one of: {', '.join(SCALES)}")
    size = SCALES[scale]
    rng = random.Random(0)
    phases = {}

    started = time.perf_counter()
    region = generate_region(**size["region"], stdout=sys.stdout)
    phases["регион (generate_region)"] = time.perf_counter() - started
    year = AcademicYear.objects.current()
    schools = list(
        Organization.objects.filter(municipality__region=REGION, kind=Organization.Kind.SCHOOL)
    )
    # The report sets the spring the year starts from beside the one that ends it; the latter
    # is written ahead of time in autumn, so that both are read at their full size.
    started = time.perf_counter()
    works = vpr_works(years=(year.start_year, year.start_year + 1))
    vpr_results(works, schools, PER_SCHOOL)
    phases[f"ВПР {year.start_year} и {year.start_year + 1} (bench_analysis)"] = (
        time.perf_counter() - started
    )
    started = time.perf_counter()
    fill = Fill.make(year, rng)
    counts = programme_fill(fill, into_programme(year, size["programme"], rng))
    phases["школы в программе (bulk_create)"] = time.perf_counter() - started
    started = time.perf_counter()
    analyze()
    phases["ANALYZE"] = time.perf_counter() - started

    print(f"\nРегион ({scale}): {region}")
    print(f"Программа «500+», {year} учебный год: {dict(counts)}")
    print("Заполнение:")
    for label, seconds in phases.items():
        print(f"  {label:<44} {seconds:>7.1f} с")

    municipalities = list(Municipality.objects.filter(region=REGION).order_by("name"))
    largest = (
        Municipality.objects.filter(region=REGION)
        .annotate(n=Count("organizations"))
        .order_by("-n", "pk")
        .first()
    )
    curator = User.objects.get(
        pk=Curatorship.objects.filter(municipality=largest, academic_year=year)
        .values("curator")
        .annotate(n=Count("pk"))
        .order_by("-n", "curator")
        .values_list("curator", flat=True)
        .first()
    )
    curated = Curatorship.objects.filter(curator=curator, academic_year=year).values("organization")
    programme = approved_antirisk(curated, year)
    users = {
        "regional": user_with_role(RoleKind.REGIONAL),
        "methodist": fill.methodists[largest.pk],
        "curator": curator,
        "school": user_with_role(RoleKind.SCHOOL, organization=programme.organization),
    }
    bench = Bench(users, pages_of(year, largest, programme))

    region_calls = {
        f"programme_reports: регион ({len(municipalities)} МО)": municipalities,
        f"programme_reports: {largest.short_name} (крупнейший)": [largest],
    }
    reports = {}
    for label, chosen in region_calls.items():
        measured, found = _reports(chosen, year)
        reports[label] = (measured, _schools_in(found))
    _reports_table("Отчёт наверх (функция, без кэша показателей)", reports)

    print(
        f"\nШкола {programme.organization.short_name} ({largest.short_name}), куратор "
        f"{curator.short_name}: {counts['schools']} школ в программе"
    )
    print(f"{PAGE_HEADER}  адрес")
    measured = _measure_pages(bench)
    for (label, page), found in measured.items():
        print(f"{label:<10} {page:<22} {found.row()}  {bench.pages[page]}")

    # More schools join the programme, one of them in the largest municipality with the same
    # curator and a long approved antirisk programme (30 measures, 12 indicators): the lists
    # and the report grow, and the programme pages are read for that school.
    started = time.perf_counter()
    extra = more_schools(year, largest, size["more"], rng)
    big, rest = extra[0], extra[1:]
    curator_for = {s.pk: curator for s in extra if s.municipality_id == largest.pk}
    added = programme_fill(
        fill,
        [big],
        curator_for,
        measures_each=(30, 30),
        indicator_rounds=4,
        antirisk_status=Status.APPROVED,
    )
    added += programme_fill(fill, rest, curator_for)
    analyze()
    grown_in = time.perf_counter() - started
    big_programme = approved_antirisk([big.pk], year)
    grown_bench = Bench(
        {**users, "school": user_with_role(RoleKind.SCHOOL, organization=big)},
        pages_of(year, largest, big_programme),
    )
    print(
        f"\n+{len(extra)} школ в программе за {grown_in:.1f} с: {dict(added)}; программа "
        f"{big_programme.pk} школы {big.short_name}: 30 мероприятий, 12 показателей"
    )
    again = {}
    for label, chosen in region_calls.items():
        measured_again, found = _reports(chosen, year)
        again[label] = (measured_again, _schools_in(found))
    _reports_table(f"Отчёт наверх, +{len(extra)} школ", again)
    after = _measure_pages(grown_bench)
    print(f"{PAGE_HEADER}  было")
    for (label, page), found in after.items():
        print(f"{label:<10} {page:<22} {found.row()}  {len(measured[(label, page)].queries):>5}")

    problems = []
    for key, found in {**measured, **after}.items():
        if found.status != 200:
            problems.append(f"{key}: {found.status}")
    one, whole = reports.values()
    if len(one[0].queries) != len(whole[0].queries):
        problems.append("programme_reports: 1 МО и регион — разное число запросов")
    comparisons = [
        (label, reports[label][0].queries, again[label][0].queries) for label in region_calls
    ] + [(" / ".join(key), measured[key].queries, after[key].queries) for key in measured]
    for label, before, grew in comparisons:
        if len(before) != len(grew):
            problems.append(f"{label}: {len(before)} → {len(grew)} запросов")
            print(f"\nРост запросов, {label}: {len(before)} → {len(grew)}")
            print("\n".join(grown(before, grew)))
    assert not problems, "\n".join(problems)
