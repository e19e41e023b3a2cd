"""The occurrences of a series and the clashes of all of them at once."""

import datetime
from zoneinfo import ZoneInfo

import pytest

from consultations.models import Interval
from consultations.series import clashes, occurrences, refuse_clashes
from tests.consultations.factories import SessionFactory
from tutoring.errors import DomainError

MOSCOW = ZoneInfo("Europe/Moscow")
START = datetime.datetime(2027, 1, 11, 15, 0, tzinfo=MOSCOW)  # a Monday
END = START + datetime.timedelta(minutes=60)


def test_it_repeats_weekly_at_the_same_wall_clock_time():
    dates = occurrences(START, END, interval=Interval.WEEKLY, count=3, zone=MOSCOW)
    assert [(o.number, o.starts_at.astimezone(MOSCOW).strftime("%d.%m %H:%M")) for o in dates] == [
        (1, "11.01 15:00"),
        (2, "18.01 15:00"),
        (3, "25.01 15:00"),
    ]
    assert all(o.ends_at - o.starts_at == datetime.timedelta(minutes=60) for o in dates)


def test_it_repeats_every_two_weeks_up_to_a_date_inclusive():
    dates = occurrences(
        START, END, interval=Interval.BIWEEKLY, until=datetime.date(2027, 2, 8), zone=MOSCOW
    )
    assert [o.starts_at.date() for o in dates] == [
        datetime.date(2027, 1, 11),
        datetime.date(2027, 1, 25),
        datetime.date(2027, 2, 8),
    ]


@pytest.mark.parametrize("count", [0, 41])
def test_it_refuses_a_series_of_none_or_more_than_forty(count):
    with pytest.raises(DomainError, match="от 1 до 40 занятий"):
        occurrences(START, END, interval=Interval.WEEKLY, count=count, zone=MOSCOW)


def test_it_refuses_a_date_that_makes_more_than_forty():
    with pytest.raises(DomainError, match="выходит 53 занятий"):
        occurrences(
            START, END, interval=Interval.WEEKLY, until=datetime.date(2028, 1, 10), zone=MOSCOW
        )


def test_it_asks_for_a_count_or_a_date_not_both():
    with pytest.raises(DomainError, match="либо число занятий"):
        occurrences(START, END, interval=Interval.WEEKLY, count=2, until=START.date(), zone=MOSCOW)


@pytest.mark.django_db
def test_it_lists_every_clashing_occurrence_in_one_query(django_assert_num_queries):
    busy = SessionFactory(
        starts_at=START + datetime.timedelta(weeks=1), ends_at=END + datetime.timedelta(weeks=1)
    )
    SessionFactory(
        tutor=busy.tutor,
        municipality=busy.municipality,
        point=busy.point,
        room=busy.room,
        starts_at=START + datetime.timedelta(weeks=3, minutes=30),
        ends_at=END + datetime.timedelta(weeks=3, minutes=30),
    )
    dates = occurrences(START, END, interval=Interval.WEEKLY, count=8, zone=MOSCOW)
    with django_assert_num_queries(1):
        problems = clashes(dates, tutor=busy.tutor, room=None, zone=MOSCOW)
    assert problems == [
        f"Занятие 2 (18.01.2027 15:00–16:00): у {busy.tutor.short_name} занятие "
        "18.01.2027 15:00–16:00.",
        f"Занятие 4 (01.02.2027 15:00–16:00): у {busy.tutor.short_name} занятие "
        "01.02.2027 15:30–16:30.",
    ]
    with pytest.raises(DomainError, match="2 занятия из 8 пересекаются"):
        refuse_clashes(problems, 8)
