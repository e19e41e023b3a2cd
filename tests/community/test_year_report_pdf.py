"""The accepted report prints from its snapshot: what changes afterwards does not change it."""

import subprocess

import pytest
from django.utils import timezone

from community.models import TutorYearReport
from community.services import year_reports as services
from tests.pdftext import one_line, pages_of
from tutoring.models import Document
from tutoring.tasks import render_document

from .factories import TutorPlanFactory, TutorPlanItemFactory
from .test_year_reports import cast, held  # noqa: F401 (the fixture)


@pytest.fixture
def accepted(cast):  # noqa: F811
    plan = TutorPlanFactory(
        tutor=cast.tutor, municipality=cast.municipality, academic_year=cast.year
    )
    item = TutorPlanItemFactory(plan=plan, content="Посещение уроков математики ежемесячно")
    held(cast, tutor_plan_item=item, topic="Урок в 7 классе")
    report = TutorYearReport.objects.create(
        municipality=cast.municipality,
        academic_year=cast.year,
        tutor=cast.tutor,
        conclusion="План выполнен полностью.",
        status=TutorYearReport.Status.SUBMITTED,
    )
    return services.year_report_accept(actor=cast.methodist, report=report)


def text_of(report) -> str:
    document = Document.objects.get(kind=services.YEAR_REPORT_DOCUMENT, object_id=str(report.pk))
    render_document(document.pk)
    document.refresh_from_db()
    assert document.is_ready, document.error
    return one_line(pages_of(document))


def test_it_prints_the_plan_beside_what_was_done(cast, accepted):  # noqa: F811
    text = text_of(accepted)
    assert f"о работе тьютора {cast.tutor.full_name} за {cast.year} учебный год" in text
    assert "План — что сделано" in text
    # The plan's item and what was done stand side by side: the columns' lines interleave.
    assert "1 Посещение уроков" in text and "супервизия: Урок в 7" in text
    assert "План выполнен полностью." in text
    # The date is the municipality's own: past its midnight a UTC date would be a day behind.
    accepted_on = timezone.localtime(accepted.accepted_at, cast.municipality.tzinfo)
    assert f"Принят: {accepted_on:%d.%m.%Y}, методист" in text


def test_it_renders_a_page_image(cast, accepted, tmp_path):  # noqa: F811
    text_of(accepted)
    document = Document.objects.get(kind=services.YEAR_REPORT_DOCUMENT)
    pdf = tmp_path / "report.pdf"
    with document.file.open("rb") as file:
        pdf.write_bytes(file.read())
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(pdf), str(tmp_path / "page")], check=True)
    assert list(tmp_path.glob("page*.png"))


def test_it_keeps_the_accepted_figures_when_the_data_changes(cast, accepted):  # noqa: F811
    held(cast, days_ago=15, topic="Занятие после принятия")
    assert "Занятие после принятия" not in text_of(accepted)


def test_it_offers_the_pdf_on_the_report_page(client, cast, accepted):  # noqa: F811
    text_of(accepted)
    client.force_login(cast.methodist)
    page = client.get(accepted.get_absolute_url()).content.decode()
    assert "Скачать PDF" in page
