"""The indicators of the results analysis, as ФИОКО recommends analysing ВПР (2026) and as the
ГИА reports count them (shared/DESIGN.md, «Monitoring»). Everything is counted in the database
with aggregates; Python only turns the counts into shares.

Each query function takes the assessments (objects, ids or a queryset) and a `level`:

- `Level.SCHOOL`: one figure per school, keyed by the organization's id;
- `Level.MUNICIPALITY`: one per municipality, keyed by the municipality's id;
- `Level.REGION`: one for the region, keyed None;

and returns a dict keyed by `(assessment id, unit id)`. `schools=` and `municipalities=`
(ids, objects or querysets) narrow the participants counted, and `region=` (the value of
`Municipality.region`) to the municipalities of that region: one installation may serve
several regions, and «Регион» on a page means the viewed municipality's region, never the
whole installation (shared/DESIGN.md). A unit without participants has no key. Shares are
percentages of the participants counted, not rounded: pages round them.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from django.db import models
from django.db.models import Avg, Count, Q, QuerySet, Sum

from .figures_cache import cached
from .gia import BASE_MATH_TITLE
from .models import (
    Assessment,
    AssessmentKind,
    AssessmentTask,
    MinimumScore,
    MunicipalityFigures,
    MunicipalityTaskPoints,
    Participant,
    ResultSet,
    ResultSetFigures,
    ResultSetTaskPoints,
    WorkScoreMarks,
)

# ФИОКО: a figure from fewer than 20 participants is not reliable.
RELIABLE_FROM = 20
GIA_KINDS = (AssessmentKind.OGE, AssessmentKind.EGE, AssessmentKind.GVE)
MARKS = (2, 3, 4, 5)
# ФИОКО's thresholds of task success, in %: (mastered from, not mastered below); between the
# two a task is borderline, so that sampling noise around 60 % does not flip the verdict.
THRESHOLDS = {
    AssessmentTask.Level.BASIC: (60.0, 57.0),
    AssessmentTask.Level.ADVANCED: (30.0, 28.5),
}
# A rise of the share of «2» by this many points over the years is a bad sign (ФИОКО).
WORRYING_RISE = 10.0
# The rise of «2»: the year against the mean of at least 2 and at most 4 earlier years, so
# that the span is the 3–5 years of DESIGN («the share of "2" over 3–5 years, +10 points is a
# bad sign»).
RISE_EARLIER_MIN = 2
RISE_EARLIER_MAX = 4
# A boundary score is a peak when its count is at least this many times the mean count of
# the two scores below it, is a local maximum, and counts at least PEAK_MIN participants.
PEAK_RATIO = 1.5
PEAK_MIN = 5

Key = tuple[int, int | None]
Ids = Iterable | QuerySet | None


class Level(StrEnum):
    SCHOOL = "school"
    MUNICIPALITY = "municipality"
    REGION = "region"


_UNIT = {
    Level.SCHOOL: "result_set__organization",
    Level.MUNICIPALITY: "result_set__organization__municipality",
    Level.REGION: None,
}


class Mastery(models.TextChoices):
    MASTERED = "mastered", "освоено"
    BORDERLINE = "borderline", "на границе"
    NOT_MASTERED = "not_mastered", "не освоено"


def rounded(value: float | None, digits: int = 1) -> float | None:
    """Rounded half up, as reports round (56.25 → 56.3), not to the even neighbour."""
    if value is None:
        return None
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def share(count: int | None, total: int) -> float | None:
    """`count` as a percentage of `total`; None when there is nothing to divide by."""
    if count is None or not total:
        return None
    return 100 * count / total


@dataclass(frozen=True)
class WorkFigures:
    """The figures of a work with marks (ВПР, ОГЭ, ГВЭ, a diagnostic work) for one unit."""

    participants: int
    marks: Mapping[int, int]  # mark → participants who got it
    mean_primary: float | None
    # The work's mark against the journal mark, among participants who have both.
    lower: int = 0
    same: int = 0
    higher: int = 0

    @property
    def marked(self) -> int:
        return sum(self.marks.values())

    def mark_share(self, mark: int) -> float | None:
        return share(self.marks.get(mark, 0), self.marked)

    @property
    def shares(self) -> list[tuple[int, float | None]]:
        return [(mark, self.mark_share(mark)) for mark in MARKS]

    @property
    def twos(self) -> float | None:
        return self.mark_share(2)

    @property
    def quality(self) -> float | None:
        """Knowledge quality: the share of «4» and «5»."""
        return share(self.marks.get(4, 0) + self.marks.get(5, 0), self.marked)

    @property
    def success(self) -> float | None:
        """Success (успеваемость): the share of «3», «4» and «5»."""
        return share(sum(self.marks.get(m, 0) for m in (3, 4, 5)), self.marked)

    @property
    def compared(self) -> int:
        return self.lower + self.same + self.higher

    @property
    def lower_share(self) -> float | None:
        """The work's mark below the journal mark («понизили»)."""
        return share(self.lower, self.compared)

    @property
    def same_share(self) -> float | None:
        return share(self.same, self.compared)

    @property
    def higher_share(self) -> float | None:
        return share(self.higher, self.compared)

    @property
    def unreliable(self) -> bool:
        return self.participants < RELIABLE_FROM


@dataclass(frozen=True)
class GiaFigures:
    """ОГЭ, ЕГЭ, ГВЭ for one unit. The mean is of test scores for ЕГЭ, of primary scores for
    ОГЭ and ГВЭ. `below` is None where the minimum is not known (ЕГЭ without a MinimumScore);
    `high` (81–100) and `full` (100) count ЕГЭ test scores and are None for other exams."""

    kind: str
    participants: int
    mean: float | None
    below: int | None
    high: int | None
    full: int | None

    @property
    def below_share(self) -> float | None:
        return share(self.below, self.participants)

    @property
    def high_share(self) -> float | None:
        return share(self.high, self.participants)

    @property
    def full_share(self) -> float | None:
        return share(self.full, self.participants)

    @property
    def unreliable(self) -> bool:
        return self.participants < RELIABLE_FROM


def mastery(level: str, percent: float | None) -> Mastery | None:
    """ФИОКО's verdict on a task's success; None for a task of unknown level."""
    if percent is None or level not in THRESHOLDS:
        return None
    mastered, not_mastered = THRESHOLDS[level]
    if percent >= mastered:
        return Mastery.MASTERED
    if percent < not_mastered:
        return Mastery.NOT_MASTERED
    return Mastery.BORDERLINE


@dataclass(frozen=True)
class TaskSuccess:
    task_id: int
    number: str
    max_score: int
    level: str  # AssessmentTask.Level
    percent: float | None  # sum of scores / (participants × max score); a NULL score is 0

    @property
    def verdict(self) -> Mastery | None:
        return mastery(self.level, self.percent)

    @property
    def level_label(self) -> str:
        return AssessmentTask.Level(self.level).label if self.level else "не указан"

    @property
    def threshold(self) -> float | None:
        return THRESHOLDS[self.level][0] if self.level in THRESHOLDS else None


@dataclass(frozen=True)
class Histogram:
    """Participants by primary score, 0 to the maximum, with the work's mark boundaries and
    those of them that stand out as peaks (a hint of marks pulled over a boundary)."""

    counts: tuple[int, ...]
    boundaries: Mapping[int, int] = field(default_factory=dict)  # mark → its lowest score
    peaks: frozenset[int] = frozenset()  # boundary scores that are peaks

    @property
    def participants(self) -> int:
        return sum(self.counts)

    @property
    def peak_marks(self) -> list[int]:
        return [mark for mark, score in sorted(self.boundaries.items()) if score in self.peaks]


def years_text(years: list[int]) -> str:
    """«2022–2024» for a run of years, «2021, 2023, 2024» when one is missing."""
    if years == list(range(years[0], years[-1] + 1)) and len(years) > 1:
        return f"{years[0]}–{years[-1]}"
    return ", ".join(str(year) for year in years)


@dataclass(frozen=True)
class Trend:
    """The share of «2» by year, oldest first. Its rise is the last year's share against the
    mean of the `RISE_EARLIER_MAX` years before it that have one — at least `RISE_EARLIER_MIN`
    of them, so that the span is the 3–5 years of DESIGN; the same rule as the risk list."""

    points: tuple[tuple[int, float | None], ...]

    @property
    def last(self) -> tuple[int, float] | None:
        known = [(year, value) for year, value in self.points if value is not None]
        return known[-1] if known else None

    @property
    def earlier_years(self) -> list[int]:
        if self.last is None:
            return []
        last_year = self.last[0]
        return [
            year
            for year, value in self.points
            if value is not None and last_year - RISE_EARLIER_MAX <= year < last_year
        ]

    @property
    def baseline(self) -> float | None:
        """The mean share of «2» of the earlier years; None with fewer than the minimum."""
        years = self.earlier_years
        if len(years) < RISE_EARLIER_MIN:
            return None
        shares = dict(self.points)
        return sum(shares[year] for year in years) / len(years)

    @property
    def rise(self) -> float | None:
        baseline = self.baseline
        return None if baseline is None else self.last[1] - baseline

    @property
    def rise_text(self) -> str:
        """«в 2025 г. на 12,0 п. п. выше, чем в среднем за 2022–2024»."""
        if self.rise is None:
            return ""
        rise = f"{rounded(self.rise):.1f}".replace(".", ",")
        return (
            f"в {self.last[0]} г. на {rise} п. п. выше, чем в среднем за "
            f"{years_text(self.earlier_years)}"
        )

    @property
    def worrying(self) -> bool:
        # Rounded as the page prints it: «+9,9 п.» never warns, «+10,0 п.» always does.
        return self.rise is not None and rounded(self.rise) >= WORRYING_RISE


def _scoped(
    queryset: QuerySet,
    prefix: str,
    assessments,
    schools: Ids,
    municipalities: Ids,
    region: str | None = None,
):
    queryset = queryset.filter(**{f"{prefix}result_set__assessment__in": assessments})
    if region is not None:
        queryset = queryset.filter(
            **{f"{prefix}result_set__organization__municipality__region": region}
        )
    if schools is not None:
        queryset = queryset.filter(**{f"{prefix}result_set__organization__in": schools})
    if municipalities is not None:
        queryset = queryset.filter(
            **{f"{prefix}result_set__organization__municipality__in": municipalities}
        )
    return queryset


def _grouped(
    queryset: QuerySet, level: Level, *, prefix: str = "", extra=(), **aggregates
) -> list[tuple[Key, dict]]:
    assessment = f"{prefix}result_set__assessment"
    unit = f"{prefix}{_UNIT[level]}" if _UNIT[level] else None
    fields = [assessment, *([unit] if unit else []), *extra]
    rows = queryset.values(*fields).annotate(**aggregates).order_by()
    return [((row[assessment], row[unit] if unit else None), row) for row in rows]


def _kept(queryset: QuerySet, assessments, schools: Ids, municipalities: Ids, region) -> QuerySet:
    """The figures kept per result set (`summaries`), of the schools in scope."""
    return _scoped(queryset, "", assessments, schools, municipalities, region)


def _kept_grouped(
    per_school: type,
    per_municipality: type,
    assessments,
    level,
    schools,
    municipalities,
    region,
    *,
    extra=(),
    **aggregates,
) -> list[tuple[Key, dict]]:
    """The kept figures grouped by `level`: a municipality's or the region's from the
    municipalities' sums (45 rows a work for the region), a school's or some schools' from
    each school's own."""
    if level is Level.SCHOOL or schools is not None:
        queryset = _kept(per_school.objects.all(), assessments, schools, municipalities, region)
        return _grouped(queryset, level, extra=extra, **aggregates)
    queryset = per_municipality.objects.filter(assessment__in=assessments)
    if region is not None:
        queryset = queryset.filter(municipality__region=region)
    if municipalities is not None:
        queryset = queryset.filter(municipality__in=municipalities)
    unit = ["municipality"] if level is Level.MUNICIPALITY else []
    rows = queryset.values("assessment", *unit, *extra).annotate(**aggregates).order_by()
    return [((row["assessment"], row["municipality"] if unit else None), row) for row in rows]


def _participants(
    assessments, schools: Ids, municipalities: Ids, region: str | None = None
) -> QuerySet:
    return _scoped(Participant.objects.all(), "", assessments, schools, municipalities, region)


@cached
def work_figures(
    assessments,
    *,
    level: Level,
    schools: Ids = None,
    municipalities: Ids = None,
    region: str | None = None,
) -> dict[Key, WorkFigures]:
    """Marks distribution, quality, success, mean primary score and the journal comparison;
    in one query, over the figures each school's results keep since they were loaded
    (`summaries`), not over their participants."""
    rows = _kept_grouped(
        ResultSetFigures,
        MunicipalityFigures,
        assessments,
        level,
        schools,
        municipalities,
        region,
        participants=Sum("participants"),
        primary_sum=Sum("primary_sum"),
        lower=Sum("lower"),
        same=Sum("same"),
        higher=Sum("higher"),
        **{f"m{mark}": Sum(f"m{mark}") for mark in MARKS},
    )
    return {
        key: WorkFigures(
            participants=row["participants"],
            marks={mark: row[f"m{mark}"] for mark in MARKS},
            mean_primary=row["primary_sum"] / row["participants"] if row["participants"] else None,
            lower=row["lower"],
            same=row["same"],
            higher=row["higher"],
        )
        for key, row in rows
    }


def minimum_scores(assessments) -> dict[int, int]:
    """The ЕГЭ minimum test score of each ЕГЭ assessment that has one set. The базовый
    уровень of mathematics has no test score, hence no minimum of its own: it is marked."""
    ege = Assessment.objects.filter(pk__in=_ids(assessments), kind=AssessmentKind.EGE).exclude(
        title=BASE_MATH_TITLE
    )
    minimums = MinimumScore.objects.filter(
        kind=AssessmentKind.EGE,
        year__in=ege.values("year"),
        subject__in=ege.values("subject"),
    ).values_list("year", "subject", "grade", "score")
    by_work = {(year, subject, grade): score for year, subject, grade, score in minimums}
    return {
        pk: by_work[(year, subject, grade)]
        for pk, year, subject, grade in ege.values_list("pk", "year", "subject", "grade")
        if (year, subject, grade) in by_work
    }


@cached
def gia_figures(
    assessments,
    *,
    level: Level,
    schools: Ids = None,
    municipalities: Ids = None,
    region: str | None = None,
) -> dict[Key, GiaFigures]:
    """Participants, mean score, below the minimum (ЕГЭ: a test score under the year's
    minimum; ОГЭ, ГВЭ and the базовый уровень of ЕГЭ mathematics: a «2»), 81–100 and 100
    test points (ЕГЭ with test scores); in three queries."""
    works = {
        pk: (kind, title)
        for pk, kind, title in Assessment.objects.filter(
            pk__in=_ids(assessments), kind__in=GIA_KINDS
        ).values_list("pk", "kind", "title")
    }
    kinds = {pk: kind for pk, (kind, _) in works.items()}
    tested = {
        pk
        for pk, (kind, title) in works.items()
        if kind == AssessmentKind.EGE and title != BASE_MATH_TITLE
    }
    minimums = minimum_scores(tested)
    below = Q(result_set__assessment__in=[pk for pk in works if pk not in tested], mark=2)
    for pk, score in minimums.items():
        below |= Q(result_set__assessment=pk, test_score__lt=score)
    rows = _grouped(
        _participants(list(kinds), schools, municipalities, region),
        level,
        participants=Count("pk"),
        mean_primary=Avg("primary_score"),
        mean_test=Avg("test_score"),
        below=Count("pk", filter=below),
        high=Count("pk", filter=Q(test_score__gte=81, test_score__lte=100)),
        full=Count("pk", filter=Q(test_score=100)),
    )
    figures = {}
    for key, row in rows:
        kind = kinds[key[0]]
        ege = key[0] in tested
        mean = row["mean_test"] if ege else row["mean_primary"]
        figures[key] = GiaFigures(
            kind=kind,
            participants=row["participants"],
            mean=float(mean) if mean is not None else None,
            below=row["below"] if not ege or key[0] in minimums else None,
            high=row["high"] if ege else None,
            full=row["full"] if ege else None,
        )
    return figures


@cached
def task_success(
    assessments,
    *,
    level: Level,
    schools: Ids = None,
    municipalities: Ids = None,
    region: str | None = None,
) -> dict[Key, list[TaskSuccess]]:
    """Each task's success, in the order of the work: the sum of the scores over the
    participants counted times the task's maximum; a task not attempted scores 0. Three
    queries: the tasks, the participants, the sums."""
    tasks = defaultdict(list)
    for task in AssessmentTask.objects.filter(assessment__in=_ids(assessments)).order_by(
        "assessment", "position"
    ):
        tasks[task.assessment_id].append(task)
    counts = {
        key: row["participants"]
        for key, row in _kept_grouped(
            ResultSetFigures,
            MunicipalityFigures,
            assessments,
            level,
            schools,
            municipalities,
            region,
            participants=Sum("participants"),
        )
    }
    points = {
        (key, row["task"]): row["points"] or 0
        for key, row in _kept_grouped(
            ResultSetTaskPoints,
            MunicipalityTaskPoints,
            assessments,
            level,
            schools,
            municipalities,
            region,
            extra=("task",),
            points=Sum("points"),
        )
    }
    return {
        key: [
            TaskSuccess(
                task_id=task.pk,
                number=task.number,
                max_score=task.max_score,
                level=task.level,
                percent=share(points.get((key, task.pk), 0), total * task.max_score),
            )
            for task in tasks[key[0]]
        ]
        for key, total in counts.items()
    }


@cached
def tested_units(assessments, *, municipalities) -> dict[tuple[int, int], bool]:
    """(work, municipality) for each of these works with results of a school of these
    municipalities. Cached work by work: for a region it reads all its result sets (36,000
    over three years, 21 ms), which change only with a load, and a load raises the version."""
    return dict.fromkeys(
        ResultSet.objects.filter(
            assessment__in=_ids(assessments), organization__municipality__in=municipalities
        )
        .values_list("assessment", "organization__municipality")
        .distinct()
        .order_by(),
        True,
    )


def _score_marks(assessments) -> QuerySet:
    """(work, primary score, mark, participants) as the loads counted them."""
    return WorkScoreMarks.objects.filter(assessment__in=_ids(assessments)).values_list(
        "assessment", "primary_score", "mark", "participants"
    )


@cached
def mark_boundaries(assessments) -> dict[int, dict[int, int]]:
    """Each work's mark boundaries as the data shows them, from every participant the portal
    holds: for mark 3, 4 and 5, the lowest primary score at which more than half of the
    participants with that score got that mark or better. On consistent data this is the
    lowest score seen with the mark; a few mistyped marks do not move it. One query."""
    table = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for assessment, score, mark, count in _score_marks(assessments):
        table[assessment][score][mark] += count
    boundaries = {}
    for assessment, by_score in table.items():
        found = {}
        for mark in MARKS[1:]:
            for score in sorted(by_score):
                marks = by_score[score]
                at_least = sum(n for m, n in marks.items() if m >= mark)
                if 2 * at_least > sum(marks.values()):
                    found[mark] = score
                    break
        boundaries[assessment] = found
    return boundaries


def boundary_peaks(counts: tuple[int, ...] | list[int], boundaries: Mapping[int, int]) -> set:
    """The boundary scores that stand out: a local maximum (more than the score just below,
    no fewer than the one just above), at least PEAK_RATIO times the mean of the two scores
    below, and at least PEAK_MIN participants. Marking that pulls pupils over a boundary
    shows as such a peak with a dip just below it (ФИОКО)."""
    peaks = set()
    for score in boundaries.values():
        if score < 1 or score >= len(counts):
            continue
        here = counts[score]
        below = counts[max(score - 2, 0) : score]
        above = counts[score + 1] if score + 1 < len(counts) else 0
        if (
            here >= PEAK_MIN
            and here > counts[score - 1]
            and here >= above
            and here >= PEAK_RATIO * sum(below) / len(below)
        ):
            peaks.add(score)
    return peaks


def score_histograms(
    assessments,
    *,
    level: Level,
    schools: Ids = None,
    municipalities: Ids = None,
    region: str | None = None,
    boundaries: Mapping[int, Mapping[int, int]] | None = None,
) -> dict[Key, Histogram]:
    """The primary-score distribution of each unit with the boundary peaks flagged. Pass the
    `boundaries` of `mark_boundaries` when they are already known, to save its query."""
    if boundaries is None:
        boundaries = mark_boundaries(assessments)
    maximums = dict(
        Assessment.objects.filter(pk__in=_ids(assessments)).values_list("pk", "max_primary")
    )
    rows = _grouped(
        _participants(assessments, schools, municipalities, region),
        level,
        extra=("primary_score",),
        count=Count("pk"),
    )
    by_key = defaultdict(dict)
    for key, row in rows:
        by_key[key][row["primary_score"]] = row["count"]
    histograms = {}
    for key, by_score in by_key.items():
        top = max(maximums.get(key[0]) or 0, *by_score)
        counts = tuple(by_score.get(score, 0) for score in range(top + 1))
        work_boundaries = dict(boundaries.get(key[0], {}))
        histograms[key] = Histogram(
            counts=counts,
            boundaries=work_boundaries,
            peaks=frozenset(boundary_peaks(counts, work_boundaries)),
        )
    return histograms


def two_trend(shares: Mapping[int, float | None], *, years: int = 5) -> Trend:
    """The share of «2» over the last `years` years that have a figure."""
    points = sorted(shares.items())[-years:]
    return Trend(points=tuple(points))


WorkKey = tuple[str, int, int, str]  # kind, subject id, grade, title


def twos_over_years(
    assessments,
    *,
    level: Level,
    schools: Ids = None,
    municipalities: Ids = None,
    region: str | None = None,
) -> dict[tuple[WorkKey, int | None], Trend]:
    """The share of «2» of each work (the same kind, subject, grade and title) over the years
    of the given assessments, per unit; in two queries."""
    works = {
        pk: ((kind, subject, grade, title), year)
        for pk, kind, subject, grade, title, year in Assessment.objects.filter(
            pk__in=_ids(assessments)
        ).values_list("pk", "kind", "subject", "grade", "title", "year")
    }
    series = defaultdict(dict)
    for (assessment, unit), figures in work_figures(
        list(works), level=level, schools=schools, municipalities=municipalities, region=region
    ).items():
        work, year = works[assessment]
        series[(work, unit)][year] = figures.twos
    return {key: two_trend(shares) for key, shares in series.items()}


def _ids(assessments):
    """Ids for a `pk__in`: a queryset stays a subquery, objects become their keys."""
    if isinstance(assessments, QuerySet):
        return assessments.values("pk") if assessments.model is Assessment else assessments
    return [getattr(item, "pk", item) for item in assessments]
