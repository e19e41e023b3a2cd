"""The analytical report (аналитическая справка): a municipality's or a school's results of a
year, narrowed to a subject if asked, with its tables and charts frozen when it is made and
printed through the document pipeline."""

import pdfplumber
import pytest
from django.urls import reverse

from monitoring import reports
from monitoring.models import Report
from tests.tutoring.factories import MunicipalityFactory, SubjectFactory, user_with_role
from tutoring.models import AuditEntry, Document, RoleKind
from tutoring.tasks import render_document

from . import results_data
from .factories import make_world

FORM = reverse("monitoring:report_analytical")


@pytest.fixture
def world(db):
    return make_world()


@pytest.fixture
def work(world):
    return results_data.load_small_file(world)


def make(client, user, **choice):
    client.force_login(user)
    return client.post(FORM, choice)


def rendered(report: Report) -> tuple[Document, str]:
    document = Document.objects.get(kind=reports.DOCUMENT, object_id=str(report.pk))
    render_document(document.pk)
    document.refresh_from_db()
    assert document.is_ready, document.error
    with document.file.open("rb") as stream, pdfplumber.open(stream) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return document, " ".join(text.split())


def test_a_methodist_makes_the_municipalitys_report_of_a_year(client, world, work):
    response = make(client, world.methodist, municipality=world.municipality.pk, year=2025)

    report = Report.objects.get()
    assert response["Location"] == report.get_absolute_url()
    assert report.kind == Report.Kind.ANALYTICAL
    assert report.title == "Об итогах оценочных процедур 2025 года (Лабинский район)"
    [section] = report.data["sections"]
    assert section["title"] == "ВПР 2025, Математика, 5 класс"
    names = [row["name"] for row in section["table"]["rows"]]
    assert names[:2] == ["МОБУ СОШ № 10", "МОБУ СОШ № 20"]
    assert "МБОУ СОШ № 1" not in names  # another municipality's school
    assert names[-1].startswith("Регион")
    school = section["table"]["rows"][0]["cells"]
    assert school[0] == "8" and school[2] == "37,5"  # participants; the share of «3»
    assert section["table"]["rows"][0]["unreliable"]
    assert [chart["title"] for chart in section["charts"]][:2] == [
        "Распределение отметок, %",
        "Выполнение заданий в муниципалитете",
    ]
    assert all(chart["svg"].startswith("<svg") for chart in section["charts"])
    assert [row[0] for row in section["tasks"]["rows"]] == ["1", "2", "3"]
    assert Document.objects.get(kind=reports.DOCUMENT, object_id=str(report.pk)).is_pending
    entry = AuditEntry.objects.get(action="report.create")
    assert (entry.actor, entry.changes["year"], entry.changes["scope"]) == (
        world.methodist,
        "2025",
        "Лабинский район",
    )


def test_the_pdf_prints_the_tables_and_the_charts(client, world, work):
    make(client, world.director, municipality=world.municipality.pk, year=2025)

    _document, text = rendered(Report.objects.get())

    assert "АНАЛИТИЧЕСКАЯ СПРАВКА" in text
    assert "Об итогах оценочных процедур 2025 года" in text
    # A school's name may wrap in its narrow column, «№ 20» never apart from its number.
    assert "№ 20*" in text and "Качество" in text
    assert "* Меньше 20 участников: цифры ненадёжны" in text
    assert "Распределение отметок, %" in text
    # The charts are drawn into the PDF as vector graphics with their text: the legend.
    assert f"М — {world.municipality.short_name}" in text and "«5»" in text
    assert "не используются для оценки работы учителей" in text
    assert "Где нужна помощь" in text


def test_a_school_report_sets_the_school_beside_the_municipality_and_region(client, world, work):
    make(
        client,
        world.methodist,
        municipality=world.municipality.pk,
        year=2025,
        school=world.school.pk,
    )

    report = Report.objects.get()
    assert report.title == "Об итогах оценочных процедур 2025 года в МОБУ СОШ № 10"
    [section] = report.data["sections"]
    assert [row["name"] for row in section["table"]["rows"]] == [
        "МОБУ СОШ № 10",
        world.municipality.short_name,
        "Регион (Краснодарский край)",
    ]
    assert section["tasks"]["head"][3] == "Школа, %"
    assert "Первичные баллы в школе" in [chart["title"] for chart in section["charts"]]
    _document, text = rendered(report)
    assert "Ш — МОБУ СОШ № 10" in text


def test_a_subject_without_results_in_that_scope_is_refused_and_nothing_is_made(
    client, world, work
):
    russian = SubjectFactory(name="Русский язык")
    results_data.load_rows(
        [results_data.row(world.other_school, "X1", [1, 2, 1], 4, 4)], subject="Русский язык"
    )

    response = make(
        client,
        world.methodist,
        municipality=world.municipality.pk,
        year=2025,
        school=world.school.pk,
        subject=russian.pk,
    )

    assert response.status_code == 200
    assert "Результатов за 2025 год по этому выбору в портале нет." in response.content.decode()
    assert not Report.objects.exists()
    assert not AuditEntry.objects.filter(action="report.create").exists()


def test_a_subject_narrows_the_municipal_report(client, world, work):
    russian = SubjectFactory(name="Русский язык")
    results_data.load_rows(
        [results_data.row(world.other_school, "X1", [1, 2, 1], 4, 4)], subject="Русский язык"
    )

    make(client, world.methodist, municipality=world.municipality.pk, year=2025, subject=russian.pk)

    report = Report.objects.get()
    assert report.title.endswith("(русский язык)")
    assert [s["title"] for s in report.data["sections"]] == ["ВПР 2025, Русский язык, 5 класс"]


def test_the_report_keeps_what_it_said_when_results_change(client, world, work):
    make(client, world.methodist, municipality=world.municipality.pk, year=2025)
    report = Report.objects.get()
    data = report.data
    document, _text = rendered(report)
    digest = document.sha256

    results_data.load_rows(
        [results_data.row(world.school, "Z1", [0, 0, 0], 2, 3)], subject="Математика", grade=5
    )
    render_document(document.pk)

    report.refresh_from_db()
    document.refresh_from_db()
    assert report.data == data
    assert document.sha256 == digest


def test_a_school_of_another_municipality_is_refused(client, world, work):
    response = make(
        client,
        world.methodist,
        municipality=world.municipality.pk,
        year=2025,
        school=world.foreign_school.pk,
    )

    assert response.status_code == 200
    assert "Выберите корректный вариант" in response.content.decode()
    assert not Report.objects.exists()


def test_another_municipalitys_methodist_cannot_report_on_this_one(client, world, work):
    stranger = user_with_role(RoleKind.METHODIST, municipality=MunicipalityFactory())

    response = make(client, stranger, municipality=world.municipality.pk, year=2025)

    assert response.status_code == 200
    assert not Report.objects.exists()


@pytest.mark.parametrize("role", ["tutor", "school_admin", "teacher", "regional"])
def test_only_the_methodical_centre_makes_reports(client, world, work, role):
    client.force_login(getattr(world, role))

    assert client.get(FORM).status_code == 403
    assert (
        client.post(FORM, {"municipality": world.municipality.pk, "year": 2025}).status_code == 403
    )
    assert not Report.objects.exists()


def test_the_form_is_prefilled_from_a_results_page(client, world, work):
    client.force_login(world.methodist)
    school_page = reverse("monitoring:results_school", args=[world.school.pk])

    page = client.get(school_page).content.decode()
    link = f"{FORM}?municipality={world.municipality.pk}&amp;school={world.school.pk}&amp;year=2025"
    assert link in page
    form = client.get(link.replace("&amp;", "&")).content.decode()
    assert f'<option value="{world.school.pk}" selected>' in form


@pytest.mark.parametrize("role", ["tutor", "school_admin", "regional"])
def test_readers_see_no_report_link(client, world, work, role):
    client.force_login(getattr(world, role))
    page = client.get(reverse("monitoring:results_school", args=[world.school.pk]))

    assert FORM not in page.content.decode()


def test_the_form_says_so_when_there_are_no_results(client, world):
    client.force_login(world.methodist)

    page = client.get(FORM).content.decode()

    assert "Результатов оценочных процедур в портале ещё нет" in page


def test_a_subject_of_no_result_is_not_offered(client, world, work):
    SubjectFactory(name="Астрономия")
    client.force_login(world.methodist)

    assert "Астрономия" not in client.get(FORM).content.decode()
