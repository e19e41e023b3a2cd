"""«Начать учебный год»: the new year's roster, plans and assignments made from the last
year's, in one transaction. The old year's records are only read, never changed.

Running it again does not duplicate anything: a roster or a community plan that the new year
already has is a refusal that says so (the methodist unticks it); a tutor's plan or an
assignment that already exists is skipped and counted, since tutors make their own plans."""

from dataclasses import dataclass, field

from django.db import transaction

from tutoring.models import AcademicYear, Municipality, Role, RoleKind, User
from tutoring.services import audit_record

from ..models import Assignment, CommunityPlan, DomainError, Roster, TutorPlan, TutorPlanItem
from . import plans
from .rosters import copy_entries


@dataclass
class YearStart:
    """What the start of a year made, for the page's message."""

    academic_year: AcademicYear
    roster: Roster | None = None
    plan: CommunityPlan | None = None
    tutor_plans: int = 0
    tutor_plans_skipped: int = 0
    assignments: int = 0
    assignments_skipped: int = 0
    left_out: list[str] = field(default_factory=list)  # tutors no longer active


def last_approved_roster(municipality: Municipality, *, before: int | None = None):
    """The latest approved roster (the last year's, its last revision) before a start year."""
    rosters = Roster.objects.filter(
        municipality=municipality, status=Roster.Status.APPROVED
    ).select_related("academic_year")
    if before is not None:
        rosters = rosters.filter(academic_year__start_year__lt=before)
    return rosters.order_by("-academic_year__start_year", "-revision").first()


def _latest_roster(municipality: Municipality, year: AcademicYear) -> Roster | None:
    return (
        Roster.objects.filter(municipality=municipality, academic_year=year)
        .order_by("-revision")
        .first()
    )


@transaction.atomic
def year_start(
    *,
    actor: User,
    municipality: Municipality,
    start_year: int,
    roster: bool = False,
    plan_from: AcademicYear | None = None,
    tutor_plans: bool = False,
    assignments: bool = False,
) -> YearStart:
    if not (roster or plan_from or tutor_plans or assignments):
        raise DomainError("Отметьте, что подготовить к новому учебному году.")
    # Two starts of the same municipality's year at once would both find nothing to skip.
    Municipality.objects.select_for_update().get(pk=municipality.pk)
    year, _created = AcademicYear.objects.get_or_create(start_year=start_year)
    source = last_approved_roster(municipality, before=start_year)
    done = YearStart(academic_year=year)

    if roster:
        done.roster, done.left_out = _roster_from(actor, municipality, year, source)
    if plan_from is not None:
        done.plan = plans.plan_copy(
            actor=actor, municipality=municipality, academic_year=year, from_year=plan_from
        )
    if tutor_plans or assignments:
        if source is None:
            raise DomainError(
                "Утверждённого состава прошлых лет нет: переносить планы тьюторов и "
                "закрепления не с чего."
            )
        new_roster = done.roster or _latest_roster(municipality, year)
        if new_roster is None:
            raise DomainError(
                f"Состава на {year} учебный год ещё нет: отметьте «Черновик состава» — планы "
                "и закрепления переносятся для тьюторов нового состава."
            )
        tutors = set(new_roster.entries.values_list("person_id", flat=True))
        if tutor_plans:
            done.tutor_plans, done.tutor_plans_skipped = _tutor_plans_from(
                actor, municipality, year, source.academic_year, tutors
            )
        if assignments:
            done.assignments, done.assignments_skipped = _assignments_from(
                actor, municipality, year, source.academic_year, tutors
            )

    audit_record(
        actor=actor,
        action="year.start",
        obj=year,
        municipality=municipality,
        changes={
            "academic_year": str(year),
            "from_roster": str(source) if source else "",
            "plan_from": str(plan_from) if plan_from else "",
            "tutor_plans": done.tutor_plans,
            "tutor_plans_skipped": done.tutor_plans_skipped,
            "assignments": done.assignments,
            "assignments_skipped": done.assignments_skipped,
        },
    )
    return done


def _roster_from(actor, municipality, year, source) -> tuple[Roster, list[str]]:
    existing = _latest_roster(municipality, year)
    if existing is not None:
        raise DomainError(
            f"Состав на {year} учебный год уже заведён ({existing.get_status_display()}): "
            "снимите отметку «Черновик состава» или откройте его из списка составов."
        )
    if source is None:
        raise DomainError(
            "Утверждённого состава прошлых лет нет, копировать нечего: снимите отметку "
            "«Черновик состава» и заведите состав на странице составов."
        )
    roster = Roster.objects.create(municipality=municipality, academic_year=year)
    entries = source.entries.select_related("person")
    # A person whose account is closed has left; the methodist would only remove them again.
    left_out = [e.person.full_name for e in entries if not e.person.is_active]
    copies = copy_entries(entries.filter(person__is_active=True), to=roster)
    audit_record(
        actor=actor,
        action="roster.carry_over",
        obj=roster,
        changes={"from_roster": str(source), "entries": len(copies), "left_out": left_out},
    )
    return roster, left_out


def _tutor_plans_from(actor, municipality, year, old_year, tutors: set) -> tuple[int, int]:
    old = list(
        TutorPlan.objects.filter(
            municipality=municipality, academic_year=old_year, tutor__in=tutors
        ).prefetch_related("items")
    )
    have = set(
        TutorPlan.objects.filter(
            municipality=municipality, academic_year=year, tutor__in=tutors
        ).values_list("tutor_id", flat=True)
    )
    wanted = [plan for plan in old if plan.tutor_id not in have]
    copies = TutorPlan.objects.bulk_create(
        TutorPlan(municipality=municipality, academic_year=year, tutor_id=plan.tutor_id)
        for plan in wanted
    )
    TutorPlanItem.objects.bulk_create(
        TutorPlanItem(
            plan=copy,
            position=item.position,
            **{name: getattr(item, name) for name in plans.TUTOR_PLAN_ITEM_FIELDS},
        )
        for plan, copy in zip(wanted, copies, strict=True)
        for item in plan.items.all()
    )
    for plan, copy in zip(wanted, copies, strict=True):
        audit_record(
            actor=actor,
            action="tutor_plan.copy",
            obj=copy,
            changes={"from_year": str(old_year), "items": len(plan.items.all())},
        )
    return len(copies), len(old) - len(wanted)


def _assignments_from(actor, municipality, year, old_year, tutors: set) -> tuple[int, int]:
    # Still a teacher here: an active account with a teacher's role in the municipality.
    teachers = Role.objects.filter(
        kind=RoleKind.TEACHER, municipality=municipality, user__is_active=True
    ).values("user")
    old = list(
        Assignment.objects.filter(
            municipality=municipality,
            academic_year=old_year,
            tutor__in=tutors,
            teacher__in=teachers,
        ).values_list("tutor_id", "teacher_id")
    )
    # Only tutors' assignments are carried over, but a pair of the same two people in the new
    # year already links them (one link a year, `assignment_unique`).
    have = set(
        Assignment.all_kinds.filter(academic_year=year, tutor__in=tutors).values_list(
            "tutor_id", "teacher_id"
        )
    )
    wanted = [pair for pair in old if pair not in have]
    Assignment.objects.bulk_create(
        Assignment(
            municipality=municipality,
            academic_year=year,
            tutor_id=tutor,
            teacher_id=teacher,
            created_by=actor,
        )
        for tutor, teacher in wanted
    )
    return len(wanted), len(old) - len(wanted)
