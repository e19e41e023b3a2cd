"""The figures of each school's results, counted once when they are loaded.

A municipality's or the region's marks and task success used to be counted over every
participant and every task score of the region on the first request after any load (12
million task scores at region scale: 1–1.4 s a statement, several workers at once). The load
now writes, in its own transaction, one row per result set (participants, marks, the sum of
primary scores, the comparison with the journal) and one per result set and task (the sum of
its scores); the figures above a school add those rows up. Whoever writes participants calls
`summarize` for the result sets written, in the same transaction.
"""

from collections.abc import Iterable

from django.db.models import Count, F, Q, Sum

from . import bulk
from .models import (
    Assessment,
    Participant,
    ResultSet,
    ResultSetFigures,
    ResultSetTaskPoints,
    TaskScore,
)

MARKS = (2, 3, 4, 5)


def summarize(result_sets: Iterable[int]) -> None:
    """Count again the figures of these result sets from their rows (replacing what was
    kept), and raise the results version of their works: two grouped reads, two inserts."""
    ids = sorted(set(result_sets))
    if not ids:
        return
    bulk.delete(ResultSetTaskPoints.objects.filter(result_set__in=ids))
    bulk.delete(ResultSetFigures.objects.filter(result_set__in=ids))
    rows = (
        Participant.objects.filter(result_set__in=ids)
        .values("result_set")
        .annotate(
            participants=Count("pk"),
            primary_sum=Sum("primary_score"),
            lower=Count("pk", filter=Q(mark__lt=F("journal_mark"))),
            same=Count("pk", filter=Q(mark=F("journal_mark"))),
            higher=Count("pk", filter=Q(mark__gt=F("journal_mark"))),
            **{f"m{mark}": Count("pk", filter=Q(mark=mark)) for mark in MARKS},
        )
        .order_by()
    )
    ResultSetFigures.objects.bulk_create(
        ResultSetFigures(
            result_set_id=row.pop("result_set"), **row | {"primary_sum": row["primary_sum"] or 0}
        )
        for row in rows
    )
    points = (
        TaskScore.objects.filter(participant__result_set__in=ids)
        .values("participant__result_set", "task")
        .annotate(points=Sum("score"))
        .order_by()
    )
    ResultSetTaskPoints.objects.bulk_create(
        (
            ResultSetTaskPoints(
                result_set_id=row["participant__result_set"],
                task_id=row["task"],
                points=row["points"] or 0,
            )
            for row in points.iterator(chunk_size=10_000)
        ),
        batch_size=10_000,
    )
    works = ResultSet.objects.filter(pk__in=ids).values("assessment")
    Assessment.objects.filter(pk__in=works).update(results_version=F("results_version") + 1)
