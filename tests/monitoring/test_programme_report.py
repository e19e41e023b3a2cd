"""The report upward on the schools in the programme, against figures worked out by hand."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Session
from monitoring.models import Indicator, Report, SchoolProgramme
from monitoring.programmes import services
from monitoring.programmes.report import programme_report, programme_reports
from tests.consultations.factories import OwnSessionFactory
from tests.pdftext import one_line, pages_of
from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    SchoolStatusFactory,
    user_with_role,
)
from tutoring.models import Document, RoleKind
from tutoring.tasks import render_document

from .test_programmes import LEARNING, agree, antirisk_of, approved
from .test_risk_profiles import drafted, programme_world
from .test_risks import OTHER, SCHOOL, vpr


def held(tutor, school, day):
    return OwnSessionFactory(
        municipality=school.municipality,
        organization=school,
        tutor=tutor,
        status=Session.Status.HELD,
        starts_at=datetime.datetime(day.year, day.month, day.day, 10, tzinfo=datetime.UTC),
        ends_at=datetime.datetime(day.year, day.month, day.day, 11, tzinfo=datetime.UTC),
    )


@pytest.fixture
def world(db):
    return programme_world()


@pytest.fixture
def filled(world):
    direction = agree(world, drafted(world)).ratings.get(direction__name=LEARNING).direction
    antirisk = antirisk_of(world, direction)
    start = world.year.start_year
    # СОШ № 10 in the programme: 10 «2» of 25, then 5 of 25; СОШ № 20 outside: 2 of 25, 1 of 25.
    vpr(world, start, SCHOOL, twos=10, total=25)
    vpr(world, start, OTHER, twos=2, total=25, seed=1)
    vpr(world, start + 1, SCHOOL, twos=5, total=25, seed=2)
    vpr(world, start + 1, OTHER, twos=1, total=25, seed=3)
    approved(world, antirisk)
    held(world.curator, world.school, datetime.date(start, 10, 1))
    held(world.tutor, world.school, datetime.date(start, 11, 1))
    held(world.tutor, world.other_school, datetime.date(start, 11, 2))
    return world


def test_it_reports_the_school_by_hand(filled):
    report = programme_report(filled.municipality, filled.year)
    (school,) = report["schools"]
    assert school["school"] == "МОБУ СОШ № 10" and school["profile"] == "согласован"
    assert school["high"] == ["Высокая доля обучающихся с рисками учебной неуспешности"]
    assert (school["programmes"], school["approved"], school["measures"]) == (1, 1, 1)
    assert (school["twos_before"], school["twos_after"]) == ("40,0", "20,0")
    assert (report["outside_before"], report["outside_after"]) == ("8,0", "4,0")
    assert (school["sessions"], school["curator_sessions"]) == (2, 1)
    assert school["moves"] == ["Доля «2» по математике в 5 классе: 40 → нет данных (цель 25)"]


def test_the_municipalities_stand_side_by_side_in_the_same_queries(filled):
    empty = MunicipalityFactory()
    with CaptureQueriesContext(connection) as one:
        programme_reports([filled.municipality], filled.year)
    with CaptureQueriesContext(connection) as two:
        reports = programme_reports([filled.municipality, empty], filled.year)
    assert len(two) == len(one)
    assert [r["totals"]["schools"] for r in reports] == [1, 0]


def in_programme(world, school, *, indicators=1):
    """`school` in the programme with a concept whose indicators the portal counts."""
    SchoolStatusFactory(organization=school, academic_year=world.year)
    concept = services.programme_create(
        actor=None, organization=school, academic_year=world.year, kind=SchoolProgramme.Kind.CONCEPT
    )
    for n in range(indicators):
        services.indicator_add(
            actor=None,
            programme=concept,
            title=f"Занятия тьюторов {n}",
            source=Indicator.Source.SESSIONS_HELD,
            baseline=Decimal(1),
            target=Decimal(5),
        )


def test_more_schools_and_programmes_take_no_more_queries(filled):
    in_programme(filled, filled.other_school)
    with CaptureQueriesContext(connection) as few:
        programme_report(filled.municipality, filled.year)
    for _ in range(3):
        in_programme(filled, OrganizationFactory(municipality=filled.municipality), indicators=3)
    with CaptureQueriesContext(connection) as more:
        report = programme_report(filled.municipality, filled.year)
    assert len(more) == len(few) and report["totals"]["schools"] == 5


@pytest.mark.parametrize(
    "role, expected",
    [
        ("methodist", 200),
        ("director", 200),
        ("regional", 200),
        ("school_admin", 403),
        ("tutor", 403),
        ("teacher", 403),
        ("curator", 403),
    ],
)
def test_who_reads_the_report(client, world, role, expected):
    client.force_login(getattr(world, role))
    assert client.get(reverse("monitoring:programme_report")).status_code == expected


def test_the_region_administrator_sees_the_municipalities_side_by_side(client, filled):
    client.force_login(user_with_role(RoleKind.REGION_ADMIN, region=filled.municipality.region))
    page = client.get(reverse("monitoring:programme_report"), {"year": filled.year.pk})
    assert filled.municipality.name in page.content.decode()


def test_the_methodist_downloads_the_xlsx(client, filled):
    client.force_login(filled.methodist)
    response = client.get(reverse("monitoring:programme_report_export"), {"year": filled.year.pk})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Школы"].iter_rows(min_row=4, values_only=True))
    assert rows[0][0] == "МОБУ СОШ № 10" and rows[0][15:17] == ("40,0", "20,0")


def test_the_pdf_keeps_the_figures(client, filled):
    client.force_login(filled.methodist)
    client.post(
        reverse("monitoring:programme_report_make"),
        {"year": filled.year.pk, "municipality": filled.municipality.pk},
    )
    report = Report.objects.get(kind=Report.Kind.PROGRAMME)
    document = Document.objects.get(object_id=str(report.pk))
    render_document(document.pk)
    document.refresh_from_db()
    assert document.is_ready, document.error
    text = one_line(pages_of(document))
    assert "В программе 1 школа" in text or "в программе 1 школа" in text
    assert "МОБУ СОШ № 10" in text


def test_a_director_of_another_municipality_cannot_make_it(client, filled):
    client.force_login(user_with_role(RoleKind.DIRECTOR))
    response = client.post(
        reverse("monitoring:programme_report_make"),
        {"year": filled.year.pk, "municipality": filled.municipality.pk},
    )
    assert response.status_code == 403 and not Report.objects.exists()
