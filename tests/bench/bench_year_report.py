"""A year's report for a tutor with 500 held sessions, 40 plan items and 30 teachers: the
builder's time and queries, and the report page's.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_year_report.py -s -o python_files='bench_*.py'

It prints the figures and asserts no timings, which depend on the machine.
"""

import datetime
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from community.models import TutorYearReport
from community.year_report import year_report_figures
from consultations.models import RequestKind, Session
from tests.community.factories import TutorPlanFactory, TutorPlanItemFactory
from tests.tutoring.factories import (
    AcademicYearFactory,
    MunicipalityFactory,
    OrganizationFactory,
    user_with_role,
)
from tutoring.models import RoleKind

SESSIONS = 500
REPEATS = 5
KINDS = [RequestKind.SUPERVISION, RequestKind.LESSON_VISIT, RequestKind.INDIVIDUAL]


@pytest.mark.django_db
def test_year_report_for_500_sessions(client):
    municipality = MunicipalityFactory()
    year = AcademicYearFactory()
    tutor = user_with_role(RoleKind.TUTOR, municipality=municipality)
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    schools = [OrganizationFactory(municipality=municipality) for _ in range(10)]
    teachers = [user_with_role(RoleKind.TEACHER, organization=schools[n % 10]) for n in range(30)]
    plan = TutorPlanFactory(tutor=tutor, municipality=municipality, academic_year=year)
    items = [TutorPlanItemFactory(plan=plan, position=n) for n in range(40)]
    start = timezone.make_aware(datetime.datetime(year.start_year, 9, 2, 8))
    sessions = Session.objects.bulk_create(
        Session(
            municipality=municipality,
            tutor=tutor,
            origin=Session.Origin.OWN,
            kind=KINDS[n % 3],
            format="in_person",
            organization=schools[n % 10],
            place="кабинет 12",
            topic=f"Занятие {n}",
            starts_at=start + datetime.timedelta(hours=3 * n),
            ends_at=start + datetime.timedelta(hours=3 * n + 1),
            status=Session.Status.HELD,
            tutor_plan_item=items[n % 40] if n % 2 else None,
        )
        for n in range(SESSIONS)
    )
    Session.teachers.through.objects.bulk_create(
        Session.teachers.through(session_id=session.pk, user_id=teachers[n % 30].pk)
        for n, session in enumerate(sessions)
    )

    timings = []
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            figures = year_report_figures(
                tutor=tutor, municipality=municipality, academic_year=year
            )
            timings.append(time.perf_counter() - began)
    assert figures.held == SESSIONS
    print(
        f"\nbuilder: {SESSIONS} sessions, {len(queries)} queries, "
        f"median {statistics.median(timings) * 1000:.0f} ms"
    )

    report = TutorYearReport.objects.create(
        municipality=municipality, academic_year=year, tutor=tutor
    )
    client.force_login(methodist)
    timings = []
    for _ in range(REPEATS):
        with CaptureQueriesContext(connection) as queries:
            began = time.perf_counter()
            assert client.get(report.get_absolute_url()).status_code == 200
            timings.append(time.perf_counter() - began)
    print(f"report page: {len(queries)} queries, median {statistics.median(timings) * 1000:.0f} ms")
