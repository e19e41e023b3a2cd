"""A small month to build a schedule of: five tutors with different hours and subjects, three
rooms, and thirty requests of every kind, format, priority and window, in a fixed order. Its
placements, as the schedule was built one booking at a time before it was built in batches,
are kept in `test_schedule_build.PLACEMENTS`."""

import datetime

from consultations.models import AvailabilitySlot, Format, RequestKind, Weekday
from tests.tutoring.factories import SubjectFactory

from .factories import RoomFactory
from .test_booking import booking_world, request_of, tutor_of

KINDS = [
    RequestKind.INDIVIDUAL,
    RequestKind.INDIVIDUAL,
    RequestKind.THEMATIC,
    RequestKind.GROUP_TEACHERS,
    RequestKind.SUPERVISION,
]


def schedule_case():
    world = booking_world()
    world.request.delete()
    physics = SubjectFactory(name="Физика")
    RoomFactory(point=world.point, name="Кабинет 5", capacity=4)
    RoomFactory(point=world.point, name="Актовый зал", capacity=40)
    tutors = [world.tutor]
    for n, (weekday, start, end) in enumerate(
        [
            (Weekday.TUESDAY, 10, 13),
            (Weekday.WEDNESDAY, 15, 18),
            (Weekday.MONDAY, 15, 17),
            (Weekday.THURSDAY, 9, 12),
        ]
    ):
        tutor = tutor_of(world, last_name=f"Тьютор{n}", subject=physics if n == 3 else None)
        AvailabilitySlot.objects.filter(tutor=tutor).update(
            weekday=weekday, starts_at=datetime.time(start), ends_at=datetime.time(end)
        )
        tutors.append(tutor)
    monday = world.monday
    for n in range(30):
        first = monday + datetime.timedelta(days=(n * 3) % 12)
        request_of(
            world,
            topic=f"Заявка {n:02d}",
            kind=KINDS[n % len(KINDS)],
            subject=physics if n % 7 == 0 else world.subject,
            participants_count=[1, 3, 12, 25, 2][n % 5],
            format=Format.REMOTE if n % 4 == 3 else Format.IN_PERSON,
            priority=n % 6 == 0,
            windows=[(first, first + datetime.timedelta(days=6))],
        )
    world.tutors = tutors
    return world


def placements(world, booked, unplaced) -> tuple[list, list]:
    """What the schedule decided, in words a comparison reads: each booked request's tutor,
    day from the first Monday, time and room; each unplaced one's reason."""
    zone = world.municipality.tzinfo
    rows = sorted(
        (
            session.request.topic,
            session.tutor.last_name,
            (session.starts_at.astimezone(zone).date() - world.monday).days,
            f"{session.starts_at.astimezone(zone):%H:%M}–{session.ends_at.astimezone(zone):%H:%M}",
            session.room.name if session.room_id else "",
        )
        for session in booked
    )
    reasons = sorted((request.topic, reason) for request, reason in unplaced)
    return rows, reasons
