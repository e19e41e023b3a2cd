"""How the community worked in an academic year (seed 002, plan item 15: «анализ
эффективности деятельности сообщества», every October), and the professional development of
its teachers over the years. Reads only; every figure comes from a constant number of
queries, whatever the number of requests, sessions and results."""

import statistics
from dataclasses import asdict, dataclass, field
from datetime import datetime, time

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from community.models import Achievement, Assignment, TutorYearReport
from consultations.models import ConsultationRequest, RequestKind, Session, SessionReport
from expertise.models import ExpertiseCase, Verdict
from tutoring.models import AcademicYear, Municipality, Role, RoleKind, SchoolStatus, User

from .models import AssessmentKind, ResultSetFigures

Request = ConsultationRequest.Status
FULFILLED = (Request.HELD, Request.CLOSED)
OPEN = (Request.SUBMITTED, Request.ACCEPTED, Request.SCHEDULED)
RELIABLE = 20  # ФИОКО: fewer participants than this make a share unreliable


def _counts(queryset: QuerySet, column: str) -> dict:
    """{value of `column`: rows} in one GROUP BY."""
    return dict(
        queryset.order_by().values_list(column).annotate(n=Count("pk")).values_list(column, "n")
    )


def year_bounds(year: AcademicYear) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(year.starts_on, time.min, zone),
        datetime.combine(year.ends_on, time.max, zone),
    )


@dataclass
class Share:
    """A share of «2» in a group of schools, with its sample size."""

    participants: int
    twos: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.twos / self.participants, 1) if self.participants else None

    @property
    def unreliable(self) -> bool:
        return self.participants < RELIABLE


@dataclass
class Dynamics:
    """ВПР «2» before the year (spring of its first calendar year) and at its end, for the
    schools the community supported and for the rest of the municipality."""

    before_year: int
    after_year: int
    supported_schools: int
    other_schools: int
    supported: tuple[Share, Share]
    others: tuple[Share, Share]

    @staticmethod
    def change(pair: tuple[Share, Share]) -> float | None:
        before, after = pair
        if before.percent is None or after.percent is None:
            return None
        return round(after.percent - before.percent, 1)

    @property
    def supported_change(self):
        return self.change(self.supported)

    @property
    def others_change(self):
        return self.change(self.others)

    @property
    def rows(self):
        return [
            ("Получившие помощь тьюторов", self.supported_schools, self.supported,
             self.supported_change),
            ("Остальные школы муниципалитета", self.other_schools, self.others,
             self.others_change),
        ]  # fmt: skip


@dataclass
class TutorTotals:
    """What one tutor did in the year (or, in the total row, all of them): held sessions,
    of them their own, teachers and schools supported, achievements, the year report."""

    name: str
    sessions: int = 0
    own: int = 0
    teachers: int = 0
    schools: int = 0
    marked_schools: int = 0
    achievements: dict[str, int] = field(default_factory=dict)
    report: str = ""

    @property
    def achievements_total(self) -> int:
        return sum(self.achievements.values())

    @property
    def achievements_line(self) -> str:
        return "; ".join(f"{label} — {n}" for label, n in self.achievements.items() if n)


@dataclass
class Effectiveness:
    municipality: Municipality
    year: AcademicYear
    requests: dict[str, int]
    median_days: float | None
    timed_requests: int
    sessions_by_kind: list[tuple[str, int]]
    sessions_held: int
    teachers_reached: int
    shnor_teachers_reached: int
    shnor_schools: int
    shnor_schools_reached: int
    ratings: list[tuple[int, int]]
    rating_mean: float | None
    expertise: list[tuple[str, int]]
    verdicts: list[tuple[str, int]]
    dynamics: Dynamics
    tutors: list[TutorTotals] = field(default_factory=list)
    tutors_total: TutorTotals | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def rated(self) -> int:
        return sum(count for _rating, count in self.ratings)

    def as_data(self) -> dict:
        """The figures as plain JSON, to be kept with a report."""
        dynamics = self.dynamics
        return {
            "municipality": self.municipality.name,
            "year": str(self.year),
            "requests": self.requests,
            "median_days": self.median_days,
            "timed_requests": self.timed_requests,
            "sessions_by_kind": self.sessions_by_kind,
            "sessions_held": self.sessions_held,
            "teachers_reached": self.teachers_reached,
            "shnor_teachers_reached": self.shnor_teachers_reached,
            "shnor_schools": self.shnor_schools,
            "shnor_schools_reached": self.shnor_schools_reached,
            "ratings": self.ratings,
            "rating_mean": self.rating_mean,
            "rated": self.rated,
            "expertise": self.expertise,
            "verdicts": self.verdicts,
            "tutors": [_tutor_data(row) for row in self.tutors],
            "tutors_total": _tutor_data(self.tutors_total) if self.tutors_total else None,
            "dynamics": {
                "before_year": dynamics.before_year,
                "after_year": dynamics.after_year,
                "rows": [
                    {
                        "label": label,
                        "schools": schools,
                        "shares": [
                            {
                                "percent": share.percent,
                                "participants": share.participants,
                                "unreliable": share.unreliable,
                            }
                            for share in pair
                        ],
                        "change": change,
                    }
                    for label, schools, pair, change in dynamics.rows
                ],
            },
        }


def _tutor_data(row: TutorTotals) -> dict:
    return asdict(row) | {
        "achievements_total": row.achievements_total,
        "achievements_line": row.achievements_line,
    }


NOT_STARTED = "не начат"


def tutor_totals(
    municipality: Municipality, year: AcademicYear, held: QuerySet
) -> tuple[list[TutorTotals], TutorTotals]:
    """Per tutor of the municipality (anyone holding the tutor role there, or who held a
    session there in the year): seven queries, whatever the number of tutors and sessions."""
    marked = SchoolStatus.objects.filter(academic_year=year).values("organization")
    by_tutor = {
        row["tutor"]: row
        for row in held.order_by()
        .values("tutor")
        .annotate(
            sessions=Count("pk"),
            own=Count("pk", filter=Q(origin=Session.Origin.OWN)),
            schools=Count("organization", distinct=True),
            marked_schools=Count("organization", distinct=True, filter=Q(organization__in=marked)),
        )
    }
    through = SessionReport.teachers_present.through.objects.filter(sessionreport__session__in=held)
    teachers = dict(
        through.order_by()
        .values_list("sessionreport__session__tutor")
        .annotate(n=Count("user", distinct=True))
        .values_list("sessionreport__session__tutor", "n")
    )
    achievements: dict[int, dict[str, int]] = {}
    for tutor, kind, n in (
        Achievement.objects.filter(municipality=municipality, academic_year=year)
        .order_by()
        .values_list("tutor", "kind")
        .annotate(n=Count("pk"))
        .values_list("tutor", "kind", "n")
    ):
        achievements.setdefault(tutor, {})[kind] = n
    reports = dict(
        TutorYearReport.objects.filter(municipality=municipality, academic_year=year)
        .order_by("pk")
        .values_list("tutor", "status")
    )
    tutor_roles = Role.objects.filter(kind=RoleKind.TUTOR, municipality=municipality)
    people = User.objects.filter(
        Q(pk__in=tutor_roles.values("user"))
        | Q(pk__in=[pk for pk in [*by_tutor, *achievements] if pk])
    ).order_by("last_name", "first_name", "middle_name", "pk")
    kinds = Achievement.Kind.choices
    rows = []
    for person in people:
        done = by_tutor.get(person.pk, {})
        status = reports.get(person.pk)
        rows.append(
            TutorTotals(
                name=person.full_name or person.username,
                sessions=done.get("sessions", 0),
                own=done.get("own", 0),
                teachers=teachers.get(person.pk, 0),
                schools=done.get("schools", 0),
                marked_schools=done.get("marked_schools", 0),
                achievements={
                    label: achievements.get(person.pk, {}).get(kind, 0) for kind, label in kinds
                },
                report=TutorYearReport.Status(status).label if status else NOT_STARTED,
            )
        )
    overall = held.aggregate(
        schools=Count("organization", distinct=True),
        marked=Count("organization", distinct=True, filter=Q(organization__in=marked)),
    )
    accepted = sum(1 for status in reports.values() if status == TutorYearReport.Status.ACCEPTED)
    total = TutorTotals(
        name="Всего",
        sessions=sum(row.sessions for row in rows),
        own=sum(row.own for row in rows),
        teachers=through.values("user").distinct().count(),
        schools=overall["schools"],
        marked_schools=overall["marked"],
        achievements={
            label: sum(row.achievements[label] for row in rows) for _kind, label in kinds
        },
        report=f"принято {accepted} из {len(rows)}",
    )
    return rows, total


def community_effectiveness(municipality: Municipality, year: AcademicYear) -> Effectiveness:
    start, end = year_bounds(year)
    requests = ConsultationRequest.objects.filter(
        municipality=municipality, created_at__range=(start, end)
    )
    counts = requests.aggregate(
        received=Count("pk"),
        fulfilled=Count("pk", filter=Q(status__in=FULFILLED)),
        open=Count("pk", filter=Q(status__in=OPEN)),
        rejected=Count("pk", filter=Q(status=Request.REJECTED)),
        withdrawn=Count("pk", filter=Q(status=Request.WITHDRAWN)),
        cancelled=Count("pk", filter=Q(status=Request.CANCELLED)),
        priority=Count("pk", filter=Q(priority=True)),
    )
    waits = [
        (first - created).total_seconds() / 86400
        for created, first in requests.annotate(
            first=Min("sessions__starts_at", filter=Q(sessions__status=Session.Status.HELD))
        )
        .filter(first__isnull=False)
        .values_list("created_at", "first")
    ]
    held = Session.objects.filter(
        municipality=municipality, status=Session.Status.HELD, starts_at__range=(start, end)
    )
    by_kind = _counts(held, "kind")
    reached = SessionReport.teachers_present.through.objects.filter(
        sessionreport__session__in=held
    ).values("user")
    shnor = SchoolStatus.objects.filter(
        academic_year=year,
        kind=SchoolStatus.Kind.LOW_RESULTS,
        organization__municipality=municipality,
    )
    teachers = Role.objects.filter(kind=RoleKind.TEACHER, user__in=reached)
    reach = teachers.aggregate(
        all=Count("user", distinct=True),
        shnor=Count(
            "user",
            distinct=True,
            filter=Q(organization__in=shnor.values("organization")),
        ),
    )
    schools_reached = shnor.filter(
        Exists(held.filter(organization=OuterRef("organization")))
    ).count()
    ratings = _counts(requests.filter(rating__isnull=False), "rating")
    cases = ExpertiseCase.objects.filter(municipality=municipality, academic_year=year)
    case_counts = _counts(cases, "status")
    verdict_counts = _counts(cases.filter(status=ExpertiseCase.Status.CONCLUDED), "verdict")
    rated = sum(ratings.values())
    tutors, tutors_total = tutor_totals(municipality, year, held)
    return Effectiveness(
        municipality=municipality,
        year=year,
        requests=counts,
        median_days=round(statistics.median(waits), 1) if waits else None,
        timed_requests=len(waits),
        sessions_by_kind=[
            (label, by_kind[kind]) for kind, label in RequestKind.choices if kind in by_kind
        ],
        sessions_held=sum(by_kind.values()),
        teachers_reached=reach["all"],
        shnor_teachers_reached=reach["shnor"],
        shnor_schools=shnor.count(),
        shnor_schools_reached=schools_reached,
        ratings=[(rating, ratings.get(rating, 0)) for rating in range(5, 0, -1)],
        rating_mean=(round(sum(r * n for r, n in ratings.items()) / rated, 2) if rated else None),
        expertise=[
            (label, case_counts[status])
            for status, label in ExpertiseCase.Status.choices
            if status in case_counts
        ],
        verdicts=[
            (label, verdict_counts[verdict])
            for verdict, label in Verdict.choices
            if verdict in verdict_counts
        ],
        dynamics=_dynamics(municipality, year, held),
        tutors=tutors,
        tutors_total=tutors_total,
    )


def _dynamics(municipality: Municipality, year: AcademicYear, held: QuerySet) -> Dynamics:
    """ВПР is written in spring: the spring of `start_year` comes before the year's tutoring,
    the spring of `start_year + 1` at its end. Participants of all works are pooled."""
    supported = set(
        held.exclude(organization=None).values_list("organization", flat=True).distinct()
    )
    before, after = year.start_year, year.start_year + 1
    # The figures kept at load time (monitoring.summaries): a row per school and work, not
    # every participant of the municipality's two springs.
    rows = (
        ResultSetFigures.objects.filter(
            result_set__organization__municipality=municipality,
            result_set__assessment__kind=AssessmentKind.VPR,
            result_set__assessment__year__in=(before, after),
        )
        .values("result_set__organization", "result_set__assessment__year")
        .annotate(total=Sum("participants"), twos=Sum("m2"))
        .order_by()
    )
    shares = {(g, y): Share(0, 0) for g in (True, False) for y in (before, after)}
    schools = {True: set(), False: set()}
    for row in rows:
        group = row["result_set__organization"] in supported
        share = shares[(group, row["result_set__assessment__year"])]
        share.participants += row["total"]
        share.twos += row["twos"]
        schools[group].add(row["result_set__organization"])
    return Dynamics(
        before_year=before,
        after_year=after,
        supported_schools=len(schools[True]),
        other_schools=len(schools[False]),
        supported=(shares[(True, before)], shares[(True, after)]),
        others=(shares[(False, before)], shares[(False, after)]),
    )


# Professional development of teachers


def teachers_for(access, *, organization=None) -> QuerySet[User]:
    """The teachers whose development the user may follow: a municipality's (methodist,
    director, regional), a school's own, a tutor's tutees; a teacher only themself."""
    roles = Role.objects.filter(kind=RoleKind.TEACHER)
    scope = access.organization_q("organization")
    if not access.everywhere and not access.has(RoleKind.METHODIST, RoleKind.DIRECTOR):
        scope = Q(organization__in=[r.organization_id for r in access.roles_of(RoleKind.SCHOOL)])
        scope |= Q(user__in=Assignment.objects.filter(tutor=access.user_id).values("teacher"))
        scope |= Q(user=access.user_id)
    roles = roles.filter(scope)
    if organization is not None:
        roles = roles.filter(organization=organization)
    return User.objects.filter(pk__in=roles.values("user"))


def _count(queryset, column="pk") -> Subquery:
    return Coalesce(
        Subquery(
            queryset.order_by().values(column).annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def development_rows(teachers: QuerySet[User], year: AcademicYear) -> QuerySet[User]:
    """Each teacher with what the year gave them: sessions attended, expertise cases and
    the last verdict, tutors assigned. Subqueries, not joins: the counts stay apart."""
    start, end = year_bounds(year)
    through = SessionReport.teachers_present.through.objects
    attended = through.filter(
        user=OuterRef("pk"),
        sessionreport__held=True,
        sessionreport__session__starts_at__range=(start, end),
    )
    cases = ExpertiseCase.objects.filter(author=OuterRef("pk"), academic_year=year)
    assignments = Assignment.objects.filter(teacher=OuterRef("pk"), academic_year=year)
    last_verdict = cases.filter(status=ExpertiseCase.Status.CONCLUDED).order_by("-updated_at")
    return teachers.annotate(
        sessions=_count(attended.values("user"), "user"),
        cases=_count(cases.values("author"), "author"),
        last_verdict=Subquery(last_verdict.values("verdict")[:1]),
        tutors=_count(assignments.values("teacher"), "teacher"),
    ).order_by("last_name", "first_name", "pk")


@dataclass
class YearOfDevelopment:
    year: AcademicYear
    sessions: list
    cases: list
    assignments: list

    @property
    def empty(self) -> bool:
        return not (self.sessions or self.cases or self.assignments)


def development_of(teacher: User) -> list[YearOfDevelopment]:
    """A teacher's years, the latest first: the sessions they attended, their expertise
    cases with the verdicts, the tutors assigned to them. Three queries."""
    sessions = list(
        Session.objects.filter(report__held=True, report__teachers_present=teacher)
        .select_related("tutor", "subject")
        .order_by("-starts_at")
    )
    cases = list(
        ExpertiseCase.objects.filter(author=teacher)
        .select_related("subject", "academic_year")
        .order_by("-created_at")
    )
    assignments = list(
        Assignment.objects.filter(teacher=teacher)
        .select_related("tutor", "academic_year")
        .order_by("-academic_year__start_year")
    )
    years: dict[int, YearOfDevelopment] = {}

    def year_of(start_year: int) -> YearOfDevelopment:
        if start_year not in years:
            years[start_year] = YearOfDevelopment(AcademicYear(start_year=start_year), [], [], [])
        return years[start_year]

    for session in sessions:
        day = timezone.localdate(session.starts_at)
        year_of(day.year if day.month >= 9 else day.year - 1).sessions.append(session)
    for case in cases:
        year_of(case.academic_year.start_year).cases.append(case)
    for assignment in assignments:
        year_of(assignment.academic_year.start_year).assignments.append(assignment)
    return [years[key] for key in sorted(years, reverse=True)]
