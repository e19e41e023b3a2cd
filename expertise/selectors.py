"""What each user may see of expertise, and the reads its pages need."""

from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
)

from tutoring.access import Access
from tutoring.models import Role, RoleKind, User

from .models import Conclusion, ExpertiseCase, Review, Rubric, Score

# Who runs expertise in a municipality: they see all its cases.
COORDINATORS = (RoleKind.METHODIST, RoleKind.DIRECTOR)


def _municipalities_where(access: Access, *kinds: str) -> set[int]:
    return {r.municipality_id for r in access.roles if r.kind in kinds}


def _schools(access: Access) -> set[int]:
    return {r.organization_id for r in access.roles if r.kind == RoleKind.SCHOOL}


def _sees_author_q(access: Access) -> Q:
    """Who sees a case's author by right of their role, not only as its expert."""
    q = Q(municipality__in=_municipalities_where(access, *COORDINATORS))
    q |= Q(organization__in=_schools(access))
    q |= Q(author=access.user_id) | Q(submitted_by=access.user_id)
    return q


def cases_for(access: Access) -> QuerySet[ExpertiseCase]:
    """Coordinators see their municipality's cases; a school its teachers' cases; a teacher
    their own; a tutor the cases they review. `author_hidden` marks the blind cases whose
    author and school the user must not see."""
    qs = ExpertiseCase.objects.select_related(
        "municipality", "organization", "author", "subject", "academic_year"
    )
    if access.everywhere:
        return qs.annotate(author_hidden=ExpressionWrapper(Q(pk=None), BooleanField()))
    sees_author = _sees_author_q(access)
    # One UNION of the cases seen by right and those reviewed, rather than an OR with a
    # subquery: PostgreSQL then joins the two lists once instead of testing every case of
    # the municipality against the expert's reviews (minutes, at 20,000 of each).
    visible = (
        ExpertiseCase.objects.filter(sees_author)
        .order_by()
        .values("pk")
        .union(Review.objects.filter(expert=access.user_id).order_by().values("round__case"))
    )
    return qs.filter(pk__in=visible).annotate(
        author_hidden=ExpressionWrapper(Q(blind=True) & ~sees_author, BooleanField())
    )


def can_coordinate(access: Access, case: ExpertiseCase) -> bool:
    return access.holds(RoleKind.METHODIST, municipality=case.municipality_id)


def is_requester(access: Access, case: ExpertiseCase) -> bool:
    """The author, whoever filed the case, or the administration of the author's school."""
    return access.user_id in (
        case.author_id,
        case.submitted_by_id,
    ) or case.organization_id in _schools(access)


def reviews_to_do(access: Access) -> QuerySet[Review]:
    return Review.objects.filter(
        expert=access.user_id,
        status=Review.Status.PENDING,
        round__case__status=ExpertiseCase.Status.REVIEW,
    ).select_related("round__case__subject")


def rubrics_for(access: Access) -> QuerySet[Rubric]:
    """Methodists (and directors, reading) see their municipality's rubrics; experts see the
    rubric of a case through the case."""
    qs = Rubric.objects.select_related("municipality").annotate(criteria_count=Count("criteria"))
    if access.everywhere:
        return qs
    return qs.filter(municipality__in=_municipalities_where(access, *COORDINATORS))


# Why someone may not review a case.
AUTHOR_CONFLICT = "это автор документа или подавший заявку"
COLLEAGUE_CONFLICT = "работает в той же школе, что и автор"


def conflict_of_interest(case: ExpertiseCase, expert: User) -> str:
    """Why `expert` may not review `case`, or "" when they may."""
    if expert.pk in (case.author_id, case.submitted_by_id):
        return AUTHOR_CONFLICT
    if Role.objects.filter(user=expert, organization=case.organization_id).exists():
        return COLLEAGUE_CONFLICT
    return ""


def _tutors_of(case: ExpertiseCase) -> QuerySet[Role]:
    return Role.objects.filter(
        kind=RoleKind.TUTOR, municipality=case.municipality_id, subjects=case.subject_id
    )


def is_eligible_expert(case: ExpertiseCase, expert: User) -> bool:
    return _tutors_of(case).filter(user=expert).exists()


@dataclass(frozen=True)
class Candidates:
    ranked: list[User]  # each with `.load`: reviews waiting for them now
    excluded: list[tuple[User, str]]


def expert_candidates(case: ExpertiseCase) -> Candidates:
    """Tutors of the case's subject in its municipality, the least loaded first; those with a
    conflict of interest are left out, and said why."""
    colleagues = Role.objects.filter(user=OuterRef("pk"), organization=case.organization_id)
    tutors = (
        User.objects.filter(is_active=True, roles__in=_tutors_of(case))
        .distinct()
        .annotate(
            load=Count(
                "expertise_reviews",
                filter=Q(
                    expertise_reviews__status=Review.Status.PENDING,
                    expertise_reviews__round__case__status=ExpertiseCase.Status.REVIEW,
                ),
                distinct=True,
            ),
            colleague=Exists(colleagues),
        )
        .order_by("load", "last_name", "first_name", "middle_name")
    )
    ranked, excluded = [], []
    for tutor in tutors:
        if tutor.pk in (case.author_id, case.submitted_by_id):
            excluded.append((tutor, AUTHOR_CONFLICT))
        elif tutor.colleague:
            excluded.append((tutor, COLLEAGUE_CONFLICT))
        else:
            ranked.append(tutor)
    return Candidates(ranked=ranked, excluded=excluded)


def conclusions_for(access: Access) -> QuerySet[Conclusion]:
    return Conclusion.objects.filter(case__in=cases_for(access).values("pk"))


def deficits(access: Access) -> QuerySet:
    """Criteria not fully met in issued conclusions, per school, subject and criterion, with
    the number of cases: what the community should help with. Read only where the user sees
    the cases as a coordinator or a school (never through an expert's assignment)."""
    cases = ExpertiseCase.objects.all()
    if not access.everywhere:
        cases = cases.filter(
            Q(municipality__in=_municipalities_where(access, *COORDINATORS))
            | Q(organization__in=_schools(access))
            | Q(author=access.user_id)
        )
    return (
        Score.objects.filter(
            review__status=Review.Status.SUBMITTED,
            review__round__conclusion__isnull=False,
            review__round__case__in=cases.values("pk"),
            score__lt=F("criterion__max_score"),
        )
        .values(
            "review__round__case__organization",
            "review__round__case__organization__short_name",
            "review__round__case__subject",
            "review__round__case__subject__name",
            "review__round__case__kind",
            "criterion__title",
        )
        .annotate(cases=Count("review__round__case", distinct=True))
        .order_by(
            "review__round__case__organization__short_name",
            "review__round__case__subject__name",
            "-cases",
            "criterion__title",
        )
    )


def latest_conclusions(conclusions) -> list[Conclusion]:
    """The latest conclusion of each case among `conclusions` (a queryset): a case sent back
    to its author and examined again is described by its last round."""
    latest = {}
    for conclusion in conclusions.select_related("case").order_by("case_id", "-round__number"):
        latest.setdefault(conclusion.case_id, conclusion)
    return list(latest.values())


def case_deficits(conclusion: Conclusion) -> list[dict]:
    """The criteria of an issued conclusion that an expert did not score in full, from its
    frozen content: what a consultation on the case should address."""
    rows = []
    for criterion in conclusion.snapshot.get("criteria", []):
        remarks = [s for s in criterion["scores"] if s["score"] < criterion["max_score"]]
        if remarks:
            rows.append({**criterion, "remarks": remarks})
    return rows
