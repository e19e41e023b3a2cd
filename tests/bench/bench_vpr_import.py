"""A region's year of ВПР through the importer: 1,500 schools, 8 works, some 300,000
participants and 4 million task scores, one municipal-style «Ф1» file per work (as a regional
coordinator downloads them), loaded as `manage.py import_vpr` loads them, into tables that
already hold the three years before (12 million task scores at full scale).

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_vpr_import.py -s -o python_files='bench_*.py'

BENCH_SCALE=small runs a tenth. For each file it prints the time to read and check it (the
staging file included) and to load it, committed, then the totals in rows per second beside
a raw COPY of the same rows, committed, into copies of the tables holding the same three years
with the same indexes and no foreign keys: the ceiling the loader is measured against (the
issue's target: the load within twice its time). It asserts counts, never timings.
"""

import os
import resource
import time

import pytest
from django.db import connection, transaction

from monitoring import services
from monitoring.models import ImportBatch, Participant, TaskScore
from monitoring.vpr import read_f1
from tests.monitoring import f1files
from tests.monitoring.factories import upload
from tests.tutoring.factories import MunicipalityFactory, SubjectFactory
from tutoring.models import Organization

SCALES = {"full": (1_500, 300_000), "small": (150, 30_000)}
# (subject, grade, number of tasks): 13.3 tasks on average, 4 million scores at full scale.
WORKS = [
    ("Математика", 4, 12),
    ("Русский язык", 4, 15),
    ("Математика", 5, 10),
    ("Русский язык", 5, 12),
    ("Математика", 6, 13),
    ("Русский язык", 6, 15),
    ("Математика", 7, 16),
    ("История", 5, 14),
]


def tasks_of(count: int) -> list[tuple[str, int, str]]:
    return [(str(n), 1 + n % 3, "Б" if n <= count * 0.7 else "П") for n in range(1, count + 1)]


def schools(count: int) -> list[tuple[str, str]]:
    municipalities = [MunicipalityFactory() for _ in range(10)]
    created = Organization.objects.bulk_create(
        Organization(
            municipality=municipalities[n % 10],
            kind=Organization.Kind.SCHOOL,
            short_name=f"МБОУ СОШ № {n}",
            name=f"МБОУ СОШ № {n}",
            fis_oko_login=f"edu{500000 + n:06d}",
        )
        for n in range(1, count + 1)
    )
    return [(school.fis_oko_login, school.short_name) for school in created]


PRIOR_YEARS = (2022, 2023, 2024)
RAW = {"participant": "bench_raw_participant", "score": "bench_raw_taskscore"}


def three_years(school_count: int, participants: int) -> tuple[int, int]:
    """The three years before, as bench_analysis generates them (in SQL, with their kept
    figures), for other schools of the same size: the tables the load writes into hold what
    a region's tables hold by its fourth year. Copies of both tables with the same rows and
    the same indexes, and no foreign keys, are the raw COPY's target."""
    from tests.bench import bench_analysis  # it imports this module's works

    schools = bench_analysis._schools(10, school_count)
    works = bench_analysis.vpr_works(PRIOR_YEARS)
    bench_analysis.vpr_results(works, schools, participants // len(WORKS) // school_count)
    with connection.cursor() as cursor:
        for name, model in ((RAW["participant"], Participant), (RAW["score"], TaskScore)):
            table = model._meta.db_table
            cursor.execute(f"CREATE TABLE {name} (LIKE {table} INCLUDING ALL)")
            cursor.execute(f"INSERT INTO {name} SELECT * FROM {table}")
        cursor.execute(f"ANALYZE {Participant._meta.db_table}, {TaskScore._meta.db_table}")
        cursor.execute(f"ANALYZE {RAW['participant']}, {RAW['score']}")
    return Participant.objects.count(), TaskScore.objects.count()


def drop_raw_tables() -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RAW['participant']}, {RAW['score']}")


def raw_copy(rows: list[tuple[int, list]]) -> float:
    """COPY of the same participants and scores into the copies of the real tables (the same
    three years, the same indexes), committed, with nothing else: no reading, no checking, no
    staging, no foreign keys."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT max(id) FROM {RAW['participant']}")
        first = (cursor.fetchone()[0] or 0) + 1
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(
            f"COPY {RAW['participant']} (id, result_set_id, code, class_name, variant, "
            "primary_score, test_score, mark, journal_mark) FROM STDIN"
        ) as copy:
            for pk, (result_set, row) in enumerate(rows, start=first):
                copy.write_row((pk, result_set, *row[:7]))
        with raw.copy(f"COPY {RAW['score']} (participant_id, task_id, score) FROM STDIN") as copy:
            for pk, (_result_set, row) in enumerate(rows, start=first):
                for task, score in enumerate(row[7], start=1):
                    copy.write_row((pk, task, score))
    return time.perf_counter() - started


# Real commits: a load's foreign keys are checked at COMMIT, which a test transaction never
# reaches.
@pytest.mark.django_db(transaction=True)
def test_it_reports_the_import_of_a_region_sized_year():
    scale = os.environ.get("BENCH_SCALE", "full")
    if scale not in SCALES:
        pytest.fail(f"BENCH_SCALE is one of: {', '.join(SCALES)}")
    school_count, participants = SCALES[scale]
    try:
        _report(school_count, participants)
    finally:
        drop_raw_tables()


def _report(school_count: int, participants: int) -> None:
    started = time.perf_counter()
    prior_participants, prior_scores = three_years(school_count, participants)
    print(
        f"\nthree years before: {prior_participants:,} participants, {prior_scores:,} task "
        f"scores, generated in {time.perf_counter() - started:.0f} s"
    )
    logins = schools(school_count)
    per_work = participants // len(WORKS)
    print(f"{school_count:,} schools, {len(WORKS)} works, {per_work:,} participants each")
    print(f"{'work':<24} {'file MB':>8} {'read s':>7} {'check s':>8} {'load s':>7}")
    totals = {"read": 0.0, "check": 0.0, "load": 0.0, "participants": 0, "scores": 0}
    same_rows: list[tuple[int, list]] = []
    for index, (subject, grade, task_count) in enumerate(WORKS):
        SubjectFactory(name=subject)
        tasks = tasks_of(task_count)
        rows = f1files.generated_rows(per_work, tasks, seed=index, logins=logins, grade=grade)
        data = f1files.f1_file(
            rows,
            tasks=tasks,
            subject=subject,
            grade=grade,
            municipal=True,
            with_names=False,
            extra_sheet=False,
        )
        del rows

        started = time.perf_counter()
        result = read_f1(upload(data))
        read = time.perf_counter() - started
        assert not result.errors, result.errors[:3]
        same_rows += [
            (
                1,
                [
                    p.code,
                    p.class_name,
                    p.variant,
                    p.primary,
                    None,
                    p.mark,
                    p.journal_mark,
                    p.scores,
                ],
            )
            for p in result.participants
        ]
        del result

        started = time.perf_counter()
        batch = services.batch_check(actor=None, municipality=None, uploaded=upload(data))
        check = time.perf_counter() - started
        assert batch.status == ImportBatch.Status.READY, batch.errors[:3]
        services.batch_confirm(actor=None, batch=batch, queue=False)
        started = time.perf_counter()
        services.batch_load(batch.pk)
        load = time.perf_counter() - started

        totals["read"] += read
        totals["check"] += check
        totals["load"] += load
        totals["participants"] += per_work
        totals["scores"] += per_work * task_count
        name = f"{subject}, {grade} кл."
        print(f"{name:<24} {len(data) / 2**20:8.1f} {read:7.1f} {check:8.1f} {load:7.1f}")

    assert Participant.objects.count() == prior_participants + totals["participants"]
    assert TaskScore.objects.count() == prior_scores + totals["scores"]
    copy = raw_copy(same_rows)
    imported = totals["check"] + totals["load"]
    rows = totals["participants"] + totals["scores"]
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"participants {totals['participants']:,}, task scores {totals['scores']:,}\n"
        f"import (check + load): {imported:.1f} s, {rows / imported:,.0f} rows/s "
        f"(the load alone {totals['load']:.1f} s, {rows / totals['load']:,.0f} rows/s; "
        f"reading the files alone {totals['read']:.1f} s)\n"
        f"raw COPY of the same rows: {copy:.1f} s, {rows / copy:,.0f} rows/s\n"
        f"load ÷ raw COPY: {totals['load'] / copy:.2f}; import ÷ raw COPY: {imported / copy:.2f}\n"
        f"peak memory of this process: {peak:.0f} MB"
    )
