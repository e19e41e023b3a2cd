"""How long a document takes to render, and how much memory, by the size of its appendix.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_documents.py -s -o python_files='bench_*.py'

A roster of a municipality runs to a few dozen tutors (21 in the Лабинск order of the seeds);
1,000 rows stands for a regional list. It prints figures and asserts no timings, which depend
on the machine.
"""

import gc
import resource
import time
import tracemalloc
from functools import partial

import pdfplumber
import pytest

from tests.tutoring.factories import OrganizationFactory
from tests.tutoring.test_documents import order_context, order_title
from tutoring import documents
from tutoring.tasks import render_document

SIZES = (21, 1000)


@pytest.fixture
def order_kinds():
    kinds = {}
    for rows in SIZES:
        kinds[rows] = f"bench.order-{rows}"
        documents.register(
            kinds[rows],
            template="documents/base.html",
            build_context=partial(order_context, rows=rows),
            title=order_title,
        )
    yield kinds
    for kind in kinds.values():
        documents.unregister(kind)


def maxrss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux: the peak of the whole process so far.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_it_reports_render_time_and_memory(db, order_kinds):
    # Fonts and stylesheet are read on the first render: warm up so that both sizes compare.
    _obj, context = order_context(OrganizationFactory().pk, rows=1)
    documents.render_pdf("documents/base.html", context)
    print()
    for rows, kind in order_kinds.items():
        organization = OrganizationFactory()
        document = documents.document_request(kind=kind, obj=organization, actor=None)
        gc.collect()
        rss_before = maxrss_mb()
        started = time.perf_counter()
        render_document.run(document.pk)
        seconds = time.perf_counter() - started
        rss_growth = maxrss_mb() - rss_before
        document.refresh_from_db()
        with document.file.open("rb") as file, pdfplumber.open(file) as pdf:
            pages = len(pdf.pages)

        # Python's own allocations, measured apart: tracing slows the render several times.
        _obj, context = order_context(organization.pk, rows=rows)
        tracemalloc.start()
        documents.render_pdf("documents/base.html", context)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()

        print(
            f"{rows:>5} rows: {seconds:6.2f} s through the task, {pages:>3} pages, "
            f"{document.file.size / 1024:7.1f} KB; peak Python memory {peak:6.1f} MB, "
            f"process peak grew by {rss_growth:6.1f} MB"
        )
        assert document.status == document.Status.READY
