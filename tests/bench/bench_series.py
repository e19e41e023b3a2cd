"""Series of 40 weekly sessions for 200 tutors: each tutor plans their own course, and a
methodist books a request of each tutor as a series; then one occurrence and all that follow
are moved. Time and queries per series, median and worst, and the total.

Not part of the suite: run it on purpose with

    pytest tests/bench/bench_series.py -s -o python_files='bench_*.py'

It prints the figures and asserts no timings, which depend on the machine.
"""

import datetime
import statistics
import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import ConsultationRequest, Format, Session
from consultations.services.booking import series_book, session_reschedule
from consultations.services.own import OwnSession, own_series_record
from tests.consultations.factories import (
    AvailabilitySlotFactory,
    ConsultationPointFactory,
    ConsultationRequestFactory,
)
from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring.models import RoleKind

TUTORS = 200
OCCURRENCES = 40


def _figures(label: str, timings: list[float], queries: list[int]) -> None:
    print(
        f"{label}: {len(timings)} series of {OCCURRENCES}, "
        f"median {statistics.median(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms, "
        f"total {sum(timings):.1f} s; queries median {statistics.median(queries):.0f}, "
        f"worst {max(queries)}"
    )


def _timed(call):
    # The log keeps 9,000 queries; past them CaptureQueriesContext counts nothing.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        value = call()
        spent = time.perf_counter() - began
    return value, spent, len(captured.captured_queries)


@pytest.mark.django_db
def test_forty_occurrence_series_for_two_hundred_tutors():
    municipality = MunicipalityFactory()
    zone = municipality.tzinfo
    point = ConsultationPointFactory(
        municipality=municipality, remote_link="https://sferum.ru/?call_link=punkt"
    )
    schools = [OrganizationFactory(municipality=municipality) for _ in range(20)]
    teachers = [user_with_role(RoleKind.TEACHER, organization=schools[n % 20]) for n in range(40)]
    methodist = user_with_role(RoleKind.METHODIST, municipality=municipality)
    tutors = [user_with_role(RoleKind.TUTOR, municipality=municipality) for _ in range(TUTORS)]
    for tutor in tutors:
        # Free every weekday afternoon, so the booked series is inside the tutor's hours.
        for weekday in range(5):
            AvailabilitySlotFactory(
                municipality=municipality,
                tutor=tutor,
                weekday=weekday,
                starts_at=datetime.time(13),
                ends_at=datetime.time(18),
            )
    monday = timezone.localdate(timezone=zone)
    monday += datetime.timedelta(days=7 - monday.weekday())

    timings, queries = [], []
    for n, tutor in enumerate(tutors):
        data = OwnSession(
            kind="tutorial",
            starts_at=datetime.datetime.combine(monday, datetime.time(9)),
            duration=60,
            format=Format.REMOTE,
            link="https://sferum.ru/?call_link=tutorial",
            teachers=[teachers[n % 40], teachers[(n + 1) % 40]],
            topic="Тьюториал: подготовка к ВПР",
        )
        _, spent, count = _timed(
            lambda tutor=tutor, data=data: own_series_record(
                actor=tutor, municipality=municipality, data=data, interval=1, count=OCCURRENCES
            )
        )
        timings.append(spent)
        queries.append(count)
    print()
    _figures("own series", timings, queries)

    timings, queries, booked = [], [], []
    for n, tutor in enumerate(tutors):
        request = ConsultationRequestFactory(
            municipality=municipality,
            organization=schools[n % 20],
            status=ConsultationRequest.Status.ACCEPTED,
            format=Format.REMOTE,
            windows=[],
        )
        start = datetime.datetime.combine(monday, datetime.time(14), tzinfo=zone)
        series, spent, count = _timed(
            lambda tutor=tutor, request=request, start=start: series_book(
                actor=methodist,
                request=request,
                tutor=tutor,
                point=point,
                room=None,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
                format=Format.REMOTE,
                interval=1,
                count=OCCURRENCES,
            )
        )
        timings.append(spent)
        queries.append(count)
        booked.append(series)
    _figures("booked series", timings, queries)

    timings, queries = [], []
    for series in booked[:50]:
        tenth = series.sessions.order_by("starts_at")[9]
        _, spent, count = _timed(
            lambda tenth=tenth: session_reschedule(
                actor=methodist,
                session=tenth,
                starts_at=tenth.starts_at + datetime.timedelta(hours=1),
                ends_at=tenth.ends_at + datetime.timedelta(hours=1),
                following=True,
            )
        )
        timings.append(spent)
        queries.append(count)
    print(
        f"move occurrence 10 and the 30 that follow: {len(timings)} series, "
        f"median {statistics.median(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms; "
        f"queries median {statistics.median(queries):.0f}"
    )
    assert Session.objects.count() == 2 * TUTORS * OCCURRENCES
