"""How scores against a rubric become a verdict. Pure functions: the review form previews the
verdict with them, and the services record it."""

from dataclasses import dataclass

from .models import CaseKind, Verdict, verdicts_for


@dataclass(frozen=True)
class Marked:
    score: int
    max_score: int
    required: bool


@dataclass(frozen=True)
class Outcome:
    total: int
    max_total: int
    percent: int
    verdict: Verdict


def outcome(*, kind: str, upper: int, lower: int, marks: list[Marked]) -> Outcome:
    """The verdict follows the share of the maximum score: at or above `upper` the best band,
    at or above `lower` the middle one, below it the worst. A required criterion scored 0
    keeps a document out of the best band: it cannot comply while, say, its hours do not
    match the curriculum, however good the rest is."""
    total = sum(mark.score for mark in marks)
    max_total = sum(mark.max_score for mark in marks)
    # Integer arithmetic, so that 85 % of the maximum is exactly the threshold, never 84.99.
    best, middle, worst = verdicts_for(kind)
    if total * 100 >= upper * max_total:
        verdict = best
    elif total * 100 >= lower * max_total:
        verdict = middle
    else:
        verdict = worst
    if (
        kind != CaseKind.PORTFOLIO
        and verdict == best
        and any(mark.required and mark.score == 0 for mark in marks)
    ):
        verdict = middle
    percent = round(total * 100 / max_total) if max_total else 0
    return Outcome(total=total, max_total=max_total, percent=percent, verdict=verdict)
