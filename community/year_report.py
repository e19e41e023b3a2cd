"""The figures of a tutor's report for the year (отчёт о работе тьютора): the tutor's plan
items beside what was done, and what else the year holds. One builder, a constant number of
queries whatever the number of sessions; `asdict` of its result is the report's snapshot,
which the accepted report and its PDF print from then on."""

from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field

from django.utils import timezone

from consultations.models import ConsultationRequest, Event, RequestKind, Session
from expertise.models import ExpertiseCase
from monitoring.effectiveness import year_bounds
from tutoring.models import AcademicYear, Municipality, SchoolStatus, User

from .models import Achievement, Material, TutorPlanItem


@dataclass
class Done:
    """A held session or an event, in one line."""

    date: str
    text: str


@dataclass
class PlanLine:
    number: int
    content: str
    timing: str
    expected_result: str
    done: list[Done] = field(default_factory=list)


@dataclass
class CommunityLine:
    content: str
    done: list[Done] = field(default_factory=list)


@dataclass
class FormCount:
    form: str
    count: int


@dataclass
class Supported:
    name: str
    school: str
    marks: str  # «ШНОР, ШССУ» or ""
    sessions: int


@dataclass
class Rating:
    count: int
    average: float | None


@dataclass
class Line:
    date: str
    text: str


@dataclass
class YearReportFigures:
    tutor: str
    municipality: str
    year: str
    has_plan: bool
    plan: list[PlanLine]
    community: list[CommunityLine]
    rest: list[Done]
    held: int
    by_form: list[FormCount]
    teachers: list[Supported]
    schools: list[Supported]
    ratings: Rating
    materials: list[Line]
    expertise: list[Line]
    achievements: list[Line]

    def as_snapshot(self) -> dict:
        return asdict(self)


def _day(moment) -> str:
    return f"{timezone.localtime(moment):%d.%m.%Y}"


def _session_line(session: Session) -> Done:
    text = session.get_kind_display()
    if session.topic:
        text += f": {session.topic}"
    if session.organization_id:
        text += f" ({session.organization.short_name})"
    return Done(_day(session.starts_at), text)


def _event_line(event: Event) -> Done:
    return Done(_day(event.starts_at), f"{event.get_kind_display()}: {event.title}")


def _marks(kinds) -> str:
    labels = dict(SchoolStatus.Kind.choices)
    return ", ".join(labels[kind] for kind in sorted(kinds))


def year_report_figures(
    *, tutor: User, municipality: Municipality, academic_year: AcademicYear
) -> YearReportFigures:
    start, end = year_bounds(academic_year)
    plan_items = list(
        TutorPlanItem.objects.filter(
            plan__tutor=tutor, plan__municipality=municipality, plan__academic_year=academic_year
        ).order_by("position", "pk")
    )
    sessions = list(
        Session.objects.filter(
            tutor=tutor,
            municipality=municipality,
            status=Session.Status.HELD,
            starts_at__range=(start, end),
        )
        .select_related("organization", "plan_item")
        .prefetch_related("teachers")
        .order_by("starts_at", "pk")
    )
    events = list(
        Event.objects.filter(
            organizer=tutor, municipality=municipality, starts_at__range=(start, end)
        )
        .exclude(status__in=[Event.Status.CANCELLED, Event.Status.DRAFT])
        .select_related("plan_item")
        .order_by("starts_at", "pk")
    )

    by_plan_item = defaultdict(list)
    by_community_item: dict[int, CommunityLine] = {}
    rest = []
    for session in sessions:
        line = _session_line(session)
        if session.tutor_plan_item_id:
            by_plan_item[session.tutor_plan_item_id].append(line)
        if session.plan_item_id:
            by_community_item.setdefault(
                session.plan_item_id, CommunityLine(session.plan_item.content)
            ).done.append(line)
        if not (session.tutor_plan_item_id or session.plan_item_id or session.route_step_id):
            rest.append(line)
    for event in events:
        if event.plan_item_id:
            by_community_item.setdefault(
                event.plan_item_id, CommunityLine(event.plan_item.content)
            ).done.append(_event_line(event))
    plan = [
        PlanLine(number, item.content, item.timing, item.expected_result, by_plan_item[item.pk])
        for number, item in enumerate(plan_items, start=1)
    ]

    forms = Counter(session.kind for session in sessions)
    labels = dict(RequestKind.choices)
    by_form = [FormCount(labels.get(kind, kind), count) for kind, count in forms.most_common()]

    school_ids = {session.organization_id for session in sessions if session.organization_id}
    statuses = defaultdict(set)
    for organization_id, kind in SchoolStatus.objects.filter(
        academic_year=academic_year, organization_id__in=school_ids
    ).values_list("organization_id", "kind"):
        statuses[organization_id].add(kind)
    teachers: dict[int, Supported] = {}
    schools: dict[int, Supported] = {}
    for session in sessions:
        organization = session.organization
        marks = _marks(statuses[organization.pk]) if organization else ""
        school = organization.short_name if organization else ""
        if organization:
            entry = schools.setdefault(organization.pk, Supported(school, school, marks, 0))
            entry.sessions += 1
        for teacher in session.teachers.all():
            entry = teachers.setdefault(teacher.pk, Supported(teacher.full_name, school, marks, 0))
            entry.sessions += 1

    rated = (
        ConsultationRequest.objects.filter(
            sessions__in=[session.pk for session in sessions], rating__isnull=False
        )
        .distinct()
        .values("pk", "rating")
    )
    ratings = {row["pk"]: row["rating"] for row in rated}
    average = round(sum(ratings.values()) / len(ratings), 1) if ratings else None

    materials = [
        Line(_day(material.published_at), material.title)
        for material in Material.objects.filter(
            authors=tutor,
            municipality=municipality,
            status=Material.Status.PUBLISHED,
            published_at__range=(start, end),
        ).order_by("published_at", "pk")
    ]
    cases = (
        ExpertiseCase.objects.filter(
            municipality=municipality,
            status=ExpertiseCase.Status.CONCLUDED,
            rounds__reviews__expert=tutor,
            conclusions__issued_at__range=(start, end),
        )
        .select_related("organization")
        .distinct()
        .order_by("pk")
    )
    expertise = [
        Line(case.get_kind_display(), f"{case.title} ({case.organization.short_name})")
        for case in cases
    ]
    achievements = [
        Line(
            f"{achievement.date:%d.%m.%Y}",
            f"{achievement.get_kind_display().capitalize()}: {achievement.title} "
            f"({achievement.get_level_display()} уровень)",
        )
        for achievement in Achievement.objects.filter(
            tutor=tutor, municipality=municipality, academic_year=academic_year
        ).order_by("date", "pk")
    ]
    return YearReportFigures(
        tutor=tutor.full_name,
        municipality=municipality.name,
        year=str(academic_year),
        has_plan=bool(plan_items),
        plan=plan,
        community=list(by_community_item.values()),
        rest=rest,
        held=len(sessions),
        by_form=by_form,
        teachers=sorted(teachers.values(), key=lambda t: t.name),
        schools=sorted(schools.values(), key=lambda s: s.name),
        ratings=Rating(len(ratings), average),
        materials=materials,
        expertise=expertise,
        achievements=achievements,
    )
