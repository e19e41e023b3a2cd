"""The acceptance «Clash test»: twenty methodists book the same tutor (or the same room) into
overlapping times at the same moment; exactly one booking stands, the others get a message.

Each attempt runs in its own thread with its own database connection, and the rows must be
committed for the others to see them, hence `transaction=True`. The threads meet at a barrier
so that every attempt passes the service's own check before any insert commits: what stops
the nineteen is the database's exclusion constraint.
"""

import datetime
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from consultations.models import DomainError, Format, Session
from consultations.services.booking import session_book

from .test_booking import at, booking_world, request_of, tutor_of

ATTEMPTS = 20

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints"),
]


def race(world, bookings: list[dict]) -> list[str]:
    """Run the bookings at once; «ok» or the refusal's message for each."""
    barrier = threading.Barrier(len(bookings))

    def attempt(booking):
        try:
            barrier.wait(timeout=30)
            session_book(actor=world.methodist, point=world.point, **booking)
            return "ok"
        except DomainError as error:
            return str(error)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(bookings)) as pool:
        return list(pool.map(attempt, bookings))


def overlapping(world, i: int) -> dict:
    # Starts two minutes apart within one hour: every pair of the twenty overlaps.
    start = at(world, world.monday, 14) + datetime.timedelta(minutes=2 * i)
    return {"starts_at": start, "ends_at": start + datetime.timedelta(minutes=60)}


def test_it_books_one_tutor_once_among_twenty_concurrent_attempts():
    world = booking_world()
    bookings = [
        {
            "request": request_of(world),
            "tutor": world.tutor,
            "room": None,
            "format": Format.REMOTE,
            **overlapping(world, i),
        }
        for i in range(ATTEMPTS)
    ]
    results = race(world, bookings)
    assert results.count("ok") == 1
    refusals = [r for r in results if r != "ok"]
    assert len(refusals) == ATTEMPTS - 1
    assert [r for r in refusals if not r.startswith("Тьютор в это время уже занят")] == []
    assert Session.objects.count() == 1


def test_it_books_one_room_once_among_twenty_concurrent_attempts():
    world = booking_world()
    bookings = [
        {
            "request": request_of(world),
            "tutor": tutor_of(world),
            "room": world.room,
            "format": Format.IN_PERSON,
            **overlapping(world, i),
        }
        for i in range(ATTEMPTS)
    ]
    results = race(world, bookings)
    assert results.count("ok") == 1
    refusals = [r for r in results if r != "ok"]
    assert len(refusals) == ATTEMPTS - 1
    assert all(r.startswith("Помещение в это время уже занято") for r in refusals), refusals
    assert Session.objects.count() == 1
