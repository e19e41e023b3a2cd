"""How the expertise pages answer at region scale: 20,000 cases in one municipality (about
ten years of a large city's requests), half of them blind, with an expert on each.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_expertise.py -s -o python_files='bench_*.py'

It prints the time and query count of each page (the median of five requests) and asserts no
timings, which depend on the machine. The query counts are pinned in
tests/expertise/test_list_queries.py.
"""

import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.expertise.factories import assign, make_world, submit
from tests.expertise.test_list_queries import bulk_cases

CASES = 20_000
PAGES = {
    "methodist": [
        "/expertise/cases/",
        "/expertise/cases/?status=review&q=СОШ&page=40",
        "/expertise/deficits/",
    ],
    "school_admin": ["/expertise/cases/"],
    "expert1": ["/expertise/cases/?mine=review", "/"],
}


def test_it_reports_the_expertise_pages_at_twenty_thousand_cases(client, db):
    world = make_world()
    assign(world, submit(world), world.expert1)
    started = time.perf_counter()
    bulk_cases(world, CASES, expert=world.expert1)
    print(f"\n{CASES:,} cases generated in {time.perf_counter() - started:.1f} s")
    for who, urls in PAGES.items():
        client.force_login(getattr(world, who))
        for url in urls:
            timings = []
            for _ in range(5):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get(url)
                    timings.append(time.perf_counter() - started)
                assert response.status_code == 200
            median = statistics.median(timings) * 1000
            print(f"{who:>12} {url:<50} {median:7.1f} ms {len(queries):3} queries")
