"""The tutors' totals of the community effectiveness report: per tutor of the municipality
and in all, in a constant number of queries."""

import datetime
import os

import pdfplumber
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from community.models import Achievement, AchievementLevel, TutorYearReport
from consultations.models import Session, SessionReport
from monitoring import effectiveness, reports
from tests.community.factories import municipality_cast
from tests.consultations.factories import OwnSessionFactory, SessionFactory
from tests.tutoring.factories import (
    AcademicYearFactory,
    OrganizationFactory,
    SchoolStatusFactory,
    user_with_role,
)
from tutoring.models import Document, RoleKind, SchoolStatus
from tutoring.tasks import render_document


@pytest.fixture
def year(db):
    return AcademicYearFactory(start_year=2025)


def held(session, *teachers):
    session.status = Session.Status.HELD
    session.save()
    report = SessionReport.objects.create(session=session, held=True)
    report.teachers_present.set(teachers)
    return session


def when(day: int) -> datetime.datetime:
    return datetime.datetime(2025, 10, day, 10, tzinfo=timezone.get_current_timezone())


def achievement(cast, year, tutor, kind):
    return Achievement.objects.create(
        municipality=cast.municipality, academic_year=year, tutor=tutor, kind=kind,
        date=datetime.date(2025, 11, 1), title="Статья", level=AchievementLevel.REGIONAL,
        evidence_link="https://example.ru/a",
    )  # fmt: skip


def world(cast, year, tutors=1):
    SchoolStatusFactory(
        organization=cast.school_org, academic_year=year, kind=SchoolStatus.Kind.LOW_RESULTS
    )
    other_school = OrganizationFactory(municipality=cast.municipality)
    for n in range(tutors):
        tutor = cast.tutor if n == 0 else user_with_role(
            RoleKind.TUTOR, municipality=cast.municipality, last_name=f"Тьютор{n:03d}"
        )  # fmt: skip
        start = when(1 + n % 20) + datetime.timedelta(hours=n // 20)
        held(
            OwnSessionFactory(
                municipality=cast.municipality, tutor=tutor, organization=cast.school_org,
                starts_at=start, ends_at=start + datetime.timedelta(minutes=30),
            ),
            cast.teacher,
        )  # fmt: skip
        start += datetime.timedelta(days=5)
        held(
            SessionFactory(
                municipality=cast.municipality, tutor=tutor, organization=other_school,
                starts_at=start, ends_at=start + datetime.timedelta(minutes=30),
            ),
            cast.teacher,
        )  # fmt: skip
        achievement(cast, year, tutor, Achievement.Kind.PUBLICATION)


def rows_of(cast, year):
    report = effectiveness.community_effectiveness(cast.municipality, year)
    return {row.name: row for row in report.tutors}, report.tutors_total


def test_it_counts_a_tutors_sessions_own_teachers_schools_and_achievements(db, year):
    cast = municipality_cast()
    world(cast, year)
    rows, _total = rows_of(cast, year)
    row = rows[cast.tutor.full_name]
    assert (row.sessions, row.own, row.teachers) == (2, 1, 1)
    assert (row.schools, row.marked_schools) == (2, 1)
    assert row.achievements["публикация"] == 1
    assert row.report == "не начат"


def test_it_names_the_state_of_the_year_report(db, year):
    cast = municipality_cast()
    TutorYearReport.objects.create(
        municipality=cast.municipality, academic_year=year, tutor=cast.tutor,
        status=TutorYearReport.Status.SUBMITTED,
    )  # fmt: skip
    rows, total = rows_of(cast, year)
    assert rows[cast.tutor.full_name].report == "на проверке"
    assert total.report == "принято 0 из 1"


def test_it_counts_a_teacher_once_in_the_total_row(db, year):
    cast = municipality_cast()
    world(cast, year, tutors=2)
    _rows, total = rows_of(cast, year)
    assert (total.sessions, total.own, total.teachers) == (4, 2, 1)
    assert total.schools == 2
    assert total.achievements["публикация"] == 2


def test_it_leaves_out_other_municipalities_tutors(db, year):
    cast = municipality_cast()
    world(cast, year)
    user_with_role(RoleKind.TUTOR, last_name="Чужой")
    rows, _total = rows_of(cast, year)
    assert not any("Чужой" in name for name in rows)


def count(cast, year):
    with CaptureQueriesContext(connection) as context:
        effectiveness.community_effectiveness(cast.municipality, year)
    return len(context)


def test_it_takes_the_same_number_of_queries_for_more_tutors(db, year):
    small, large = municipality_cast(), municipality_cast()
    world(small, year, tutors=1)
    world(large, year, tutors=15)
    assert count(large, year) == count(small, year)


def test_it_shows_the_tutors_on_the_page(client, db, year):
    cast = municipality_cast()
    world(cast, year)
    client.force_login(cast.methodist)
    page = client.get(
        f"{reverse('monitoring:effectiveness')}?municipality={cast.municipality.pk}&year={year.pk}"
    ).content.decode()
    assert "Работа тьюторов за год" in page
    assert cast.tutor.full_name in page


def test_it_prints_the_tutors_in_the_pdf(db, year):
    cast = municipality_cast()
    world(cast, year)
    reports.report_effectiveness(
        actor=cast.methodist, municipality=cast.municipality, academic_year=year
    )
    document = Document.objects.get(kind=reports.DOCUMENT)
    render_document(document.pk)
    document.refresh_from_db()
    with document.file.open("rb") as stream:
        content = stream.read()
    if os.environ.get("KEEP_PDF"):
        with open(os.environ["KEEP_PDF"], "wb") as out:
            out.write(content)
    with document.file.open("rb") as stream, pdfplumber.open(stream) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "Работа тьюторов за год" in text
    assert "Тьюторова" in text
    assert "не начат" in text
