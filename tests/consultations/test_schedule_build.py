"""The schedule of a period built in batches, as a task with a progress page: the same
placements as one booking at a time gave, every rule of a booking kept, a batch the database
refuses booked again one by one, and the methodist's page from the form to the result."""

import datetime

import pytest

from consultations.tasks import run_schedule_build

from .schedule_case import placements, schedule_case
from .test_matching import build as build_in

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
    # The case's requests reach three weeks ahead.
    return build_in(world, ends_on=world.monday + datetime.timedelta(days=20), **overrides)


def test_it_places_every_request_as_one_booking_at_a_time_did():
    world = schedule_case()
    rows, reasons = placements(world, *build(world))
    assert rows == PLACEMENTS
    assert reasons == UNPLACED


def test_a_batch_the_database_refuses_is_booked_again_one_by_one():
    """A methodist booked the first placement's tutor meanwhile: the batch is rolled back
    and booked one by one, the one that clashes left out with the booking's reason."""
    from consultations.matching import Placement
    from consultations.models import ConsultationRequest, Session
    from consultations.services import schedule_batches

    from .factories import SessionFactory
    from .test_booking import at

    world = schedule_case()
    first, second = ConsultationRequest.objects.order_by("pk")[:2]
    start = at(world, world.monday, 14)
    taken = SessionFactory(
        municipality=world.municipality,
        tutor=world.tutor,
        point=world.point,
        room=None,
        format="remote",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=1),
    )
    later = start + datetime.timedelta(hours=2)
    placements = [
        Placement(first, world.tutor, world.room, start, start + datetime.timedelta(hours=1)),
        Placement(second, world.tutor, world.room, later, later + datetime.timedelta(hours=1)),
    ]
    booked, refused = schedule_batches.book(world.methodist, world.point, placements)
    assert [s.request for s in booked] == [second]
    assert refused[0][0] == first and "Тьютор в это время уже занят" in refused[0][1]
    assert Session.objects.exclude(pk=taken.pk).count() == 1
    first.refresh_from_db()
    assert first.status == ConsultationRequest.Status.ACCEPTED


def test_a_request_withdrawn_before_its_batch_is_left_with_the_reason():
    from consultations.matching import Placement
    from consultations.models import ConsultationRequest
    from consultations.services import schedule_batches

    from .test_booking import at

    world = schedule_case()
    request = ConsultationRequest.objects.order_by("pk").first()
    ConsultationRequest.objects.filter(pk=request.pk).update(
        status=ConsultationRequest.Status.WITHDRAWN
    )
    start = at(world, world.monday, 14)
    booked, refused = schedule_batches.book(
        world.methodist,
        world.point,
        [Placement(request, world.tutor, world.room, start, start + datetime.timedelta(hours=1))],
    )
    assert booked == [] and refused == [(request, schedule_batches.NO_LONGER_WAITING)]


def test_each_booking_is_journaled_and_its_people_told_once():
    from consultations.models import ConsultationRequest
    from tutoring.models import AuditEntry, Notification

    world = schedule_case()
    booked, _ = build(world)
    assert AuditEntry.objects.filter(action="session.book").count() == len(booked)
    assert AuditEntry.objects.filter(action="request.schedule").count() == len(booked)
    scheduled = ConsultationRequest.objects.filter(status=ConsultationRequest.Status.SCHEDULED)
    assert scheduled.count() == len(booked)
    told = Notification.objects.filter(kind="consultations.request.scheduled")
    for session in booked:
        about = told.filter(object_key=f"consultations.consultationrequest:{session.request_id}")
        recipients = sorted(about.values_list("recipient", flat=True))
        assert recipients == sorted({session.request.requested_by_id, session.tutor_id})
        assert "назначено занятие" in about.first().text


def test_its_queries_do_not_grow_with_the_requests_of_a_batch():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from .test_booking import request_of

    def queries(extra):
        world = schedule_case()
        for n in range(extra):
            request_of(world, topic=f"Ещё {n}", participants_count=1)
        with CaptureQueriesContext(connection) as captured:
            booked, _ = build(world)
        return len(captured.captured_queries), len(booked)

    few, booked_few = queries(0)
    many, booked_many = queries(20)
    assert booked_many > booked_few
    assert many == few


def test_the_methodist_builds_it_from_the_page_and_follows_it_to_the_result(client):
    from consultations.models import ScheduleBuild
    from tutoring.models import AuditEntry

    world = schedule_case()
    client.force_login(world.methodist)
    page = client.get("/consultations/schedules/build/").content.decode()
    assert "Построить график" in page
    data = {
        "point": world.point.pk,
        "starts_on": world.monday.isoformat(),
        "ends_on": (world.monday + datetime.timedelta(days=20)).isoformat(),
    }
    response = client.post("/consultations/schedules/build/", data)
    build = ScheduleBuild.objects.get()
    assert response.url == build.get_absolute_url()
    assert build.status == ScheduleBuild.Status.QUEUED
    assert "График строится" in client.get(response.url).content.decode()
    # What the worker does with the queued task (the browser journeys run a real one).
    assert run_schedule_build(build.pk) is True
    assert run_schedule_build(build.pk) is False  # twice: the second leaves it alone
    build.refresh_from_db()
    assert build.status == ScheduleBuild.Status.DONE
    page = client.get(response.url).content.decode()
    assert f"Назначено занятий: {len(PLACEMENTS)}" in page
    assert f"Не размещено заявок: {len(UNPLACED)}" in page
    assert "нет свободных 90 минут" in page
    assert AuditEntry.objects.get(action="schedule.build").changes == {
        "sessions": len(PLACEMENTS),
        "unplaced": len(UNPLACED),
    }
    progress = client.get(f"/consultations/schedules/build/{build.pk}/progress/")
    assert progress["HX-Refresh"] == "true"


def test_a_build_running_shows_its_progress(client):
    from consultations.models import ScheduleBuild

    world = schedule_case()
    build = ScheduleBuild.objects.create(
        municipality=world.municipality,
        point=world.point,
        starts_on=world.monday,
        ends_on=world.monday,
        status=ScheduleBuild.Status.RUNNING,
        done=250,
        total=1000,
    )
    client.force_login(world.methodist)
    page = client.get(build.get_absolute_url()).content.decode()
    assert "Назначено занятий: 250 из 1000 размещённых." in page
    assert "HX-Refresh" not in client.get(f"/consultations/schedules/build/{build.pk}/progress/")


@pytest.mark.parametrize("who", ["tutor", "other_methodist", "director"])
def test_nobody_else_sees_a_build(client, who):
    from consultations.models import ScheduleBuild
    from tests.tutoring.factories import MunicipalityFactory, user_with_role
    from tutoring.models import RoleKind

    world = schedule_case()
    build = ScheduleBuild.objects.create(
        municipality=world.municipality,
        point=world.point,
        starts_on=world.monday,
        ends_on=world.monday,
    )
    user = {
        "tutor": lambda: world.tutor,
        "other_methodist": lambda: user_with_role(
            RoleKind.METHODIST, municipality=MunicipalityFactory()
        ),
        "director": lambda: user_with_role(RoleKind.DIRECTOR, municipality=world.municipality),
    }[who]()
    client.force_login(user)
    assert client.get(build.get_absolute_url()).status_code in (403, 404)
    progress = client.get(f"/consultations/schedules/build/{build.pk}/progress/")
    assert progress.status_code in (403, 404)


def test_a_build_of_a_period_past_is_refused_on_the_form(client):
    from consultations.models import ScheduleBuild

    world = schedule_case()
    client.force_login(world.methodist)
    past = world.monday - datetime.timedelta(days=60)
    page = client.post(
        "/consultations/schedules/build/",
        {"point": world.point.pk, "starts_on": past, "ends_on": past + datetime.timedelta(days=3)},
    ).content.decode()
    assert "Период уже прошёл" in page
    assert not ScheduleBuild.objects.exists()


def test_a_build_that_cannot_run_says_why_on_its_page(client):
    """The point was closed between the form and the worker: the build fails with the
    reason, books nothing, and its page says so."""
    from consultations.models import ScheduleBuild, Session
    from consultations.services.schedule_batches import schedule_build_start

    world = schedule_case()
    build = schedule_build_start(
        actor=world.methodist,
        point=world.point,
        starts_on=world.monday,
        ends_on=world.monday + datetime.timedelta(days=20),
    )
    world.point.is_active = False
    world.point.save(update_fields=["is_active"])
    assert run_schedule_build(build.pk) is False
    build.refresh_from_db()
    assert build.status == ScheduleBuild.Status.FAILED
    assert "сейчас не работает" in build.failure
    assert not Session.objects.exists()
    client.force_login(world.methodist)
    assert "сейчас не работает" in client.get(build.get_absolute_url()).content.decode()
