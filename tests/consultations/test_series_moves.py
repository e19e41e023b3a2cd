"""Changing a series after it is booked: one occurrence, or it and all that follow, moved,
changed or cancelled — for a methodist's booked series and a tutor's own; and the series'
page that lists its occurrences."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import ConsultationRequest, Format, Session
from consultations.services.booking import session_cancel, session_reschedule
from consultations.services.own import own_series_record, own_session_update
from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring.errors import DomainError
from tutoring.models import AuditEntry, Notification, RoleKind

from .factories import OwnSessionFactory, SessionFactory
from .test_booking import at, booking_world
from .test_own_sessions import local, planned
from .test_series_booking import book_series

pytestmark = pytest.mark.django_db
WEEK = datetime.timedelta(weeks=1)


def occurrences(series):
    return list(series.sessions.order_by("starts_at", "pk"))


def local_times(sessions, zone):
    return [s.starts_at.astimezone(zone).strftime("%d.%m %H:%M") for s in sessions]


# The methodist's booked series.


@pytest.fixture
def booked():
    world = booking_world()
    world.series = book_series(world)
    world.zone = world.municipality.tzinfo
    return world


def test_moving_one_occurrence_moves_it_alone(booked):
    third = occurrences(booked.series)[2]
    start = at(booked, third.starts_at.astimezone(booked.zone).date(), 15)
    session_reschedule(
        actor=booked.methodist,
        session=third,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    times = [s.starts_at.astimezone(booked.zone).hour for s in occurrences(booked.series)]
    assert times == [14, 14, 15, 14, 14, 14, 14, 14]


def test_moving_an_occurrence_and_all_that_follow(booked):
    sessions = occurrences(booked.series)
    third = sessions[2]
    start = at(booked, third.starts_at.astimezone(booked.zone).date(), 15, 30)
    session_reschedule(
        actor=booked.methodist,
        session=third,
        starts_at=start,
        ends_at=start + datetime.timedelta(minutes=45),
        following=True,
    )
    after = occurrences(booked.series)
    assert [s.starts_at.astimezone(booked.zone).strftime("%H:%M") for s in after] == [
        "14:00",
        "14:00",
        *["15:30"] * 6,
    ]
    assert {s.ends_at - s.starts_at for s in after[2:]} == {datetime.timedelta(minutes=45)}
    # Calendars see a new version of each moved event, and of those only.
    assert [s.sequence for s in after] == [0, 0, 1, 1, 1, 1, 1, 1]
    entry = AuditEntry.objects.get(action="session.reschedule", object_id=str(third.pk))
    assert entry.changes["count"] == 6
    # Each of the others has its own entry, with its own times.
    others = AuditEntry.objects.filter(action="session.reschedule").exclude(pk=entry.pk)
    assert sorted(int(e.object_id) for e in others) == [s.pk for s in after[3:]]
    assert all(e.changes["time"][1].endswith("15:30–16:15") for e in others)
    told = Notification.objects.filter(kind="consultations.request.rescheduled")
    assert told.count() == len({n.recipient_id for n in told}) >= 1
    assert all("и ещё 5 следующих занятий серии перенесены" in n.text for n in told)


def test_the_following_move_a_week_later_into_each_others_old_time(booked):
    """Each moves onto the next one's old time: saved last first, none overlaps on the way
    (PostgreSQL's exclusion constraint checks each row as it is written)."""
    sessions = occurrences(booked.series)
    before = [s.starts_at for s in sessions]
    session_reschedule(
        actor=booked.methodist,
        session=sessions[5],
        starts_at=sessions[5].starts_at + WEEK,
        ends_at=sessions[5].ends_at + WEEK,
        following=True,
    )
    after = [s.starts_at for s in occurrences(booked.series)]
    assert after == before[:5] + [moment + WEEK for moment in before[5:]]


def test_a_following_move_that_clashes_names_every_clash_and_moves_nothing(booked):
    sessions = occurrences(booked.series)
    fifth = sessions[4].starts_at.astimezone(booked.zone).date()
    taken = at(booked, fifth, 15)
    SessionFactory(
        municipality=booked.municipality,
        tutor=booked.tutor,
        point=booked.point,
        room=None,
        format=Format.REMOTE,
        starts_at=taken,
        ends_at=taken + datetime.timedelta(minutes=30),
    )
    start = at(booked, sessions[2].starts_at.astimezone(booked.zone).date(), 15)
    with pytest.raises(DomainError, match="Занятия не перенесены: 1 занятие из 6") as refused:
        session_reschedule(
            actor=booked.methodist,
            session=sessions[2],
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            following=True,
        )
    assert "Занятие 5 (" in str(refused.value)
    assert [s.starts_at for s in occurrences(booked.series)] == [s.starts_at for s in sessions]
    assert not AuditEntry.objects.filter(action="session.reschedule").exists()


def test_a_following_move_outside_the_tutors_hours_is_refused(booked):
    # The tutor receives on Mondays only: a Tuesday is outside.
    sessions = occurrences(booked.series)
    tuesday = sessions[6].starts_at.astimezone(booked.zone).date() + datetime.timedelta(days=1)
    with pytest.raises(DomainError, match="вне часов приёма"):
        session_reschedule(
            actor=booked.methodist,
            session=sessions[6],
            starts_at=at(booked, tuesday, 14),
            ends_at=at(booked, tuesday, 15),
            following=True,
        )
    assert [s.starts_at for s in occurrences(booked.series)] == [s.starts_at for s in sessions]


def test_cancelling_an_occurrence_and_the_rest_keeps_the_request_scheduled(booked):
    sessions = occurrences(booked.series)
    session_cancel(actor=booked.methodist, session=sessions[5], reason="Каникулы", following=True)
    statuses = [s.status for s in occurrences(booked.series)]
    assert statuses == [Session.Status.PLANNED] * 5 + [Session.Status.CANCELLED] * 3
    booked.request.refresh_from_db()
    assert booked.request.status == ConsultationRequest.Status.SCHEDULED
    cancelled = AuditEntry.objects.filter(action="session.cancel")
    assert cancelled.get(object_id=str(sessions[5].pk)).changes["count"] == 3
    assert sorted(int(e.object_id) for e in cancelled) == [s.pk for s in sessions[5:]]
    told = Notification.objects.filter(kind="consultations.request.cancelled")
    assert all("3 занятия серии с" in n.text and "отменены: Каникулы" in n.text for n in told)


def test_cancelling_from_the_first_on_returns_the_request_to_be_booked_anew(booked):
    session_cancel(
        actor=booked.methodist,
        session=occurrences(booked.series)[0],
        reason="Школа отказалась",
        following=True,
    )
    assert not booked.series.sessions.filter(status=Session.Status.PLANNED).exists()
    booked.request.refresh_from_db()
    assert booked.request.status == ConsultationRequest.Status.ACCEPTED


def test_the_methodist_moves_the_rest_of_a_series_from_the_page(client, booked):
    sessions = occurrences(booked.series)
    url = f"/consultations/sessions/{sessions[3].pk}/reschedule/"
    client.force_login(booked.methodist)
    assert "Перенести и все следующие занятия серии" in client.get(url).content.decode()
    day = sessions[3].starts_at.astimezone(booked.zone).date()
    response = client.post(
        url,
        {
            "date": day.isoformat(),
            "time": "16:00",
            "duration": "60",
            "outside_windows": "on",
            "following": "on",
        },
        follow=True,
    )
    assert "Занятия серии перенесены, первое — на" in response.content.decode()
    hours = [s.starts_at.astimezone(booked.zone).hour for s in occurrences(booked.series)]
    assert hours == [14, 14, 14, 16, 16, 16, 16, 16]


def test_the_methodist_cancels_the_rest_of_a_series_from_the_page(client, booked):
    sessions = occurrences(booked.series)
    client.force_login(booked.methodist)
    page = client.get(f"/consultations/sessions/{sessions[6].pk}/reschedule/").content.decode()
    assert "Отменить и все следующие занятия серии" in page
    response = client.post(
        f"/consultations/sessions/{sessions[6].pk}/cancel/",
        {"reason": "Перенос курса", "following": "on"},
        follow=True,
    )
    assert "Занятия серии отменены" in response.content.decode()
    assert booked.series.sessions.filter(status=Session.Status.CANCELLED).count() == 2


# The tutor's own series.


@pytest.fixture
def own():
    municipality = MunicipalityFactory()
    school = OrganizationFactory(municipality=municipality, short_name="СОШ № 20")
    tutor = user_with_role(RoleKind.TUTOR, municipality=municipality)
    first = user_with_role(RoleKind.TEACHER, organization=school, last_name="Петрова")
    second = user_with_role(RoleKind.TEACHER, organization=school, last_name="Сидорова")
    series = own_series_record(
        actor=tutor,
        municipality=municipality,
        data=planned(school, [first, second], kind="tutorial", topic="Тьюториал: ВПР"),
        interval=1,
        count=8,
    )
    return municipality, school, tutor, first, second, series


def test_the_tutor_changes_one_occurrence(own):
    municipality, school, tutor, first, second, series = own
    third = occurrences(series)[2]
    day = third.starts_at.astimezone(municipality.tzinfo).date()
    own_session_update(
        actor=tutor,
        session=third,
        data=planned(
            school,
            [first],
            kind="tutorial",
            starts_at=datetime.datetime.combine(day, datetime.time(16)),
            topic="Тьюториал: разбор заданий",
        ),
    )
    after = occurrences(series)
    assert [s.topic for s in after].count("Тьюториал: разбор заданий") == 1
    assert after[2].starts_at.astimezone(municipality.tzinfo).hour == 16
    assert list(after[2].teachers.all()) == [first]
    assert after[3].teachers.count() == 2
    # Both teachers are told: the one still taking part and the one no longer.
    told = Notification.objects.filter(kind="consultations.session.own_changed")
    assert {n.recipient for n in told} == {first, second}
    assert all("(было " in n.text for n in told)


def test_the_tutor_changes_an_occurrence_and_all_that_follow(own):
    municipality, school, tutor, first, second, series = own
    sixth = occurrences(series)[5]
    day = sixth.starts_at.astimezone(municipality.tzinfo).date() + datetime.timedelta(days=1)
    changed = own_session_update(
        actor=tutor,
        session=sixth,
        data=planned(
            school,
            [first, second],
            kind="tutorial",
            format=Format.REMOTE,
            link="https://sferum.ru/?call_link=tutorial",
            starts_at=datetime.datetime.combine(day, datetime.time(9)),
        ),
        following=True,
    )
    assert len(changed) == 3
    after = occurrences(series)
    assert [s.format for s in after] == [Format.IN_PERSON] * 5 + [Format.REMOTE] * 3
    assert {s.meeting_link for s in after[5:]} == {"https://sferum.ru/?call_link=tutorial"}
    assert {s.starts_at.astimezone(municipality.tzinfo).hour for s in after[5:]} == {9}
    assert [b.starts_at - a.starts_at for a, b in itertools.pairwise(after[5:])] == [WEEK, WEEK]
    entries = AuditEntry.objects.filter(action="session.own_update")
    assert entries.get(object_id=str(sixth.pk)).changes["count"] == 3
    assert sorted(int(e.object_id) for e in entries) == [s.pk for s in after[5:]]
    assert all("link" in e.changes and "time" in e.changes for e in entries)


def test_a_clash_of_a_following_change_names_it_and_changes_nothing(own):
    municipality, school, tutor, first, _second, series = own
    sessions = occurrences(series)
    seventh = sessions[6].starts_at.astimezone(municipality.tzinfo)
    OwnSessionFactory(
        municipality=municipality,
        tutor=tutor,
        organization=school,
        starts_at=seventh + datetime.timedelta(hours=2),
        ends_at=seventh + datetime.timedelta(hours=3),
    )
    fourth = sessions[3].starts_at.astimezone(municipality.tzinfo)
    with pytest.raises(DomainError, match="Занятия не изменены: 1 занятие из 5") as refused:
        own_session_update(
            actor=tutor,
            session=sessions[3],
            data=planned(
                school,
                [first],
                kind="tutorial",
                starts_at=datetime.datetime.combine(fourth.date(), datetime.time(17)),
            ),
            following=True,
        )
    assert "Занятие 7 (" in str(refused.value)
    assert [s.starts_at for s in occurrences(series)] == [s.starts_at for s in sessions]
    assert not AuditEntry.objects.filter(action="session.own_update").exists()


def test_only_its_tutor_changes_it_and_only_while_planned(own):
    municipality, school, tutor, first, _second, series = own
    other = user_with_role(RoleKind.TUTOR, municipality=municipality)
    session = occurrences(series)[0]
    with pytest.raises(DomainError, match="только тьютор, который его записал"):
        own_session_update(actor=other, session=session, data=planned(school, [first]))
    session.status = Session.Status.CANCELLED
    session.save()
    with pytest.raises(DomainError, match="только запланированное"):
        own_session_update(actor=tutor, session=session, data=planned(school, [first]))


def test_a_booked_session_is_not_changed_as_the_tutors_own():
    world = booking_world()
    session = book_series(world, count=2).sessions.first()
    with pytest.raises(DomainError, match="по заявке"):
        own_session_update(
            actor=world.tutor, session=session, data=planned(world.school, [], topic="x")
        )


def edit_data(session, zone, **overrides):
    start = session.starts_at.astimezone(zone)
    data = {
        "kind": session.kind,
        "date": start.date().isoformat(),
        "time": start.strftime("%H:%M"),
        "duration": "60",
        "format": session.format,
        "organization": session.organization_id,
        "place": session.place,
        "teachers": [t.pk for t in session.teachers.all()],
        "topic": session.topic,
    }
    return data | overrides


def test_the_tutor_edits_the_rest_of_the_series_from_the_page(client, own):
    municipality, _school, tutor, _first, _second, series = own
    sessions = occurrences(series)
    client.force_login(tutor)
    page = client.get(sessions[4].get_absolute_url()).content.decode()
    assert "Изменить или перенести" in page and "Занятие 5 из 8" in page
    url = f"/consultations/sessions/{sessions[4].pk}/own-edit/"
    form = client.get(url).content.decode()
    assert "Изменить и все следующие занятия серии" in form
    assert "Лист наблюдения урока" not in form and "Повторять" not in form
    response = client.post(
        url,
        edit_data(sessions[4], municipality.tzinfo, topic="Тьюториал: итог", following="on"),
        follow=True,
    )
    assert "Изменено 4 занятия серии." in response.content.decode()
    assert [s.topic for s in occurrences(series)][3:] == ["Тьюториал: ВПР"] + [
        "Тьюториал: итог"
    ] * 4
    history = client.get(sessions[4].get_absolute_url()).content.decode()
    assert "тьютор изменил занятие" in history
    later = client.get(sessions[6].get_absolute_url()).content.decode()
    assert "тьютор изменил занятие" in later and "Тьюториал: итог" in later
    assert "topic" not in later.split("<footer")[0].split("</nav>")[-1]


@pytest.mark.parametrize("who", ["other_tutor", "teacher", "methodist"])
def test_nobody_else_opens_the_edit_page(client, own, who):
    municipality, _school, _tutor, first, _second, series = own
    session = occurrences(series)[0]
    user = {
        "other_tutor": lambda: user_with_role(RoleKind.TUTOR, municipality=municipality),
        "teacher": lambda: first,
        "methodist": lambda: user_with_role(RoleKind.METHODIST, municipality=municipality),
    }[who]()
    client.force_login(user)
    response = client.get(f"/consultations/sessions/{session.pk}/own-edit/")
    assert response.status_code in (403, 404)
    response = client.post(
        f"/consultations/sessions/{session.pk}/own-edit/",
        edit_data(session, municipality.tzinfo, topic="Чужая правка"),
    )
    assert response.status_code in (403, 404)
    session.refresh_from_db()
    assert session.topic == "Тьюториал: ВПР"


def test_a_past_session_is_not_edited_from_the_page(client, own):
    municipality, school, tutor, _first, _second, _series = own
    past = OwnSessionFactory(
        municipality=municipality,
        tutor=tutor,
        organization=school,
        starts_at=timezone.now() - datetime.timedelta(days=1),
        ends_at=timezone.now() - datetime.timedelta(days=1) + datetime.timedelta(hours=1),
    )
    client.force_login(tutor)
    assert "Изменить или перенести" not in client.get(past.get_absolute_url()).content.decode()
    page = client.get(f"/consultations/sessions/{past.pk}/own-edit/").content.decode()
    assert "Изменить можно только запланированное занятие" in page
    assert 'name="topic"' not in page


# The series' page.


@pytest.mark.parametrize(
    "who, status",
    [("tutor", 200), ("first", 200), ("methodist", 200), ("outsider", 404), ("stranger", 404)],
)
def test_who_sees_the_series_page(client, own, who, status):
    municipality, _school, tutor, first, _second, series = own
    elsewhere = MunicipalityFactory()
    user = {
        "tutor": lambda: tutor,
        "first": lambda: first,
        "methodist": lambda: user_with_role(RoleKind.METHODIST, municipality=municipality),
        "outsider": lambda: user_with_role(RoleKind.METHODIST, municipality=elsewhere),
        "stranger": lambda: user_with_role(
            RoleKind.TEACHER, organization=OrganizationFactory(municipality=municipality)
        ),
    }[who]()
    client.force_login(user)
    response = client.get(series.get_absolute_url())
    assert response.status_code == status
    if status == 200:
        page = response.content.decode()
        assert "Серия из 8 занятий (еженедельно)" in page
        assert "Занятие 1 из 8" in page and "Занятие 8 из 8" in page


def test_the_series_page_names_cancelled_occurrences_and_keeps_its_queries(client):
    municipality = MunicipalityFactory()
    school = OrganizationFactory(municipality=municipality)
    tutor = user_with_role(RoleKind.TUTOR, municipality=municipality)
    teacher = user_with_role(RoleKind.TEACHER, organization=school)
    client.force_login(tutor)

    def series_of(count, days):
        return own_series_record(
            actor=tutor,
            municipality=municipality,
            data=planned(school, [teacher], starts_at=local(days), kind="tutorial"),
            interval=1,
            count=count,
        )

    def queries(series):
        with CaptureQueriesContext(connection) as captured:
            page = client.get(series.get_absolute_url()).content.decode()
        return len(captured.captured_queries), page

    short, _ = queries(series_of(2, 2))
    long = series_of(40, 3)
    last = occurrences(long)[-1]
    last.status, last.cancel_reason = Session.Status.CANCELLED, "Каникулы"
    last.save()
    many, page = queries(long)
    assert many == short
    assert "Занятие 40 из 40" in page and "Каникулы" in page
    assert "Запланировано 39 из 40" in page
