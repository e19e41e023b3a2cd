"""A request booked as a series of sessions (a tutorial course): all or nothing."""

import datetime
import itertools

import pytest

from consultations.models import ConsultationRequest, DomainError, Format, Session, SessionSeries
from consultations.services.booking import series_book
from tutoring.models import Notification

from .factories import SessionFactory
from .test_booking import at, booking_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return booking_world()


def book_series(world, count=8, **overrides):
    start = at(world, world.monday, 14)
    fields = {
        "actor": world.methodist,
        "request": world.request,
        "tutor": world.tutor,
        "point": world.point,
        "room": world.room,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(minutes=60),
        "format": Format.IN_PERSON,
        "interval": 1,
        "count": count,
    } | overrides
    return series_book(**fields)


def test_it_books_eight_weekly_sessions_and_tells_the_requester_once(world):
    series = book_series(world)
    sessions = list(series.sessions.order_by("starts_at"))
    assert len(sessions) == 8 and series.request == world.request
    assert {s.starts_at.astimezone(world.municipality.tzinfo).weekday() for s in sessions} == {0}
    assert all(s.organization == world.school for s in sessions)
    world.request.refresh_from_db()
    assert world.request.status == ConsultationRequest.Status.SCHEDULED
    told = Notification.objects.filter(kind="consultations.request.scheduled")
    # One notice a person for the whole series, not one per occurrence.
    assert told.count() == len({n.recipient_id for n in told}) >= 1
    assert all("серия из 8 занятий" in n.text for n in told)


def test_a_clash_of_one_occurrence_books_nothing_and_names_it(world):
    third = at(world, world.monday + datetime.timedelta(weeks=2), 14, 30)
    SessionFactory(
        municipality=world.municipality,
        tutor=world.tutor,
        point=world.point,
        room=None,
        format=Format.REMOTE,
        starts_at=third,
        ends_at=third + datetime.timedelta(minutes=30),
    )
    with pytest.raises(DomainError, match="1 занятие из 8 пересекается") as refused:
        book_series(world)
    assert "Занятие 3 (" in str(refused.value)
    assert not SessionSeries.objects.exists()
    assert Session.objects.count() == 1
    world.request.refresh_from_db()
    assert world.request.status == ConsultationRequest.Status.ACCEPTED


def test_occurrences_outside_the_tutors_hours_are_listed(world):
    # The tutor's hours are Mondays 14–17; every two weeks on a Monday is inside, but an
    # exception of the third week is not.
    from .factories import AvailabilityExceptionFactory

    day = world.monday + datetime.timedelta(weeks=2)
    AvailabilityExceptionFactory(
        municipality=world.municipality, tutor=world.tutor, starts_on=day, ends_on=day
    )
    with pytest.raises(DomainError, match="вне часов приёма") as refused:
        book_series(world, count=4)
    assert "Занятие 3 (" in str(refused.value)
    assert not Session.objects.exists()


@pytest.mark.parametrize("count", [0, 41])
def test_it_refuses_a_series_of_none_or_more_than_forty(world, count):
    with pytest.raises(DomainError, match="от 1 до 40"):
        book_series(world, count=count)
    assert not Session.objects.exists()


def test_its_queries_grow_by_a_few_per_occurrence_not_more(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(world, count):
        with CaptureQueriesContext(connection) as captured:
            book_series(world, count=count)
        return len(captured.captured_queries)

    two, eight = queries(world, 2), queries(booking_world(), 8)
    # Each occurrence is one insert in a savepoint (three statements), one check of the
    # tutor's hours and its teacher; the rest is paid once.
    assert (eight - two) / 6 <= 6


def test_the_methodist_books_a_series_from_the_page(client, world):
    from .test_booking import form_data, schedule_url

    client.force_login(world.methodist)
    data = form_data(world) | {"repeat": "2", "count": "3"}
    response = client.post(schedule_url(world), data, follow=True)
    assert "Назначена серия из 3 занятий (раз в две недели)" in response.content.decode()
    starts = list(Session.objects.order_by("starts_at").values_list("starts_at", flat=True))
    assert [b - a for a, b in itertools.pairwise(starts)] == [datetime.timedelta(weeks=2)] * 2


def test_a_series_without_a_count_or_a_date_is_asked_for_one(client, world):
    from .test_booking import form_data, schedule_url

    client.force_login(world.methodist)
    page = client.post(schedule_url(world), form_data(world) | {"repeat": "1"}).content.decode()
    assert "Укажите, сколько раз повторять" in page
    assert not Session.objects.exists()
