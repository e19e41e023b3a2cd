"""What each user may see of the results, and the figures the pages show."""

from django.db.models import Avg, Count, Q, QuerySet

from tutoring.access import Access
from tutoring.models import Municipality, Organization, RoleKind

from .models import ImportBatch, Participant, ResultSet

# Who sees a municipality's uploads and results whole.
COORDINATORS = (RoleKind.METHODIST, RoleKind.DIRECTOR)


def _municipalities(access: Access) -> set[int]:
    return {r.municipality_id for r in access.roles if r.kind in COORDINATORS}


def _schools(access: Access) -> set[int]:
    return {r.organization_id for r in access.roles if r.kind == RoleKind.SCHOOL}


def batches_for(access: Access) -> QuerySet[ImportBatch]:
    """The methodical centre sees its municipality's uploads, a school its own, `regional`
    all of them."""
    qs = ImportBatch.objects.select_related("municipality", "organization", "uploaded_by")
    if access.everywhere:
        return qs
    return qs.filter(
        Q(municipality__in=_municipalities(access)) | Q(organization__in=_schools(access))
    )


def import_errors(access: Access, batch: ImportBatch) -> list[dict]:
    """The problems of a rejected file; an unknown ФИС ОКО login links to where the user may
    fix it: the card of the school of that name, or the municipality's organizations."""
    from django.urls import reverse

    from .services import LOGIN_HINT

    problems = [dict(problem) for problem in batch.errors]
    ids = {p["organization"] for p in problems if p.get("organization")}
    schools = Organization.objects.select_related("municipality").in_bulk(ids) if ids else {}
    may_fix_here = batch.municipality is not None and access.manages_organizations_of(
        batch.municipality
    )
    for problem in problems:
        if LOGIN_HINT not in problem.get("message", ""):
            continue
        school = schools.get(problem.get("organization"))
        if school is not None and access.manages_organizations_of(school.municipality):
            problem["link"] = reverse("organization_update", args=[school.pk])
        elif school is None and may_fix_here:
            problem["link"] = f"{reverse('organization_list')}?municipality={batch.municipality_id}"
        if "link" in problem:
            before, _, after = problem["message"].partition(LOGIN_HINT)
            problem["before"], problem["link_text"], problem["after"] = before, LOGIN_HINT, after
    return problems


def can_import(access: Access) -> bool:
    return access.has(RoleKind.METHODIST, RoleKind.SCHOOL)


def can_load(access: Access, batch: ImportBatch) -> bool:
    """Whoever may import for the batch's municipality or school confirms or cancels it."""
    if access.holds(RoleKind.METHODIST, municipality=batch.municipality_id):
        return True
    return batch.organization_id is not None and batch.organization_id in _schools(access)


def school_figures(result_sets: QuerySet[ResultSet]) -> list[dict]:
    """Per school: participants, the share of each mark, knowledge quality (4 and 5) and
    success (3, 4 and 5), and the mean primary score; in one query."""
    rows = (
        Participant.objects.filter(result_set__in=result_sets)
        .values(
            "result_set",
            "result_set__organization__short_name",
            "result_set__assessment__subject__name",
            "result_set__assessment__grade",
            "result_set__assessment__year",
        )
        .annotate(
            total=Count("pk"),
            m2=Count("pk", filter=Q(mark=2)),
            m3=Count("pk", filter=Q(mark=3)),
            m4=Count("pk", filter=Q(mark=4)),
            m5=Count("pk", filter=Q(mark=5)),
            mean=Avg("primary_score"),
        )
        .order_by("result_set__organization__short_name")
    )
    figures = []
    for row in rows:
        total = row["total"]

        def share(count, total=total):
            return round(100 * count / total, 1) if total else 0

        figures.append(
            {
                "school": row["result_set__organization__short_name"],
                "subject": row["result_set__assessment__subject__name"],
                "grade": row["result_set__assessment__grade"],
                "year": row["result_set__assessment__year"],
                "participants": total,
                "marks": [share(row[f"m{mark}"]) for mark in (2, 3, 4, 5)],
                "quality": share(row["m4"] + row["m5"]),
                "success": share(row["m3"] + row["m4"] + row["m5"]),
                "mean": round(row["mean"], 1) if row["mean"] is not None else None,
                # ФИОКО: a figure from fewer than 20 participants is not reliable.
                "unreliable": total < 20,
            }
        )
    return figures


# Who reads the results analysis: the methodical centre and the municipality's tutors (they
# go where the results say help is needed), a school its own results, `regional` everything.
# A teacher does not: the official guidance forbids judging teachers by ВПР results, and a
# school's administration shares its figures with its teachers itself.
RESULT_READERS = (
    RoleKind.METHODIST,
    RoleKind.DIRECTOR,
    RoleKind.TUTOR,
    RoleKind.SCHOOL,
    RoleKind.REGIONAL,
)


def result_schools_for(access: Access) -> QuerySet[Organization]:
    """The schools whose results the user may read."""
    schools = Organization.objects.filter(kind=Organization.Kind.SCHOOL).select_related(
        "municipality"
    )
    if access.everywhere:
        return schools
    return schools.filter(Q(municipality__in=access.municipality_ids) | Q(pk__in=_schools(access)))


def result_municipalities_for(access: Access) -> QuerySet[Municipality]:
    """The municipalities whose results the user may read as a whole, or (a school) whose
    figures stand beside the school's own."""
    if access.everywhere:
        return Municipality.objects.all()
    own = Organization.objects.filter(pk__in=_schools(access)).values("municipality")
    return Municipality.objects.filter(Q(pk__in=access.municipality_ids) | Q(pk__in=own))
