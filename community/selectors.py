"""What each user may see of the community: every community page reads through these."""

from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)

from tutoring.access import Access
from tutoring.models import AcademicYear, Role, RoleKind, User, current_start_year

from .models import (
    Achievement,
    Activity,
    Appendix,
    Assignment,
    CommunityPlan,
    DeficitDiagnosis,
    DevelopmentRoute,
    Nomination,
    Order,
    Roster,
    RosterEntry,
    TutorPlan,
    TutorYearReport,
)

# Who reads the community's documents (rosters, orders) of a municipality.
DOCUMENT_READERS = (RoleKind.METHODIST, RoleKind.DIRECTOR)


def _municipalities_where(access: Access, *kinds: str) -> set[int]:
    return {r.municipality_id for r in access.roles if r.kind in kinds}


def nominations_for(access: Access) -> QuerySet[Nomination]:
    """A nomination is seen by the school that filed it and by the municipality's methodists
    (and by nobody else: it carries a teacher's personal details)."""
    methodist_of = _municipalities_where(access, RoleKind.METHODIST)
    schools = {r.organization_id for r in access.roles if r.kind == RoleKind.SCHOOL}
    if not methodist_of and not schools:
        return Nomination.objects.none()
    return (
        Nomination.objects.filter(Q(municipality__in=methodist_of) | Q(organization__in=schools))
        .select_related("teacher", "organization", "academic_year", "municipality")
        .prefetch_related("subjects")
    )


def rosters_for(access: Access) -> QuerySet[Roster]:
    qs = Roster.objects.select_related(
        "municipality", "academic_year", "approved_by", "approved_order"
    )
    if access.everywhere:
        return qs
    return qs.filter(municipality__in=_municipalities_where(access, *DOCUMENT_READERS))


def roster_entries(roster: Roster) -> QuerySet[RosterEntry]:
    return (
        roster.entries.select_related("person", "organization", "nomination")
        .prefetch_related("subjects")
        .order_by("pk")
    )


def directory_entries(access: Access, *, year: AcademicYear | None) -> QuerySet[RosterEntry]:
    """The tutor directory: the entries of each municipality's latest approved roster of the
    year. Everyone in a municipality may look up its tutors."""
    if year is None:
        return RosterEntry.objects.none()
    newer = Roster.objects.filter(
        municipality=OuterRef("roster__municipality"),
        academic_year=year,
        status=Roster.Status.APPROVED,
        revision__gt=OuterRef("roster__revision"),
    )
    visible = Q()
    if not access.everywhere:
        members = {r.municipality_id for r in access.roles if r.municipality_id}
        visible = Q(roster__municipality__in=members)
    return (
        RosterEntry.objects.filter(
            visible,
            roster__academic_year=year,
            roster__status=Roster.Status.APPROVED,
        )
        .filter(~Exists(newer))
        .select_related("person", "organization", "roster__municipality")
        .prefetch_related("subjects")
        .order_by("person__last_name", "person__first_name", "pk")
    )


def orders_for(access: Access) -> QuerySet[Order]:
    qs = Order.objects.select_related(
        "municipality", "organization", "academic_year", "amends", "approved_by"
    )
    if access.everywhere:
        return qs
    return qs.filter(municipality__in=_municipalities_where(access, *DOCUMENT_READERS))


def last_signed_order(municipality) -> Order | None:
    return (
        Order.objects.filter(municipality=municipality, status=Order.Status.APPROVED)
        .order_by("-date", "-pk")
        .first()
    )


def order_appendices(order: Order) -> QuerySet[Appendix]:
    return order.appendices.select_related("roster__academic_year", "plan__academic_year").annotate(
        roster_size=Count("roster__entries", distinct=True),
        plan_size=Count("plan__items", distinct=True),
    )


def plans_for(access: Access) -> QuerySet[CommunityPlan]:
    """Approved plans are public within the municipality; drafts only for its methodists and
    directors."""
    qs = CommunityPlan.objects.select_related("municipality", "academic_year")
    if access.everywhere:
        return qs
    editors = _municipalities_where(access, *DOCUMENT_READERS)
    members = {r.municipality_id for r in access.roles if r.municipality_id}
    return qs.filter(
        Q(municipality__in=editors)
        | Q(municipality__in=members, status=CommunityPlan.Status.APPROVED)
    )


@dataclass
class PlanSection:
    """A run of a plan's items under one heading: an activity's when the plan is grouped,
    none (the whole plan) when it is not."""

    activity: str = ""
    label: str = ""
    items: list = field(default_factory=list)

    @property
    def heading(self) -> str:
        return f"{self.label.capitalize()} деятельность" if self.label else ""


def plan_sections(plan: CommunityPlan, items=None, *, keep_empty=False) -> list[PlanSection]:
    """The plan's items as the page, the editor and the printed plan show them: in the order
    the methodist gave them, numbered 1..N as they appear; grouped by activity (in the order
    of seed 002, 5.1) only if the plan is set so. `keep_empty` keeps the empty activities, for
    the editor's «add» buttons."""
    items = sorted(plan.items.all() if items is None else items, key=lambda i: (i.position, i.pk))
    if plan.group_by_activity:
        sections = {value: PlanSection(value, label) for value, label in Activity.choices}
        for item in items:
            sections[item.activity].items.append(item)
        chosen = [s for s in sections.values() if keep_empty or s.items]
    else:
        chosen = [PlanSection(items=items)] if items or keep_empty else []
    number = 0
    for section in chosen:
        for item in section.items:
            number += 1
            item.number = number
    return chosen


def tutor_plans_for(access: Access) -> QuerySet[TutorPlan]:
    """A tutor sees their own plans; methodists and directors those of their municipality."""
    qs = TutorPlan.objects.select_related("tutor", "municipality", "academic_year")
    if access.everywhere:
        return qs
    overseen = _municipalities_where(access, *DOCUMENT_READERS)
    return qs.filter(Q(municipality__in=overseen) | Q(tutor=access.user_id))


def year_reports_for(access: Access) -> QuerySet[TutorYearReport]:
    """A tutor sees their own reports for the year; methodists and directors those of their
    municipality."""
    qs = TutorYearReport.objects.select_related(
        "tutor", "municipality", "academic_year", "accepted_by"
    )
    if access.everywhere:
        return qs
    overseen = _municipalities_where(access, *DOCUMENT_READERS)
    return qs.filter(Q(municipality__in=overseen) | Q(tutor=access.user_id))


def assignments_for(access: Access) -> QuerySet[Assignment]:
    """Tutors' assignments and mentoring pairs. Methodists and directors see their
    municipality's; a tutor, a mentor and a teacher their own; a school those of its
    teachers."""
    qs = Assignment.all_kinds.select_related("tutor", "teacher", "academic_year", "municipality")
    if access.everywhere:
        return qs
    q = Q(municipality__in=_municipalities_where(access, *DOCUMENT_READERS))
    q |= Q(tutor=access.user_id) | Q(teacher=access.user_id)
    schools = {r.organization_id for r in access.roles if r.kind == RoleKind.SCHOOL}
    if schools:
        teachers = Role.objects.filter(
            kind=RoleKind.TEACHER, organization__in=schools, user=OuterRef("teacher")
        )
        q |= Q(Exists(teachers))
    return qs.filter(q)


def roster_is_latest_approved(roster: Roster) -> bool:
    """Whether a new revision may be opened from this roster."""
    if not roster.is_approved:
        return False
    siblings = Roster.objects.filter(
        municipality=roster.municipality_id, academic_year=roster.academic_year_id
    )
    return not siblings.filter(
        Q(revision__gt=roster.revision) | ~Q(status=Roster.Status.APPROVED)
    ).exists()


def roster_orders(roster: Roster) -> QuerySet[Order]:
    """The orders whose appendices show this roster."""
    return (
        Order.objects.filter(appendices__roster=roster)
        .select_related("academic_year")
        .distinct()
        .order_by("-date", "-pk")
    )


def routes_for(access: Access) -> QuerySet[DevelopmentRoute]:
    """A development route is seen by its teacher, their tutor, the administration of the
    teacher's school and the methodists of its municipality (issue 7), and by nobody else:
    not the director nor the region, not other tutors or teachers. It describes one person's
    professional difficulties."""
    if access.user_id is None:
        return DevelopmentRoute.objects.none()
    q = Q(teacher=access.user_id) | Q(tutor=access.user_id)
    schools = {r.organization_id for r in access.roles if r.kind == RoleKind.SCHOOL}
    if schools:
        q |= Q(organization__in=schools)
    methodist_of = _municipalities_where(access, RoleKind.METHODIST)
    if methodist_of:
        q |= Q(municipality__in=methodist_of)
    return DevelopmentRoute.objects.filter(q).select_related(
        "teacher", "tutor", "organization", "academic_year", "municipality"
    )


def with_progress(routes: QuerySet[DevelopmentRoute]) -> QuerySet[DevelopmentRoute]:
    """Each route with its steps done, in all and the percentage, counted by the database."""
    return routes.annotate(
        steps_total=Count("steps"),
        steps_done=Count("steps", filter=Q(steps__done_at__isnull=False)),
    ).annotate(
        percent_done=Case(
            When(steps_total=0, then=0),
            default=F("steps_done") * 100 / F("steps_total"),
            output_field=IntegerField(),
        )
    )


def achievements_for(access: Access) -> QuerySet[Achievement]:
    """A tutor sees their own achievements; the methodists and directors of a municipality
    every tutor's of it. Nobody else: not other tutors, teachers, schools or the region."""
    if access.user_id is None:
        return Achievement.objects.none()
    overseen = _municipalities_where(access, *DOCUMENT_READERS)
    return Achievement.objects.filter(
        Q(municipality__in=overseen) | Q(tutor=access.user_id)
    ).select_related("tutor", "academic_year", "municipality")


def achievements_of(tutor, municipality, year: AcademicYear) -> QuerySet[Achievement]:
    """One tutor's achievements of a year in a municipality, oldest first: what the tutor's
    year report lists."""
    return Achievement.objects.filter(
        tutor=tutor, municipality=municipality, academic_year=year
    ).order_by("date", "pk")


# Deficit diagnoses ------------------------------------------------------------------------------


def _tutored(access: Access, teacher: str, year: str | None = None) -> Exists:
    """The user is assigned as a tutor (not a mentor) to the teacher at `teacher`; with
    `year`, in that academic year or the one after (when its route reads the diagnosis)."""
    assignments = Assignment.objects.filter(tutor=access.user_id, teacher=OuterRef(teacher))
    if year is not None:
        assignments = assignments.filter(
            academic_year__start_year__gte=OuterRef(year),
            academic_year__start_year__lte=OuterRef(year) + 1,
        )
    return Exists(assignments)


def diagnoses_for(access: Access) -> QuerySet[DeficitDiagnosis]:
    """A teacher's diagnosis of deficits is read by the teacher, their school, the tutor
    assigned to them in its year or the next, the methodists and directors of its
    municipality and the region (which only reads). Not by other teachers, schools or
    tutors, nor by a mentor: it is one person's professional weak points."""
    qs = DeficitDiagnosis.objects.select_related(
        "teacher", "organization", "academic_year", "municipality", "created_by"
    )
    if access.user_id is None:
        return qs.none()
    if access.everywhere:
        return qs
    q = Q(teacher=access.user_id)
    q |= Q(municipality__in=_municipalities_where(access, *DOCUMENT_READERS))
    schools = {r.organization_id for r in access.roles if r.kind == RoleKind.SCHOOL}
    if schools:
        q |= Q(organization__in=schools)
    if access.has(RoleKind.TUTOR):
        q |= Q(_tutored(access, "teacher", "academic_year__start_year"))
    return qs.filter(q)


def diagnosis_teachers_for(access: Access) -> QuerySet[User]:
    """The teachers whose page of diagnoses the user opens: the teachers of the schools the
    user oversees, their own tutees, themself, and whoever has a diagnosis the user reads."""
    if access.user_id is None:
        return User.objects.none()
    posts = Role.objects.filter(kind=RoleKind.TEACHER, user=OuterRef("pk"))
    if not access.everywhere:
        posts = posts.filter(
            Q(municipality__in=_municipalities_where(access, *DOCUMENT_READERS))
            | Q(organization__in=[r.organization_id for r in access.roles_of(RoleKind.SCHOOL)])
        )
    q = Q(Exists(posts)) | Q(pk__in=diagnoses_for(access).order_by().values("teacher"))
    if access.has(RoleKind.TEACHER):
        q |= Q(pk=access.user_id)
    if access.has(RoleKind.TUTOR):
        q |= Q(_tutored(access, "pk"))
    return User.objects.filter(q)


def recordable_teachers(access: Access) -> QuerySet[User]:
    """The active teachers the user may record a diagnosis for, with their workplace: the
    municipality's for a methodist, the school's own for its administration, a tutor's
    tutees of this academic year and the last (the service checks the diagnosis' year)."""
    if access.user_id is None:
        return User.objects.none()
    q = Q(municipality__in=_municipalities_where(access, RoleKind.METHODIST))
    q |= Q(organization__in=[r.organization_id for r in access.roles_of(RoleKind.SCHOOL)])
    if access.has(RoleKind.TUTOR):
        start = current_start_year()
        tutees = Assignment.objects.filter(
            tutor=access.user_id, academic_year__start_year__in=[start - 1, start]
        ).values("teacher")
        q |= Q(user__in=tutees)
    posts = Role.objects.filter(q, kind=RoleKind.TEACHER, user=OuterRef("pk"))
    return (
        User.objects.filter(Exists(posts), is_active=True)
        .annotate(workplace=Subquery(posts.order_by("pk").values("organization__short_name")[:1]))
        .order_by("last_name", "first_name", "middle_name", "pk")
    )
