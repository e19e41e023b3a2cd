"""The results pages at the scale of a region: 45 municipalities, 1,500 schools, 8 ВПР works a
year for three years, some 300,000 participants and 4 million task scores a year.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_analysis.py -s -o python_files='bench_*.py'

BENCH_SCALE=small runs a tenth (150 schools). The results are generated inside PostgreSQL
(INSERT … SELECT over generate_series), not through the importer, whose own benchmark is
bench_vpr_import.py: here only the reading is measured. It prints each page's status, number
of queries and median time, and asserts no timings, which depend on the machine.
"""

import logging
import os
import statistics
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from monitoring.models import Assessment, AssessmentTask, Participant, ResultSet, TaskScore
from monitoring.summaries import summarize
from tests.bench.bench_region import REPEATS, analyze
from tests.bench.bench_vpr_import import WORKS, tasks_of
from tests.tutoring.factories import MunicipalityFactory, SubjectFactory, user_with_role
from tutoring.models import Organization, RoleKind

SCALES = {"full": (45, 1_500, 300_000), "small": (5, 150, 30_000)}
YEARS = (2023, 2024, 2025)


def _schools(municipality_count: int, school_count: int) -> list[Organization]:
    municipalities = [MunicipalityFactory() for _ in range(municipality_count)]
    return Organization.objects.bulk_create(
        Organization(
            municipality=municipalities[n % municipality_count],
            kind=Organization.Kind.SCHOOL,
            short_name=f"МБОУ СОШ № {n}",
            name=f"МБОУ СОШ № {n}",
            fis_oko_login=f"edu{600000 + n:06d}",
        )
        for n in range(1, school_count + 1)
    )


def vpr_works(years=YEARS) -> list[Assessment]:
    works = []
    for year in years:
        for subject, grade, task_count in WORKS:
            tasks = tasks_of(task_count)
            work = Assessment.objects.create(
                kind="vpr",
                year=year,
                subject=SubjectFactory(name=subject),
                grade=grade,
                max_primary=sum(m for _n, m, _l in tasks),
            )
            AssessmentTask.objects.bulk_create(
                AssessmentTask(assessment=work, position=p, number=n, max_score=m, level=level)
                for p, (n, m, level) in enumerate(tasks, start=1)
            )
            works.append(work)
    return works


def vpr_results(works, schools, per_school: int) -> None:
    """Participants of every school in every work, then their task scores (a school's level
    and a bit of chance), primary scores as their sum, marks by share of the maximum and a
    journal mark near the mark."""
    ResultSet.objects.bulk_create(
        ResultSet(assessment=work, organization=school, participants=per_school, digest="-")
        for work in works
        for school in schools
    )
    participant, result_set = Participant._meta.db_table, ResultSet._meta.db_table
    score, task, assessment = (
        TaskScore._meta.db_table,
        AssessmentTask._meta.db_table,
        Assessment._meta.db_table,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {participant}
                (result_set_id, code, class_name, variant, primary_score, mark, journal_mark)
            SELECT rs.id, (10000 + n)::text, '5А', 1 + n %% 2, 0, 2, NULL
            FROM {result_set} rs,
                 generate_series(1, %s - 5 + (rs.id * 7919) %% 11) AS n""",
            [per_school],
        )
        cursor.execute(
            f"""INSERT INTO {score} (participant_id, task_id, score)
            SELECT p.id, t.id,
                   CASE WHEN random() < 0.04 THEN NULL
                   ELSE LEAST(t.max_score, floor(random() * (t.max_score + 1)
                        * (0.55 + (rs.organization_id %% 9) * 0.08)))::int END
            FROM {participant} p
            JOIN {result_set} rs ON rs.id = p.result_set_id
            JOIN {task} t ON t.assessment_id = rs.assessment_id""",
            [],
        )
        cursor.execute(
            f"""UPDATE {participant} p SET primary_score = s.total
            FROM (SELECT participant_id, COALESCE(SUM(score), 0) AS total
                  FROM {score} GROUP BY participant_id) s
            WHERE s.participant_id = p.id""",
            [],
        )
        cursor.execute(
            f"""UPDATE {participant} p
            SET mark = 2 + (p.primary_score >= a.max_primary * 0.3)::int
                         + (p.primary_score >= a.max_primary * 0.55)::int
                         + (p.primary_score >= a.max_primary * 0.8)::int
            FROM {result_set} rs JOIN {assessment} a ON a.id = rs.assessment_id
            WHERE rs.id = p.result_set_id""",
            [],
        )
        cursor.execute(
            f"""UPDATE {participant}
            SET journal_mark = CASE WHEN id %% 10 = 0 THEN NULL
                ELSE LEAST(5, GREATEST(2, mark + (id %% 6 = 1)::int - (id %% 6 = 2)::int)) END""",
            [],
        )
    # The figures a load keeps, as `batch_load` writes them.
    summarize(ResultSet.objects.values_list("pk", flat=True))


# Committed, as a region's results are: inside the test's transaction every row read was the
# reader's own uncommitted insert, without hint bits or a visibility map for index-only scans,
# and a cold school page took 145-196 ms instead of 86-103.
@pytest.mark.django_db(transaction=True)
def test_it_reports_the_results_pages_at_region_scale(caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    scale = os.environ.get("BENCH_SCALE", "full")
    if scale not in SCALES:
        pytest.fail(f"BENCH_SCALE is one of: {', '.join(SCALES)}")
    municipality_count, school_count, participants = SCALES[scale]
    per_school = participants // len(WORKS) // school_count

    started = time.perf_counter()
    schools = _schools(municipality_count, school_count)
    works = vpr_works()
    vpr_results(works, schools, per_school)
    analyze()
    generated = time.perf_counter() - started
    school = schools[0]
    municipality = school.municipality
    print(
        f"\n{school_count:,} schools in {municipality_count} municipalities, {len(works)} works "
        f"({len(YEARS)} years): {Participant.objects.count():,} participants, "
        f"{TaskScore.objects.count():,} task scores; generated in {generated:.1f} s"
    )

    users = {
        "methodist": user_with_role(RoleKind.METHODIST, municipality=municipality),
        "school": user_with_role(RoleKind.SCHOOL, organization=school),
        "regional": user_with_role(RoleKind.REGIONAL),
    }
    overview = reverse("monitoring:results")
    school_page = reverse("monitoring:results_school", args=[school.pk])
    pages = {
        "methodist": [
            overview,
            f"{overview}?year=2024&subject={works[0].subject_id}&grade=4",
            reverse("monitoring:results_export"),
            school_page,
            f"{school_page}?year=2023",
            reverse("monitoring:results_school_export", args=[school.pk]),
        ],
        "school": [overview, school_page],
        "regional": [overview, f"{overview}?municipality={municipality.pk}", school_page],
    }
    # Cold: the first request after the cache is emptied, which counts the municipality's and
    # the region's figures; warm: the median of the repeats, which read them from the cache
    # until results are loaded again.
    print(f"{'user':<10} {'page':<58} {'code':>4} {'queries':>8} {'cold, ms':>9} {'warm, ms':>9}")
    for label, user in users.items():
        client = Client()
        client.force_login(user)
        for url in pages[label]:
            cache.clear()
            started = time.perf_counter()
            response = client.get(url)
            cold = time.perf_counter() - started
            # Counted on a second cold request: the debug cursor would slow the timed one.
            cache.clear()
            with CaptureQueriesContext(connection) as captured:
                client.get(url)
            queries = len(captured)  # now: the next request empties the query log
            warm = []
            for _ in range(REPEATS):
                started = time.perf_counter()
                client.get(url)
                warm.append(time.perf_counter() - started)
            status = response.status_code
            print(
                f"{label:<10} {url:<58} {status:>4} {queries:>8} {cold * 1000:>9.0f} "
                f"{statistics.median(warm) * 1000:>9.0f}"
            )
            assert status == 200
