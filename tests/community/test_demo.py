"""The demo's order № 01-03/24 is seed 002 in the portal: signed, frozen and printed."""

import re
from pathlib import Path

import pdfplumber
import pytest

from community.models import Achievement, Nomination, Order, Roster
from community.services.orders import ORDER_DOCUMENT
from tutoring.models import AcademicYear, Document

SEED_ROSTER = Path(__file__).parent / "data" / "seed002_roster.tsv"


def squash(text):
    return re.sub(r"\s+", " ", text or "").strip()


@pytest.fixture
def demo_order(demo):
    return Order.objects.get(number="01-03/24")


@pytest.fixture
def demo_pdf(demo_order):
    document = Document.objects.get(kind=ORDER_DOCUMENT, object_id=str(demo_order.pk))
    assert document.status == Document.Status.READY
    with document.file.open("rb") as stream, pdfplumber.open(stream) as pdf:
        yield pdf


def test_it_prints_the_heading_number_and_date_of_the_order(demo_pdf):
    first_page = squash(demo_pdf.pages[0].extract_text())
    assert "ПРИКАЗ" in first_page.split()
    assert "09.01.2023" in first_page
    assert "№ 01-03/24" in first_page
    assert "Об утверждении Дорожной карты повышения качества образования" in first_page
    assert "С. И. Орлов" in first_page  # the centre's head on the order's date


def test_it_prints_the_roster_of_seed_002_row_for_row(demo_pdf):
    rows = []
    for page in demo_pdf.pages:
        for table in page.extract_tables():
            rows += [
                [squash(cell) for cell in row]
                for row in table
                if row and squash(row[0]).isdigit() and len(row) == 4
            ]
    roster_rows = rows[:21]  # the plan's table follows, numbered from 1 again
    expected = [line.split("\t") for line in SEED_ROSTER.read_text().splitlines()]
    assert roster_rows == [[squash(cell) for cell in row] for row in expected]


def test_it_marks_each_appendix_with_the_order(demo_pdf):
    text = squash(" ".join(page.extract_text() or "" for page in demo_pdf.pages))
    for number in (1, 2, 3):
        assert (
            f"Приложение № {number} к приказу МКУ ИМЦ г. Лабинска от 09.01.2023 № 01-03/24" in text
        )


def test_it_approves_the_demo_roster_by_the_signed_order(demo_order):
    roster = demo_order.appendices.get(kind="roster").roster
    assert roster.status == Roster.Status.APPROVED
    assert roster.approved_order == demo_order and roster.approved_by.username == "director"
    assert demo_order.academic_year.start_year == 2022


def test_it_leaves_no_order_half_way_in_the_demo(demo):
    assert set(Order.objects.values_list("status", flat=True)) == {Order.Status.APPROVED}


def test_it_freezes_the_demo_order(demo_order):
    assert demo_order.status == Order.Status.APPROVED
    assert [a.kind for a in demo_order.appendices.all()] == ["roster", "text", "plan"]
    assert all(a.snapshot for a in demo_order.appendices.all())
    assert len(demo_order.appendices.get(kind="plan").snapshot["rows"]) == 15


def test_it_opens_the_current_year_with_a_draft_roster_and_two_pending_nominations(demo):
    year = AcademicYear.objects.current()
    assert Roster.objects.get(academic_year=year).is_draft
    pending = Nomination.objects.filter(academic_year=year, status=Nomination.Status.PENDING)
    assert pending.count() == 2


def test_it_has_last_years_accepted_report_of_the_demo_tutor_printed(demo):
    from community.models import TutorYearReport
    from community.services.year_reports import YEAR_REPORT_DOCUMENT

    report = TutorYearReport.objects.get(tutor__username="tutor")
    assert report.status == TutorYearReport.Status.ACCEPTED and report.snapshot["plan"]
    assert report.academic_year.start_year == AcademicYear.objects.current().start_year - 1
    document = Document.objects.get(kind=YEAR_REPORT_DOCUMENT, object_id=str(report.pk))
    assert document.status == Document.Status.READY


def test_it_gives_the_demo_tutor_achievements_this_year_and_last(demo):
    year = AcademicYear.objects.current()
    tutor = Achievement.objects.filter(academic_year=year).first().tutor
    assert tutor.username == "tutor"
    last = Achievement.objects.filter(academic_year__start_year=year.start_year - 1)
    assert last.count() == 4
    assert all(a.evidence_link for a in Achievement.objects.all())
