"""A long analytical report: time, pages and memory of its render, and what the stylesheet of
its tables costs.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_report.py -s -o python_files='bench_*.py'

A municipality of 45 schools with 8 ВПР works a year for three years (bench_analysis makes
them): the municipal report of the last year runs to some 35 pages of tables and charts. It
renders that report as the worker does, then the same HTML with variants of the tables' CSS
(borders kept apart instead of collapsed, a fixed table layout), and prints each one's time
and pages. It asserts no timings, which depend on the machine.
"""

import gc
import resource
import statistics
import time

import pytest
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from monitoring import reports
from monitoring.analytical import Scope
from tests.bench import bench_analysis
from tests.tutoring.factories import user_with_role
from tutoring import documents
from tutoring.models import Document, RoleKind
from tutoring.tasks import render_document

SCHOOLS = 45
PER_SCHOOL = 60
REPEATS = 3
# The same look, drawn another way: each cell's right and bottom border, the table's top and
# left, so that separate borders do not double.
VARIANTS = {
    "as printed (border-collapse: collapse)": "",
    "border-collapse: separate": """
        .doc-table { border-collapse: separate; border-spacing: 0;
                     border-top: 0.5pt solid #000; border-left: 0.5pt solid #000; }
        .doc-table th, .doc-table td { border: 0; border-right: 0.5pt solid #000;
                                       border-bottom: 0.5pt solid #000; }
    """,
    "table-layout: fixed": ".doc-table { table-layout: fixed; }",
}


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pdf_pages(html: str, extra: str) -> tuple[float, int]:
    fetcher = documents.StaticFilesOnly()
    fonts = FontConfiguration()
    sheets = [CSS(filename=str(documents.STYLESHEET), url_fetcher=fetcher, font_config=fonts)]
    if extra:
        sheets.append(CSS(string=extra, font_config=fonts))
    started = time.perf_counter()
    document = HTML(string=html, base_url=str(documents.STATIC_DIR), url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=fonts
    )
    document.write_pdf()
    return time.perf_counter() - started, len(document.pages)


@pytest.mark.django_db
def test_it_reports_a_long_analytical_report():
    schools = bench_analysis._schools(1, SCHOOLS)
    works = bench_analysis.vpr_works()
    bench_analysis.vpr_results(works, schools, PER_SCHOOL)
    municipality = schools[0].municipality
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)

    started = time.perf_counter()
    report = reports.report_analytical(
        actor=methodist, scope=Scope(municipality=municipality, year=bench_analysis.YEARS[-1])
    )
    made = time.perf_counter() - started
    document = Document.objects.get(kind=reports.DOCUMENT, object_id=str(report.pk))
    gc.collect()
    rss_before = maxrss_mb()
    started = time.perf_counter()
    render_document.run(document.pk)
    rendered = time.perf_counter() - started
    document.refresh_from_db()
    assert document.status == Document.Status.READY, document.error
    print(
        f"\n{SCHOOLS} schools, {len(works)} works: the report's figures in {made:.1f} s; "
        f"rendered through the task in {rendered:.1f} s, {document.file.size / 1024:.0f} KB, "
        f"process peak grew by {maxrss_mb() - rss_before:.0f} MB"
    )

    _report, context = reports.report_context(str(report.pk))
    html = render_to_string(reports.TEMPLATE, context)
    print(f"{'stylesheet of the tables':<42} {'median s':>9} {'pages':>6}")
    for label, extra in VARIANTS.items():
        runs = [pdf_pages(html, extra) for _ in range(REPEATS)]
        seconds = statistics.median(run[0] for run in runs)
        print(f"{label:<42} {seconds:>9.2f} {runs[0][1]:>6}")
