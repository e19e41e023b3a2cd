"""Reads of the ГИА and diagnostic-work import pages: the schools a template offers to pick
from, and the figures of a loaded file. Apart from `selectors.py`, which the analysis pages
grow, so that each import page reads what it needs in one place."""

from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet, Subquery

from tutoring.access import Access
from tutoring.models import Organization

from .models import AssessmentKind, MinimumScore, Participant, ResultSet
from .selectors import _municipalities, _schools


def template_schools(access: Access) -> QuerySet[Organization]:
    """The schools a user's template lists to pick from: the municipality's for its methodical
    centre, a school's own, every school for `regional`."""
    qs = Organization.objects.filter(kind=Organization.Kind.SCHOOL).exclude(fis_oko_login="")
    if not access.everywhere:
        qs = qs.filter(Q(municipality__in=_municipalities(access)) | Q(pk__in=_schools(access)))
    return qs.order_by("short_name")


def result_figures(result_sets: QuerySet[ResultSet]) -> list[dict]:
    """Per work and school of a ГИА or diagnostic load: participants, the share of each mark
    (where there are marks), the mean primary and test scores, and the share under the
    minimum (ЕГЭ: a test score under `MinimumScore`; elsewhere a «2»); in one query."""
    minimum = MinimumScore.objects.filter(
        kind=OuterRef("result_set__assessment__kind"),
        year=OuterRef("result_set__assessment__year"),
        subject=OuterRef("result_set__assessment__subject"),
        grade=OuterRef("result_set__assessment__grade"),
    ).values("score")[:1]
    rows = (
        Participant.objects.filter(result_set__in=result_sets)
        .values(
            "result_set",
            "result_set__organization__short_name",
            "result_set__assessment__kind",
            "result_set__assessment__title",
            "result_set__assessment__subject__name",
            "result_set__assessment__grade",
            "result_set__assessment__year",
        )
        .annotate(
            total=Count("pk"),
            marked=Count("mark"),
            m2=Count("pk", filter=Q(mark=2)),
            m3=Count("pk", filter=Q(mark=3)),
            m4=Count("pk", filter=Q(mark=4)),
            m5=Count("pk", filter=Q(mark=5)),
            mean=Avg("primary_score"),
            test=Avg("test_score"),
            under=Count("pk", filter=Q(test_score__lt=Subquery(minimum))),
        )
        .order_by(
            "result_set__assessment__year",
            "result_set__assessment__kind",
            "result_set__assessment__subject__name",
            "result_set__assessment__grade",
            "result_set__assessment__title",
            "result_set__organization__short_name",
        )
    )
    figures = []
    for row in rows:
        total = row["total"]

        def share(count, total=total):
            return round(100 * count / total, 1) if total else 0

        kind = row["result_set__assessment__kind"]
        tested = row["test"] is not None
        figures.append(
            {
                "work": f"{row['result_set__assessment__title'] or AssessmentKind(kind).label} "
                f"{row['result_set__assessment__year']}, "
                f"{row['result_set__assessment__subject__name']}, "
                f"{row['result_set__assessment__grade']} класс",
                "school": row["result_set__organization__short_name"],
                "participants": total,
                "marks": [share(row[f"m{mark}"]) for mark in (2, 3, 4, 5)]
                if row["marked"]
                else None,
                "mean": round(row["mean"], 1) if row["mean"] is not None else None,
                "test": round(row["test"], 1) if tested else None,
                "under": share(row["under"] if tested else row["m2"])
                if kind != AssessmentKind.DIAGNOSTIC
                else None,
                # ФИОКО: a figure from fewer than 20 participants is not reliable.
                "unreliable": total < 20,
            }
        )
    return figures


def minimum_scores() -> QuerySet[MinimumScore]:
    """The region's ГИА minimum scores, newest year first, each with `in_use`: whether loaded
    results are of its exam, year, subject and class (then it may not be deleted)."""
    loaded = ResultSet.objects.filter(
        assessment__kind=OuterRef("kind"),
        assessment__year=OuterRef("year"),
        assessment__subject=OuterRef("subject"),
        assessment__grade=OuterRef("grade"),
    )
    return (
        MinimumScore.objects.select_related("subject")
        .annotate(in_use=Exists(loaded))
        .order_by("-year", "kind", "subject__name", "grade")
    )
