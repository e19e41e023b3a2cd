"""Booking a session: every rule of `session_book`, cancelling and moving; and the page on
which the methodist books from the ranked tutors."""

import datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from consultations.models import ConsultationRequest, DomainError, Format, Session, Weekday
from consultations.services.booking import (
    _saved,
    session_book,
    session_cancel,
    session_reschedule,
)
from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    RoleFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, Notification, RoleKind

from .factories import (
    AvailabilitySlotFactory,
    ConsultationPointFactory,
    ConsultationRequestFactory,
    RoomFactory,
)

Status = ConsultationRequest.Status


def next_monday(weeks: int = 1) -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=7 - today.weekday() + 7 * (weeks - 1))


def at(world, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    """A wall-clock time of the world's municipality."""
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=world.municipality.tzinfo
    )


def tutor_of(world, *, subject=None, organization=None, **user_fields):
    """A tutor of the municipality (working at another school), free on Mondays 14:00–17:00."""
    tutor = user_with_role(
        RoleKind.TUTOR,
        municipality=world.municipality,
        organization=organization or OrganizationFactory(municipality=world.municipality),
        **user_fields,
    )
    tutor.roles.get().subjects.add(subject or world.subject)
    AvailabilitySlotFactory(
        municipality=world.municipality,
        tutor=tutor,
        weekday=Weekday.MONDAY,
        starts_at=datetime.time(14),
        ends_at=datetime.time(17),
    )
    return tutor


def request_of(world, **fields):
    monday = next_monday()
    fields.setdefault("windows", [(monday, monday + datetime.timedelta(days=13))])
    return ConsultationRequestFactory(
        municipality=world.municipality,
        organization=fields.pop("organization", world.school),
        subject=fields.pop("subject", world.subject),
        status=fields.pop("status", Status.ACCEPTED),
        **fields,
    )


def booking_world(timezone_name="Asia/Novokuznetsk"):
    """A municipality (UTC+7, as Калтан) with a point (with a permanent link for remote
    sessions), a 20-seat room, a requesting school, a methodist, a mathematics tutor and an
    accepted in-person request for 3 people."""
    municipality = MunicipalityFactory(timezone=timezone_name)
    point = ConsultationPointFactory(
        municipality=municipality, remote_link="https://sferum.ru/?call_link=punkt"
    )
    world = SimpleNamespace(
        municipality=municipality,
        point=point,
        room=RoomFactory(point=point, capacity=20, name="Кабинет 12"),
        school=OrganizationFactory(municipality=municipality),
        subject=SubjectFactory(name="Математика"),
        methodist=user_with_role(RoleKind.METHODIST, municipality=municipality),
    )
    world.tutor = tutor_of(world, last_name="Тьюторова")
    world.request = request_of(world, participants_count=3)
    world.monday = next_monday()
    return world


def book(world, *, start=None, minutes=60, **overrides):
    start = start or at(world, world.monday, 14)
    fields = {
        "actor": world.methodist,
        "request": world.request,
        "tutor": world.tutor,
        "point": world.point,
        "room": world.room,
        "starts_at": start,
        "ends_at": start + datetime.timedelta(minutes=minutes),
        "format": Format.IN_PERSON,
    } | overrides
    return session_book(**fields)


def refused(world, message, **overrides):
    """The booking is refused with the message, and nothing is saved."""
    sessions_before = Session.objects.count()
    with pytest.raises(DomainError, match=message):
        book(world, **overrides)
    assert Session.objects.count() == sessions_before
    assert not AuditEntry.objects.filter(action="session.book").exists()
    return True


@pytest.fixture
def world(db):
    return booking_world()


def test_it_books_an_accepted_request_and_marks_it_scheduled(world):
    session = book(world)
    session.refresh_from_db()
    assert (session.tutor, session.room) == (world.tutor, world.room)
    assert session.request == world.request
    assert session.kind == world.request.kind and session.status == Session.Status.PLANNED
    assert session.starts_at.astimezone(world.municipality.tzinfo).hour == 14
    assert session.created_by == world.methodist
    world.request.refresh_from_db()
    assert world.request.status == Status.SCHEDULED
    entry = AuditEntry.objects.get(action="session.book")
    assert entry.object_id == str(session.pk) and entry.actor == world.methodist
    assert entry.changes["tutor"] == world.tutor.full_name


def test_it_tells_the_requester_only_of_a_booking_that_stands(world):
    with pytest.raises(DomainError):
        book(world, start=at(world, world.monday, 18))
    assert not Notification.objects.exists()
    book(world)
    assert list(
        Notification.objects.filter(recipient=world.request.requested_by).values_list(
            "kind", flat=True
        )
    ) == ["consultations.request.scheduled"]


def test_it_books_only_an_accepted_request(world):
    world.request = request_of(world, status=Status.SUBMITTED)
    assert refused(world, "только по принятой заявке")
    world.request.refresh_from_db()
    assert world.request.status == Status.SUBMITTED


def test_it_refuses_a_tutor_from_the_requesting_school(world):
    RoleFactory(user=world.tutor, kind=RoleKind.TEACHER, organization=world.school)
    assert refused(world, "конфликт интересов")
    world.request.refresh_from_db()
    assert world.request.status == Status.ACCEPTED


def test_it_refuses_a_tutor_whose_workplace_is_the_requesting_school(world):
    tutor = tutor_of(world, organization=world.school)
    assert refused(world, "работает в школе-заявителе", tutor=tutor)


def test_it_refuses_a_person_who_is_not_a_tutor_of_the_municipality(world):
    stranger = user_with_role(RoleKind.TUTOR)  # a tutor of another municipality
    assert refused(world, "не входит в сообщество тьюторов", tutor=stranger)


def test_it_refuses_a_time_outside_the_tutors_availability(world):
    assert refused(world, "вне часов приёма тьютора", start=at(world, world.monday, 16, 30))
    tuesday = world.monday + datetime.timedelta(days=1)
    assert refused(world, "вне часов приёма тьютора", start=at(world, tuesday, 14))


def test_it_reads_availability_in_the_municipalitys_time_zone(world):
    # 14:00 in Калтан is 10:00 in Moscow: the slot is local, not the server's.
    moscow_ten = datetime.datetime.combine(
        world.monday, datetime.time(10), tzinfo=datetime.timezone(datetime.timedelta(hours=3))
    )
    session = book(world, start=moscow_ten)
    assert session.starts_at == at(world, world.monday, 14)


def test_it_refuses_a_room_too_small_for_the_participants(world):
    world.room.capacity = 2
    world.room.save()
    assert refused(world, "2 места, а участников 3")


def test_it_requires_a_room_for_an_in_person_session(world):
    assert refused(world, "Для очного занятия выберите помещение", room=None)


def test_it_books_a_remote_session_without_a_room(world):
    session = book(world, room=None, format=Format.REMOTE)
    assert session.room is None and session.format == Format.REMOTE


def test_it_refuses_a_room_of_another_point_or_out_of_use(world):
    elsewhere = RoomFactory(point=ConsultationPointFactory(municipality=world.municipality))
    assert refused(world, "находится не в пункте", room=elsewhere)
    world.room.is_active = False
    world.room.save()
    assert refused(world, "сейчас не используется")


def test_it_refuses_a_point_of_another_municipality(world):
    assert refused(world, "другому муниципальному образованию", point=ConsultationPointFactory())


def test_it_refuses_a_time_in_the_past(world):
    yesterday = timezone.now() - datetime.timedelta(days=1)
    assert refused(world, "на прошедшее время", start=yesterday)


def test_it_refuses_a_tutor_busy_at_that_time(world):
    book(world)
    other = request_of(world)
    message = "Тьютор в это время уже занят"
    assert refused_again(world, message, request=other, room=None, format=Format.REMOTE)


def test_it_refuses_a_room_busy_at_that_time(world):
    book(world)
    other = request_of(world)
    colleague = tutor_of(world)
    start = at(world, world.monday, 14, 30)
    message = "Помещение в это время уже занято"
    assert refused_again(world, message, request=other, tutor=colleague, start=start)


def refused_again(world, message, **overrides):
    """After one booking: the second is refused and leaves the first alone."""
    with pytest.raises(DomainError, match=message):
        book(world, **overrides)
    assert Session.objects.count() == 1
    assert AuditEntry.objects.filter(action="session.book").count() == 1
    return True


@pytest.mark.skipif(connection.vendor != "postgresql", reason="exclusion constraints")
def test_it_turns_the_databases_refusal_into_a_message_and_keeps_the_transaction(world):
    session = book(world)
    twin = Session(
        municipality=world.municipality,
        point=world.point,
        tutor=world.tutor,
        kind=session.kind,
        format=Format.REMOTE,
        starts_at=session.starts_at + datetime.timedelta(minutes=30),
        ends_at=session.ends_at + datetime.timedelta(minutes=30),
    )
    with pytest.raises(DomainError, match="Тьютор в это время уже занят"):
        _saved(twin)  # straight to the database, past the service's own check
    twin.room, twin.tutor = world.room, tutor_of(world)
    with pytest.raises(DomainError, match="Помещение в это время уже занято"):
        _saved(twin)
    assert Session.objects.count() == 1  # the test's transaction is still usable


def test_it_cancels_a_session_freeing_the_time_and_returning_the_request(world):
    session = book(world)
    session_cancel(actor=world.methodist, session=session, reason="Тьютор на курсах")
    session.refresh_from_db()
    world.request.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert session.cancel_reason == "Тьютор на курсах"
    assert world.request.status == Status.ACCEPTED
    assert AuditEntry.objects.get(action="session.cancel").changes["reason"] == "Тьютор на курсах"
    again = book(world)  # the same tutor, room and time are free again
    assert again.pk != session.pk


def test_it_needs_a_reason_to_cancel(world):
    session = book(world)
    with pytest.raises(DomainError, match="Укажите причину отмены"):
        session_cancel(actor=world.methodist, session=session, reason="  ")
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED
    assert not AuditEntry.objects.filter(action="session.cancel").exists()


def test_it_cancels_only_a_planned_session(world):
    session = book(world)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.HELD)
    with pytest.raises(DomainError, match="только запланированное"):
        session_cancel(actor=world.methodist, session=session, reason="Ошибка")


def test_it_reschedules_a_session_into_its_own_old_time(world):
    session = book(world)
    moved = session_reschedule(
        actor=world.methodist,
        session=session,
        starts_at=at(world, world.monday, 14, 30),
        ends_at=at(world, world.monday, 15, 30),
    )
    session.refresh_from_db()
    assert moved.pk == session.pk and session.starts_at == at(world, world.monday, 14, 30)
    assert session.room == world.room and session.status == Session.Status.PLANNED
    world.request.refresh_from_db()
    assert world.request.status == Status.SCHEDULED
    entry = AuditEntry.objects.get(action="session.reschedule")
    assert entry.changes["time"][1].startswith(f"{world.monday:%d.%m.%Y} 14:30")


def test_it_refuses_to_reschedule_outside_availability_or_into_a_clash(world):
    session = book(world)
    other = book(
        world,
        request=request_of(world),
        start=at(world, world.monday, 16),
        room=None,
        format=Format.REMOTE,
    )
    later = at(world, world.monday + datetime.timedelta(days=7), 18)
    for start, message in [
        (later, "вне часов приёма"),
        (at(world, world.monday, 15, 30), "Тьютор в это время уже занят"),
        (timezone.now() - datetime.timedelta(hours=1), "на прошедшее время"),
    ]:
        with pytest.raises(DomainError, match=message):
            session_reschedule(
                actor=world.methodist,
                session=session,
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=1),
            )
    session.refresh_from_db()
    assert session.starts_at == at(world, world.monday, 14) and other.pk
    assert not AuditEntry.objects.filter(action="session.reschedule").exists()


def test_it_moves_a_session_to_a_bigger_room(world):
    session = book(world)
    hall = RoomFactory(point=world.point, capacity=60, name="Актовый зал")
    session_reschedule(
        actor=world.methodist,
        session=session,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        room=hall,
    )
    session.refresh_from_db()
    assert session.room == hall


# The page.


def schedule_url(world):
    return f"/consultations/requests/{world.request.pk}/schedule/"


def form_data(world, *, hour=14, **overrides):
    return {
        "tutor": world.tutor.pk,
        "date": world.monday.isoformat(),
        "time": f"{hour:02d}:00",
        "duration": 60,
        "format": Format.IN_PERSON,
        "point": world.point.pk,
        "room": world.room.pk,
    } | overrides


def test_it_books_from_the_page_and_returns_to_the_request(client, world):
    client.force_login(world.methodist)
    response = client.post(schedule_url(world), form_data(world), follow=True)
    assert response.redirect_chain[0][0] == world.request.get_absolute_url()
    assert "Занятие назначено" in response.content.decode()
    session = Session.objects.get()
    assert session.starts_at == at(world, world.monday, 14)


def test_it_shows_the_refusal_on_the_page_and_saves_nothing(client, world):
    client.force_login(world.methodist)
    response = client.post(schedule_url(world), form_data(world, hour=18))
    assert response.status_code == 200
    assert "вне часов приёма тьютора" in response.content.decode()
    assert not Session.objects.exists()
    world.request.refresh_from_db()
    assert world.request.status == Status.ACCEPTED


def test_it_cancels_a_session_from_the_page_only_with_a_reason(client, world):
    session = book(world)
    client.force_login(world.methodist)
    url = f"/consultations/sessions/{session.pk}/cancel/"
    response = client.post(url, {"reason": ""}, follow=True)
    assert "Укажите причину отмены" in response.content.decode()
    response = client.post(url, {"reason": "Школа на карантине"}, follow=True)
    assert "Занятие отменено" in response.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_it_reschedules_from_the_page(client, world):
    session = book(world)
    client.force_login(world.methodist)
    url = f"/consultations/sessions/{session.pk}/reschedule/"
    page = client.get(url).content.decode()
    assert "Свободное время тьютора" in page
    data = {"date": world.monday.isoformat(), "time": "15:00", "duration": 90, "room": ""}
    response = client.post(url, data, follow=True)
    assert "Занятие перенесено" in response.content.decode()
    session.refresh_from_db()
    assert session.ends_at == at(world, world.monday, 16, 30) and session.room == world.room


def test_it_asks_for_a_tick_before_booking_outside_the_requesters_dates(client, world):
    # The request's desired dates are the next two weeks from world.monday; three weeks on
    # the tutor is free too, but the requester did not say they could come then.
    later = world.monday + datetime.timedelta(days=21)
    client.force_login(world.methodist)
    page = client.post(schedule_url(world), form_data(world, date=later.isoformat()))
    text = page.content.decode()
    assert f"{later:%d.%m.%Y} — вне желаемых дат заявителя" in text
    assert not Session.objects.exists()
    data = form_data(world, date=later.isoformat(), outside_windows="on")
    response = client.post(schedule_url(world), data, follow=True)
    assert "вне желаемых дат заявителя." in response.content.decode()
    assert Session.objects.get().starts_at == at(world, later, 14)


def test_it_books_inside_the_desired_dates_without_a_tick(client, world):
    client.force_login(world.methodist)
    page = client.get(schedule_url(world)).content.decode()
    first = world.request.windows.get()
    assert f"Желаемые даты заявителя: {first}" in page
    client.post(schedule_url(world), form_data(world))
    assert Session.objects.count() == 1


def test_it_asks_for_the_tick_when_moving_a_session_outside_the_dates(client, world):
    session = book(world)
    later = world.monday + datetime.timedelta(days=21)
    client.force_login(world.methodist)
    url = f"/consultations/sessions/{session.pk}/reschedule/"
    data = {"date": later.isoformat(), "time": "14:00", "duration": 60, "room": ""}
    assert "вне желаемых дат заявителя" in client.post(url, data).content.decode()
    session.refresh_from_db()
    assert session.starts_at == at(world, world.monday, 14)
    client.post(url, data | {"outside_windows": "on"})
    session.refresh_from_db()
    assert session.starts_at == at(world, later, 14)


def test_it_ends_the_booking_message_with_one_full_stop_after_initials(client, world):
    client.force_login(world.methodist)
    response = client.post(schedule_url(world), form_data(world), follow=True)
    page = response.content.decode()
    assert f"тьютор {world.tutor.short_name}" in page
    assert ".." not in page.split("Занятие назначено")[1].split("<")[0]
