"""The figures a load keeps per school's results, the cache kept work by work, and the figures
counted ahead after a load: exact against a recomputation from the rows, and fast because they
are not recomputed."""

import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, F, Q, Sum
from django.test.utils import CaptureQueriesContext

from monitoring import analysis, bulk, figures_cache, summaries
from monitoring.analysis import Level
from monitoring.models import (
    Assessment,
    MunicipalityFigures,
    MunicipalityTaskPoints,
    Participant,
    ResultSet,
    ResultSetFigures,
    ResultSetTaskPoints,
    TaskScore,
)
from monitoring.tasks import load_batch

from . import results_data
from .factories import checked, make_world, school_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    cache.clear()
    return make_world()


@pytest.fixture
def work(world):
    return results_data.load_small_file(world)


def recounted(result_set: ResultSet) -> dict:
    """The figures of one school's results counted from its participants, as before."""
    rows = Participant.objects.filter(result_set=result_set).aggregate(
        participants=Count("pk"),
        primary_sum=Sum("primary_score"),
        lower=Count("pk", filter=Q(mark__lt=F("journal_mark"))),
        same=Count("pk", filter=Q(mark=F("journal_mark"))),
        higher=Count("pk", filter=Q(mark__gt=F("journal_mark"))),
        **{f"m{mark}": Count("pk", filter=Q(mark=mark)) for mark in (2, 3, 4, 5)},
    )
    return rows


def kept(result_set: ResultSet) -> dict:
    figures = ResultSetFigures.objects.get(result_set=result_set)
    return {name: getattr(figures, name) for name in recounted(result_set)}


def test_a_load_keeps_each_schools_figures_as_its_rows_say(world, work):
    result_sets = ResultSet.objects.filter(assessment=work)
    assert result_sets.count() == 3
    for result_set in result_sets:
        assert kept(result_set) == recounted(result_set)
        points = dict(
            TaskScore.objects.filter(participant__result_set=result_set)
            .values("task")
            .annotate(points=Sum("score"))
            .values_list("task", "points")
        )
        stored = dict(
            ResultSetTaskPoints.objects.filter(result_set=result_set).values_list("task", "points")
        )
        assert stored == {task: value or 0 for task, value in points.items()}
    school = result_sets.get(organization=world.school)
    # As the file worked out by hand says (results_data): 2/3/2/1, 19 points, 3/3/1.
    assert kept(school) == {
        "participants": 8,
        "primary_sum": 19,
        "lower": 3,
        "same": 3,
        "higher": 1,
        "m2": 2,
        "m3": 3,
        "m4": 2,
        "m5": 1,
    }


def test_the_municipalitys_and_the_regions_figures_add_up_the_kept_ones(world, work):
    municipal = analysis.work_figures(
        [work], level=Level.MUNICIPALITY, municipalities=[world.municipality.pk]
    )[(work.pk, world.municipality.pk)]
    assert municipal.participants == 10
    assert municipal.marks == {2: 2, 3: 3, 4: 3, 5: 2}
    assert municipal.mean_primary == pytest.approx(2.7)
    assert (municipal.lower, municipal.same, municipal.higher) == (4, 4, 1)
    region = analysis.work_figures([work], level=Level.REGION)[(work.pk, None)]
    assert region.participants == 12 and region.marks == {2: 3, 3: 3, 4: 4, 5: 2}
    assert region.mean_primary == pytest.approx(31 / 12)
    tasks = analysis.task_success([work], level=Level.REGION)[(work.pk, None)]
    assert [round(t.percent, 2) for t in tasks] == [75.0, 58.33, 33.33]


def test_a_corrected_file_replaces_the_kept_figures_and_raises_the_works_version(world, work):
    before = Assessment.objects.get(pk=work.pk).results_version
    rows = results_data.rows_of(world)
    for line in rows:
        if line.code == "10001":
            line.scores, line.primary, line.mark = [0, 0, 0], 0, 2
    results_data.load_rows(rows)
    school = ResultSet.objects.get(assessment=work, organization=world.school)
    assert kept(school) == recounted(school)
    assert kept(school)["m2"] == 3 and kept(school)["primary_sum"] == 14
    assert Assessment.objects.get(pk=work.pk).results_version == before + 1


def figure_queries(captured) -> int:
    """Queries reading kept figures: a school's, or a municipality's sums of them."""
    tables = (ResultSetFigures._meta.db_table, MunicipalityFigures._meta.db_table)
    return sum(
        any(table in query["sql"] for table in tables) for query in captured.captured_queries
    )


def test_a_load_of_one_work_leaves_the_other_works_figures_cached(world, work):
    other = results_data.load_small_file(world, grade=6)
    with figures_cache.results_cache():
        analysis.work_figures([work, other], level=Level.REGION)
    # «Математика 6» is loaded again (a corrected file): «Математика 5» stays warm.
    rows = results_data.rows_of(world)
    rows[0].mark = 4
    results_data.load_rows(rows, grade=6)
    with figures_cache.results_cache(), CaptureQueriesContext(connection) as captured:
        warm = analysis.work_figures([work], level=Level.REGION)
    assert figure_queries(captured) == 0
    assert warm[(work.pk, None)].participants == 12
    with figures_cache.results_cache(), CaptureQueriesContext(connection) as captured:
        fresh = analysis.work_figures([work, other], level=Level.REGION)
    # Only the work loaded again is counted, in one query.
    assert figure_queries(captured) == 1
    assert fresh[(other.pk, None)].marks[4] == 5 and fresh[(other.pk, None)].marks[5] == 1


def test_a_figure_being_counted_elsewhere_is_waited_for_not_counted_again(world, work):
    kwargs = {"level": Level.REGION}
    with figures_cache.results_cache():
        versions, minimums = figures_cache._versions.get()
        key = figures_cache.cache_key(
            analysis.work_figures.__wrapped__, work.pk, kwargs, versions[work.pk], minimums
        )
        # Another worker holds the lock and stores the value a moment later.
        cache.add(key + ":computing", 1, 30)
        value = {(work.pk, None): "посчитано другим"}
        threading.Timer(0.3, lambda: cache.set(key, value)).start()
        began = time.monotonic()
        with CaptureQueriesContext(connection) as captured:
            found = analysis.work_figures([work], **kwargs)
        assert found == value
        assert figure_queries(captured) == 0
        assert time.monotonic() - began >= 0.25
        cache.delete(key + ":computing")


def test_a_lock_left_without_a_value_is_not_waited_for_to_the_end(world, work, monkeypatch):
    monkeypatch.setattr(figures_cache, "WAIT_SECONDS", 30)
    with figures_cache.results_cache():
        versions, minimums = figures_cache._versions.get()
        key = figures_cache.cache_key(
            analysis.work_figures.__wrapped__,
            work.pk,
            {"level": Level.REGION},
            versions[work.pk],
            minimums,
        )
        cache.add(key + ":computing", 1, 30)
        threading.Timer(0.2, lambda: cache.delete(key + ":computing")).start()
        began = time.monotonic()
        found = analysis.work_figures([work], level=Level.REGION)
    assert found[(work.pk, None)].participants == 12
    assert time.monotonic() - began < 5


def test_the_load_task_counts_the_cold_figures_ahead(world):
    batch = checked(world, school_file(25))
    from monitoring import services

    services.batch_confirm(actor=world.methodist, batch=batch, queue=False)
    assert load_batch(batch.pk) is True
    work = ResultSet.objects.get(batch=batch).assessment
    # The school page's municipal and regional figures are ready: no figures query above
    # the school.
    with figures_cache.results_cache(), CaptureQueriesContext(connection) as captured:
        municipal = analysis.work_figures(
            [work], level=Level.MUNICIPALITY, municipalities=[world.municipality.pk]
        )
        analysis.work_figures([work], level=Level.REGION, region=world.municipality.region)
        analysis.task_success(
            [work], level=Level.MUNICIPALITY, municipalities=[world.municipality.pk]
        )
        analysis.task_success([work], level=Level.REGION, region=world.municipality.region)
    assert figure_queries(captured) == 0
    assert municipal[(work.pk, world.municipality.pk)].participants == 25


def test_summarize_counts_again_what_a_direct_write_changed(world, work):
    school = ResultSet.objects.get(assessment=work, organization=world.school)
    Participant.objects.filter(result_set=school, code="10007").update(mark=5)
    summaries.summarize([school.pk])
    assert kept(school) == recounted(school)
    assert kept(school)["m5"] == 2


def test_the_loaders_tally_counts_what_summarize_counts_from_the_rows(world, work):
    """ЕГЭ rows have no mark; a task left blank is NULL; a journal mark may be missing."""
    result_set = ResultSet.objects.get(assessment=work, organization=world.other_school)
    bulk.delete(TaskScore.objects.filter(participant__result_set=result_set))
    bulk.delete(Participant.objects.filter(result_set=result_set))
    tasks = list(work.tasks.order_by("position").values_list("pk", flat=True))
    rows = [
        ["1", "11А", 1, 4, 60, None, 4, [1, 2, 1]],
        ["2", "11А", 2, 0, None, None, None, [None, 0, None]],
        ["3", "11Б", 1, 5, None, 5, 4, [1, 2, 2]],
        ["4", "11Б", 1, 2, None, 3, None, [0, 2, None]],
        ["5", "11Б", 1, 1, None, 2, 3, [1, 0, 0]],
    ]
    tally = summaries.Tally()
    bulk.ResultWriter(tasks, total=len(rows), tally=tally).write(
        (result_set.pk, row) for row in rows
    )
    tally.keep([result_set.pk])
    counted = kept(result_set)
    points = dict(
        ResultSetTaskPoints.objects.filter(result_set=result_set).values_list("task", "points")
    )

    summaries.summarize([result_set.pk])

    assert counted == kept(result_set) == recounted(result_set)
    assert counted == {
        "participants": 5,
        "primary_sum": 12,
        "lower": 1,
        "same": 0,
        "higher": 1,
        **{"m2": 1, "m3": 1, "m4": 0, "m5": 1},
    }
    assert points == dict(
        ResultSetTaskPoints.objects.filter(result_set=result_set).values_list("task", "points")
    )
    assert list(points.values()) == [3, 6, 3]
    assert tally.scores == 15


def test_a_tally_replaces_the_figures_of_a_result_set_left_without_rows(world, work):
    result_set = ResultSet.objects.get(assessment=work, organization=world.other_school)
    before = Assessment.objects.get(pk=work.pk).results_version

    summaries.Tally().keep([result_set.pk])

    assert not ResultSetFigures.objects.filter(result_set=result_set).exists()
    assert not ResultSetTaskPoints.objects.filter(result_set=result_set).exists()
    assert Assessment.objects.get(pk=work.pk).results_version == before + 1


def test_each_municipalitys_sums_are_its_schools_kept_figures_after_a_correction(world, work):
    rows = results_data.rows_of(world)
    for line in rows:
        if line.code == "20001":
            line.scores, line.primary, line.mark = [0, 1, 0], 1, 2
    results_data.load_rows(rows)

    for municipality in (world.municipality, world.foreign_school.municipality):
        schools = ResultSetFigures.objects.filter(
            result_set__assessment=work, result_set__organization__municipality=municipality
        )
        added = {name: sum(getattr(f, name) for f in schools) for name in summaries.FIELDS}
        kept_sums = MunicipalityFigures.objects.get(assessment=work, municipality=municipality)
        assert {name: getattr(kept_sums, name) for name in summaries.FIELDS} == added
        points = dict(
            MunicipalityTaskPoints.objects.filter(
                assessment=work, municipality=municipality
            ).values_list("task", "points")
        )
        assert points == dict(
            ResultSetTaskPoints.objects.filter(result_set__in=schools.values("result_set"))
            .values("task")
            .annotate(total=Sum("points"))
            .values_list("task", "total")
        )
    assert MunicipalityFigures.objects.get(assessment=work, municipality=world.municipality).m2 == 3


def test_the_locks_of_a_pages_figures_are_taken_in_one_round_trip(db):
    from tutoring.cache import add_many

    cache.set("lock:b", "held", 30)
    assert add_many(["lock:a", "lock:b", "lock:c"], 1, 30) == [True, False, True]
    assert cache.get_many(["lock:a", "lock:b", "lock:c"]) == {
        "lock:a": 1,
        "lock:b": "held",
        "lock:c": 1,
    }
    assert 0 < cache._cache.get_client().ttl(cache.make_key("lock:a")) <= 30
    cache.delete_many(["lock:a", "lock:b", "lock:c"])
