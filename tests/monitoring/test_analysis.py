"""Each indicator of the analysis against the values worked out by hand in results_data."""

import pytest

from monitoring import analysis
from monitoring.analysis import GiaFigures, Level, Mastery, WorkFigures
from monitoring.gia import BASE_MATH_TITLE
from monitoring.models import (
    Assessment,
    MinimumScore,
    Participant,
    ResultSet,
)
from monitoring.summaries import summarize

from . import results_data
from .factories import make_world

approx = pytest.approx


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def work(world):
    return results_data.load_small_file(world)


def school_figures(world, work) -> WorkFigures:
    return analysis.work_figures([work], level=Level.SCHOOL, schools=[world.school.pk])[
        (work.pk, world.school.pk)
    ]


def test_it_counts_the_marks_distribution_of_a_school(world, work):
    figures = school_figures(world, work)

    assert figures.participants == 8
    assert figures.marks == {2: 2, 3: 3, 4: 2, 5: 1}
    assert figures.shares == [(2, 25.0), (3, 37.5), (4, 25.0), (5, 12.5)]


def test_it_computes_knowledge_quality_and_success(world, work):
    figures = school_figures(world, work)

    assert figures.quality == 37.5
    assert figures.success == 75.0


def test_it_computes_the_mean_primary_score(world, work):
    assert school_figures(world, work).mean_primary == approx(19 / 8)


def test_it_compares_the_work_with_the_journal_among_those_who_have_a_journal_mark(world, work):
    figures = school_figures(world, work)

    assert (figures.lower, figures.same, figures.higher) == (3, 3, 1)
    assert figures.lower_share == approx(300 / 7)
    assert figures.same_share == approx(300 / 7)
    assert figures.higher_share == approx(100 / 7)


def test_it_gives_every_school_of_a_level_its_own_figures(world, work):
    figures = analysis.work_figures([work], level=Level.SCHOOL)

    assert figures[(work.pk, world.other_school.pk)].marks == {2: 0, 3: 0, 4: 1, 5: 1}
    assert figures[(work.pk, world.foreign_school.pk)].marks == {2: 1, 3: 0, 4: 1, 5: 0}
    assert len(figures) == 3


def test_the_municipality_counts_all_its_schools_and_no_others(world, work):
    figures = analysis.work_figures([work], level=Level.MUNICIPALITY)[
        (work.pk, world.municipality.pk)
    ]

    assert figures.participants == 10
    assert figures.shares == [(2, 20.0), (3, 30.0), (4, 30.0), (5, 20.0)]
    assert figures.mean_primary == approx(2.7)
    assert (figures.lower, figures.same, figures.higher) == (4, 4, 1)


def test_the_region_counts_every_municipality(world, work):
    figures = analysis.work_figures([work], level=Level.REGION)[(work.pk, None)]

    assert figures.participants == 12
    assert figures.marks == {2: 3, 3: 3, 4: 4, 5: 2}
    assert figures.mean_primary == approx(31 / 12)
    assert figures.quality == 50.0


def test_figures_from_fewer_than_twenty_participants_are_unreliable(world, work):
    assert school_figures(world, work).unreliable
    assert WorkFigures(participants=19, marks={3: 19}, mean_primary=3).unreliable
    assert not WorkFigures(participants=20, marks={3: 20}, mean_primary=3).unreliable


def test_task_success_counts_a_task_not_attempted_as_zero(world, work):
    tasks = analysis.task_success([work], level=Level.SCHOOL, schools=[world.school.pk])[
        (work.pk, world.school.pk)
    ]

    assert [t.number for t in tasks] == ["1", "2", "3"]
    assert [t.percent for t in tasks] == [75.0, 56.25, 25.0]
    assert [t.verdict for t in tasks] == [
        Mastery.MASTERED,
        Mastery.NOT_MASTERED,
        Mastery.NOT_MASTERED,
    ]


def test_task_success_of_the_municipality_and_the_region(world, work):
    municipal = analysis.task_success([work], level=Level.MUNICIPALITY)[
        (work.pk, world.municipality.pk)
    ]
    regional = analysis.task_success([work], level=Level.REGION)[(work.pk, None)]

    assert [t.percent for t in municipal] == [80.0, 60.0, 35.0]
    assert [t.verdict for t in municipal] == [Mastery.MASTERED] * 3
    assert [t.percent for t in regional] == approx([75.0, 1400 / 24, 800 / 24])
    assert [t.verdict for t in regional] == [
        Mastery.MASTERED,
        Mastery.BORDERLINE,
        Mastery.MASTERED,
    ]


@pytest.mark.parametrize(
    ("level", "percent", "verdict"),
    [
        ("Б", 60.0, Mastery.MASTERED),
        ("Б", 59.9, Mastery.BORDERLINE),
        ("Б", 57.0, Mastery.BORDERLINE),
        ("Б", 56.9, Mastery.NOT_MASTERED),
        ("П", 30.0, Mastery.MASTERED),
        ("П", 28.5, Mastery.BORDERLINE),
        ("П", 28.4, Mastery.NOT_MASTERED),
        ("", 90.0, None),
    ],
)
def test_mastery_follows_the_fioko_thresholds(level, percent, verdict):
    assert analysis.mastery(level, percent) == verdict


def test_mark_boundaries_are_the_lowest_score_of_each_mark(world, work):
    assert analysis.mark_boundaries([work]) == {work.pk: {3: 2, 4: 3, 5: 5}}


def test_a_mistyped_mark_does_not_move_a_boundary(world, work):
    result_set = ResultSet.objects.get(assessment=work, organization=world.foreign_school)
    Participant.objects.bulk_create(
        Participant(result_set=result_set, code=f"3100{n}", primary_score=1, mark=2)
        for n in range(2)
    )
    summarize([result_set.pk])
    Participant.objects.filter(code="10007").update(mark=5)  # one «5» of three at 1 point

    assert analysis.mark_boundaries([work]) == {work.pk: {3: 2, 4: 3, 5: 5}}


def test_the_histogram_counts_participants_by_primary_score(world, work):
    histogram = analysis.score_histograms([work], level=Level.SCHOOL, schools=[world.school.pk])[
        (work.pk, world.school.pk)
    ]

    assert histogram.counts == (1, 1, 3, 1, 1, 1)
    assert histogram.boundaries == {3: 2, 4: 3, 5: 5}
    assert histogram.peaks == frozenset()  # three at the boundary are too few to tell


def test_a_crowd_at_a_mark_boundary_is_flagged(world, work):
    result_set = ResultSet.objects.get(assessment=work, organization=world.school)
    Participant.objects.bulk_create(
        Participant(result_set=result_set, code=f"1100{n}", primary_score=2, mark=3)
        for n in range(4)
    )
    summarize([result_set.pk])

    histogram = analysis.score_histograms([work], level=Level.SCHOOL, schools=[world.school.pk])[
        (work.pk, world.school.pk)
    ]

    assert histogram.counts == (1, 1, 7, 1, 1, 1)
    assert histogram.peaks == {2}
    assert histogram.peak_marks == [3]


@pytest.mark.parametrize(
    ("counts", "boundary", "peaks"),
    [
        ([2, 3, 9, 4, 2], 2, {2}),  # 9 ≥ 1.5 × 2.5, above both neighbours
        ([6, 7, 9, 6, 2], 2, set()),  # 9 < 1.5 × 6.5: a smooth rise
        ([0, 1, 4, 1, 0], 2, set()),  # fewer than five participants
        ([2, 3, 9, 10, 2], 2, set()),  # not a local maximum
        ([9, 3, 2, 1, 0], 0, set()),  # nothing below the boundary to compare with
        ([1, 6, 2, 1, 0], 1, {1}),  # one score below is enough
    ],
)
def test_boundary_peaks_rule(counts, boundary, peaks):
    assert analysis.boundary_peaks(counts, {3: boundary}) == peaks


def test_the_share_of_twos_over_the_years_and_a_rise_of_ten_points(world):
    # The last year against the mean of the 2–4 earlier ones, as on the risk list.
    assert analysis.two_trend({2023: 10.0, 2024: 15.0, 2025: 22.5}).worrying
    assert not analysis.two_trend({2023: 10.0, 2024: 15.0, 2025: 22.4}).worrying
    # One earlier year is not a trend.
    assert analysis.two_trend({2024: 10.0, 2025: 40.0}).rise is None
    trend = analysis.two_trend({2021: 0.0, 2022: 5.0, 2023: 5.0, 2024: 5.0, 2025: 20.0})
    assert trend.earlier_years == [2021, 2022, 2023, 2024]
    assert trend.rise_text == "в 2025 г. на 16,3 п. п. выше, чем в среднем за 2021–2024"
    trend = analysis.two_trend(dict.fromkeys(range(2018, 2026), 5.0))
    assert [year for year, _share in trend.points] == [2021, 2022, 2023, 2024, 2025]


def test_twos_over_years_reads_the_same_work_of_several_years(world):
    rows = results_data.rows_of(world)
    results_data.load_rows(rows, year=2024, held_on="16.04.2024")
    for line in rows:
        if line.code in ("10001", "10002", "10003"):
            line.scores, line.primary, line.mark = [0, 0, 0], 0, 2
    work = results_data.load_rows(rows, year=2025)

    trends = analysis.twos_over_years(
        Assessment.objects.filter(subject=work.subject), level=Level.SCHOOL
    )

    trend = trends[(("vpr", work.subject_id, 5, ""), world.school.pk)]
    assert trend.points == ((2024, 25.0), (2025, 62.5))
    # Two years are a trend to draw but not a rise to warn of: that takes 2–4 earlier years.
    assert trend.rise is None
    assert not trend.worrying


def gia_work(world, kind, *, scores, marks=None, year=2025, grade=11):
    work = Assessment.objects.create(
        kind=kind, year=year, subject=world.subject, grade=grade, max_primary=31
    )
    result_set = ResultSet.objects.create(
        assessment=work, organization=world.school, participants=len(scores), digest="-"
    )
    Participant.objects.bulk_create(
        Participant(
            result_set=result_set,
            code=f"{n:05d}",
            primary_score=primary,
            test_score=test,
            mark=marks[n] if marks else None,
        )
        for n, (primary, test) in enumerate(scores)
    )
    summarize([result_set.pk])
    return work


def test_ege_counts_below_the_minimum_81_to_100_and_100(world):
    work = gia_work(
        world, "ege", scores=[(5, 20), (8, 27), (15, 50), (25, 81), (28, 95), (31, 100), (31, 100)]
    )
    MinimumScore.objects.create(kind="ege", year=2025, subject=world.subject, grade=11, score=27)

    figures = analysis.gia_figures([work], level=Level.SCHOOL)[(work.pk, world.school.pk)]

    assert figures == GiaFigures(
        kind="ege", participants=7, mean=approx(473 / 7), below=1, high=4, full=2
    )
    assert figures.below_share == approx(100 / 7)
    assert figures.high_share == approx(400 / 7)
    assert figures.full_share == approx(200 / 7)


def test_ege_without_a_minimum_has_no_share_below_it(world):
    work = gia_work(world, "ege", scores=[(5, 20), (25, 81)])

    figures = analysis.gia_figures([work], level=Level.REGION)[(work.pk, None)]

    assert figures.below is None and figures.below_share is None
    assert figures.high == 1


def test_base_level_ege_mathematics_counts_its_twos_not_the_profile_minimum(world):
    work = gia_work(world, "ege", scores=[(3, None), (9, None), (15, None)], marks=[2, 4, 5])
    work.title = BASE_MATH_TITLE
    work.save(update_fields=["title"])
    MinimumScore.objects.create(kind="ege", year=2025, subject=world.subject, grade=11, score=27)

    figures = analysis.gia_figures([work], level=Level.SCHOOL)[(work.pk, world.school.pk)]

    assert figures.below == 1 and figures.mean == approx(9)
    assert figures.high is None and figures.full is None
    assert analysis.minimum_scores([work]) == {}


def test_oge_counts_a_two_as_below_the_minimum_and_means_primary_scores(world):
    work = gia_work(
        world,
        "oge",
        scores=[(3, None), (6, None), (10, None), (15, None), (20, None)],
        marks=[2, 2, 3, 4, 5],
        grade=9,
    )

    figures = analysis.gia_figures([work], level=Level.MUNICIPALITY)[
        (work.pk, world.municipality.pk)
    ]

    assert figures.participants == 5
    assert figures.mean == approx(54 / 5)
    assert figures.below == 2 and figures.below_share == 40.0
    assert figures.high is None and figures.full is None
