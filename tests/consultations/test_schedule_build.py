"""The schedule of a period built in batches, as a task with a progress page: the same
placements as one booking at a time gave, every rule of a booking kept, a batch the database
refuses booked again one by one, and the methodist's page from the form to the result."""

import datetime

import pytest

from consultations.matching import build_schedule

from .schedule_case import placements, schedule_case

pytestmark = pytest.mark.django_db

# The placements of `schedule_case` as the schedule was built one booking at a time (through
# `session_book`, each in its own transaction) before it was built in batches.
PLACEMENTS = [
    ("Заявка 00", "Тьютор3", 3, "09:00–10:00", "Кабинет 5"),
    ("Заявка 01", "Тьютор0", 8, "11:00–12:00", "Кабинет 5"),
    ("Заявка 02", "Тьютор1", 9, "15:00–16:00", "Кабинет 12"),
    ("Заявка 03", "Тьютор2", 14, "15:00–16:30", ""),
    ("Заявка 04", "Тьюторова", 0, "15:00–16:00", "Кабинет 5"),
    ("Заявка 05", "Тьютор0", 8, "12:00–13:00", "Кабинет 5"),
    ("Заявка 06", "Тьютор0", 8, "10:00–11:00", "Кабинет 5"),
    ("Заявка 07", "Тьютор3", 10, "09:00–10:00", ""),
    ("Заявка 08", "Тьютор1", 2, "16:00–17:30", "Актовый зал"),
    ("Заявка 09", "Тьюторова", 7, "14:00–15:00", "Кабинет 5"),
    ("Заявка 10", "Тьютор1", 9, "16:00–17:00", "Кабинет 5"),
    ("Заявка 11", "Тьютор0", 15, "10:00–11:00", ""),
    ("Заявка 12", "Тьютор1", 2, "15:00–16:00", "Кабинет 12"),
    ("Заявка 14", "Тьютор3", 10, "10:00–11:00", "Кабинет 5"),
    ("Заявка 15", "Тьюторова", 14, "14:00–15:00", ""),
    ("Заявка 16", "Тьютор2", 0, "15:00–16:00", "Кабинет 12"),
    ("Заявка 17", "Тьютор1", 9, "17:00–18:00", "Кабинет 12"),
    ("Заявка 18", "Тьютор2", 7, "15:00–16:30", "Актовый зал"),
    ("Заявка 19", "Тьютор0", 15, "11:00–12:00", ""),
    ("Заявка 20", "Тьютор2", 0, "16:00–17:00", "Кабинет 5"),
    ("Заявка 21", "Тьютор3", 3, "10:00–11:00", "Кабинет 5"),
    ("Заявка 22", "Тьюторова", 7, "15:00–16:00", "Кабинет 12"),
    ("Заявка 23", "Тьюторова", 14, "15:00–16:30", ""),
    ("Заявка 24", "Тьюторова", 0, "14:00–15:00", "Кабинет 5"),
    ("Заявка 25", "Тьюторова", 7, "16:00–17:00", "Кабинет 5"),
    ("Заявка 27", "Тьютор0", 15, "12:00–13:00", ""),
]
UNPLACED = [
    ("Заявка 13", "в свободное время тьюторов все помещения на 25 человек заняты"),
    (
        "Заявка 26",
        "ни у одного тьютора по предмету «Математика» нет свободных 60 минут в желаемые даты",
    ),
    (
        "Заявка 28",
        "ни у одного тьютора по предмету «Физика» нет свободных 90 минут в желаемые даты",
    ),
    (
        "Заявка 29",
        "ни у одного тьютора по предмету «Математика» нет свободных 60 минут в желаемые даты",
    ),
]


def build(world, **overrides):
    fields = {
        "actor": world.methodist,
        "municipality": world.municipality,
        "point": world.point,
        "starts_on": world.monday,
        "ends_on": world.monday + datetime.timedelta(days=20),
    } | overrides
    return build_schedule(**fields)


def test_it_places_every_request_as_one_booking_at_a_time_did():
    world = schedule_case()
    rows, reasons = placements(world, *build(world))
    assert rows == PLACEMENTS
    assert reasons == UNPLACED
