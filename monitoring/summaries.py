"""The figures of each school's results, counted once when they are loaded.

A municipality's or the region's marks and task success used to be counted over every
participant and every task score of the region on the first request after any load (12
million task scores at region scale: 1–1.4 s a statement, several workers at once). The load
now writes, in its own transaction, one row per result set (participants, marks, the sum of
primary scores, the comparison with the journal) and one per result set and task (the sum of
its scores); the figures above a school add those rows up. The loader counts them in a `Tally`
as it writes the rows, without reading them back; whoever else writes participants calls
`summarize` for the result sets written, in the same transaction.
"""

from collections.abc import Iterable

from django.db.models import Count, F, Q, Sum

from tutoring.models import Organization

from . import bulk
from .models import (
    Assessment,
    MunicipalityFigures,
    MunicipalityTaskPoints,
    Participant,
    ResultSet,
    ResultSetFigures,
    ResultSetTaskPoints,
    TaskScore,
    WorkScoreMarks,
)

MARKS = (2, 3, 4, 5)
FIELDS = ("participants", "m2", "m3", "m4", "m5", "primary_sum", "lower", "same", "higher")


class Tally:
    """The figures of result sets counted from their rows as they are written, as `summarize`
    would count them from the tables: the same comparisons, NULL counting for nothing."""

    def __init__(self):
        self.figures: dict[int, list[int]] = {}
        self.scores = 0
        self._sums: dict[int, tuple[list[int], list[int]]] = {}  # result set: (tasks, sums)

    def add(self, result_set: int, row: list, tasks: list[int]) -> None:
        """`row` as `bulk.ResultWriter` takes it: [code, class, variant, primary, test score,
        mark, journal mark, [score per task]]. Called for each of a year's 300,000 rows:
        plain lists, no lookups by name."""
        figures = self.figures.get(result_set)
        if figures is None:
            figures = self.figures[result_set] = [0] * len(FIELDS)
            self._sums[result_set] = (tasks, [0] * len(tasks))
        primary, mark, journal = row[3], row[5], row[6]
        figures[0] += 1
        if mark is not None:
            if 2 <= mark <= 5:
                figures[mark - 1] += 1  # m2 is FIELDS[1]
            if journal is not None:
                figures[6 if mark < journal else 7 if mark == journal else 8] += 1
        if primary:
            figures[5] += primary
        sums = self._sums[result_set][1]
        scores = row[7]
        self.scores += len(scores)
        for position, score in enumerate(scores):
            if score:
                sums[position] += score

    def keep(self, result_sets: Iterable[int]) -> None:
        """Replace what was kept of these result sets (the ones written, with rows or without)
        by what was counted, and raise their works' version."""
        ids = sorted(set(result_sets) | set(self.figures))
        if not ids:
            return
        _forget(ids)
        counted = [pk for pk in ids if pk in self.figures]
        bulk.insert(
            ResultSetFigures,
            ("result_set_id", *FIELDS),
            ((pk, *self.figures[pk]) for pk in counted),
        )
        bulk.insert(
            ResultSetTaskPoints,
            ("result_set_id", "task_id", "points"),
            (
                (pk, task, points)
                for pk in counted
                for task, points in zip(*self._sums[pk], strict=True)
            ),
        )
        _count_works_again(ids)


def _forget(ids: list[int]) -> None:
    bulk.delete(ResultSetTaskPoints.objects.filter(result_set__in=ids))
    bulk.delete(ResultSetFigures.objects.filter(result_set__in=ids))


def _count_works_again(ids: list[int]) -> None:
    """After the figures of these result sets were written: raise the results version of
    their works, and count again their works' marks at each score and their municipalities'
    sums."""
    works = list(
        ResultSet.objects.filter(pk__in=ids).values_list("assessment", flat=True).distinct()
    )
    Assessment.objects.filter(pk__in=works).update(results_version=F("results_version") + 1)
    count_score_marks(works)
    municipalities = list(
        Organization.objects.filter(
            pk__in=ResultSet.objects.filter(pk__in=ids).values("organization")
        )
        .values_list("municipality", flat=True)
        .distinct()
    )
    add_up_municipalities(works, municipalities)


def add_up_municipalities(works: Iterable[int], municipalities: Iterable[int]) -> None:
    """Count again the sums of these works in these municipalities from their schools' kept
    figures: every pair, whichever of its schools changed. Two grouped reads of a few
    thousand rows."""
    works, municipalities = sorted(set(works)), sorted(set(municipalities))
    if not works or not municipalities:
        return
    bulk.delete(
        MunicipalityFigures.objects.filter(assessment__in=works, municipality__in=municipalities)
    )
    bulk.delete(
        MunicipalityTaskPoints.objects.filter(assessment__in=works, municipality__in=municipalities)
    )
    scope = {
        "result_set__assessment__in": works,
        "result_set__organization__municipality__in": municipalities,
    }
    unit = ("result_set__assessment", "result_set__organization__municipality")
    figures = (
        ResultSetFigures.objects.filter(**scope)
        .values_list(*unit)
        .annotate(*(Sum(name) for name in FIELDS))
        .order_by()
    )
    bulk.insert(MunicipalityFigures, ("assessment_id", "municipality_id", *FIELDS), list(figures))
    points = (
        ResultSetTaskPoints.objects.filter(**scope)
        .values_list(*unit, "task")
        .annotate(Sum("points"))
        .order_by()
    )
    bulk.insert(
        MunicipalityTaskPoints,
        ("assessment_id", "municipality_id", "task_id", "points"),
        list(points),
    )


def count_score_marks(works: Iterable[int]) -> None:
    """Count again, from the participants, how many of each work got each mark at each
    primary score: one grouped read a work's participants (a region's 37,000 in some 30 ms),
    exact whatever was replaced."""
    works = sorted(set(works))
    if not works:
        return
    bulk.delete(WorkScoreMarks.objects.filter(assessment__in=works))
    rows = (
        Participant.objects.filter(result_set__assessment__in=works, mark__isnull=False)
        .values_list("result_set__assessment", "primary_score", "mark")
        .annotate(count=Count("pk"))
        .order_by()
    )
    bulk.insert(
        WorkScoreMarks, ("assessment_id", "primary_score", "mark", "participants"), list(rows)
    )


def summarize(result_sets: Iterable[int]) -> None:
    """Count again the figures of these result sets from their rows (replacing what was
    kept), and raise the results version of their works: two grouped reads, two inserts."""
    ids = sorted(set(result_sets))
    if not ids:
        return
    _forget(ids)
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
    _count_works_again(ids)
