"""Ranking tutors for a request, building a period's schedule, and who may open these pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consultations.matching import CONFLICT_OF_INTEREST, build_schedule, rank_tutors
from consultations.models import ConsultationRequest, Format, RequestKind, Session
from tests.community.factories import AssignmentFactory, municipality_cast
from tests.tutoring.factories import (
    AcademicYearFactory,
    RoleFactory,
    SubjectFactory,
    user_with_role,
)
from tutoring.models import AuditEntry, RoleKind

from .factories import RoomFactory, SessionFactory
from .test_booking import at, book, booking_world, request_of, tutor_of

Status = ConsultationRequest.Status


@pytest.fixture
def world(db):
    return booking_world()


def ranked(request, **kwargs):
    return {c.tutor: c for c in rank_tutors(request, **kwargs)}


def test_it_ranks_the_tutor_of_the_subject_first_and_says_why(world):
    physicist = tutor_of(world, subject=SubjectFactory(name="Физика"), last_name="Физикова")
    candidates = rank_tutors(world.request)
    assert [c.tutor for c in candidates] == [world.tutor, physicist]
    first, second = candidates
    assert "ведёт предмет: Математика" in first.reasons
    assert "не ведёт предмет: Математика" in second.reasons
    # Two Mondays in the two weeks of the window, 14:00–17:00 each.
    assert "свободен в желаемые даты: 2 окна" in first.reasons
    assert "нагрузка в этом месяце: 0 занятий" in first.reasons


def test_it_lists_the_free_time_inside_the_requested_dates(world):
    book(world, start=at(world, world.monday, 15))
    (candidate,) = rank_tutors(world.request)
    zone = world.municipality.tzinfo
    assert candidate.free[:3] == [
        (at(world, world.monday, 14), at(world, world.monday, 15)),
        (at(world, world.monday, 16), at(world, world.monday, 17)),
        (
            at(world, world.monday + datetime.timedelta(days=7), 14),
            at(world, world.monday + datetime.timedelta(days=7), 17),
        ),
    ]
    assert candidate.free[0][0].tzinfo == zone


def test_it_never_offers_a_tutor_from_the_requesting_school(world):
    RoleFactory(user=world.tutor, kind=RoleKind.TEACHER, organization=world.school)
    assert rank_tutors(world.request) == []
    (blocked,) = rank_tutors(world.request, include_blocked=True)
    assert blocked.blocked and blocked.blockers == [CONFLICT_OF_INTEREST]
    assert blocked.reasons == ["из школы заявителя — конфликт интересов"] and blocked.free == []


def test_it_ranks_a_less_loaded_tutor_higher(world):
    colleague = tutor_of(world, last_name="Яковлева")  # alphabetically last
    month_start = at(world, world.monday.replace(day=1), 8)
    for hours in (0, 2):
        SessionFactory(
            municipality=world.municipality,
            tutor=world.tutor,
            starts_at=month_start + datetime.timedelta(hours=hours),
            status=Session.Status.HELD,
        )
    candidates = ranked(world.request, month=world.monday)
    assert candidates[world.tutor].load == 2
    assert any(r.endswith(": 2 занятия") for r in candidates[world.tutor].reasons)
    assert rank_tutors(world.request, month=world.monday)[0].tutor == colleague


def test_it_does_not_count_cancelled_sessions_as_load(world):
    SessionFactory(
        municipality=world.municipality,
        tutor=world.tutor,
        starts_at=at(world, world.monday, 9),
        status=Session.Status.CANCELLED,
    )
    assert ranked(world.request, month=world.monday)[world.tutor].load == 0


def test_it_ranks_the_tutor_assigned_to_the_teacher_higher(world):
    teacher = user_with_role(RoleKind.TEACHER, organization=world.school)
    world.request = request_of(world, teacher=teacher)
    assigned = tutor_of(world, last_name="Яковлева")
    AssignmentFactory(
        municipality=world.municipality,
        academic_year=AcademicYearFactory(),
        tutor=assigned,
        teacher=teacher,
    )
    first, second = rank_tutors(world.request)
    assert first.tutor == assigned and "закреплён за учителем" in first.reasons
    assert "закреплён за учителем" not in second.reasons


def test_it_ranks_in_a_constant_number_of_queries(world):
    def queries():
        with CaptureQueriesContext(connection) as context:
            rank_tutors(world.request)
        return len(context)

    few = queries()
    for n in range(8):
        tutor = tutor_of(world, last_name=f"Тьютор{n}")
        SessionFactory(municipality=world.municipality, tutor=tutor)
    assert queries() == few


# Building the schedule.


def build(world, **overrides):
    fields = {
        "actor": world.methodist,
        "municipality": world.municipality,
        "point": world.point,
        "starts_on": world.monday,
        "ends_on": world.monday + datetime.timedelta(days=13),
    } | overrides
    return build_schedule(**fields)


def only_first_monday(world):
    # The tutor consults one hour only: 14:00–15:00 on the first Monday.
    world.request.windows.update(starts_on=world.monday, ends_on=world.monday)
    world.tutor.availability_slots.update(ends_at=datetime.time(15))


def test_it_places_priority_requests_first_and_lists_the_rest_with_the_reason(world):
    only_first_monday(world)
    urgent = request_of(world, priority=True, windows=[(world.monday, world.monday)])
    booked, unplaced = build(world)
    assert [s.request for s in booked] == [urgent]
    assert booked[0].starts_at == at(world, world.monday, 14)
    assert booked[0].room == world.room and booked[0].tutor == world.tutor
    assert unplaced == [
        (
            world.request,
            "ни у одного тьютора по предмету «Математика» нет свободных 60 минут в желаемые даты",
        )
    ]
    urgent.refresh_from_db()
    assert urgent.status == Status.SCHEDULED
    assert AuditEntry.objects.filter(action="session.book").count() == 1


def test_it_places_older_requests_first_among_equals(world):
    only_first_monday(world)
    newer = request_of(world, windows=[(world.monday, world.monday)])
    booked, unplaced = build(world)
    assert [s.request for s in booked] == [world.request]
    assert [r for r, _ in unplaced] == [newer]


def test_it_gives_group_sessions_ninety_minutes_in_a_room_that_holds_them(world):
    hall = RoomFactory(point=world.point, name="Зал", capacity=40)
    group = request_of(world, kind=RequestKind.GROUP_TEACHERS, participants_count=30)
    booked, unplaced = build(world)
    assert unplaced == []
    session = next(s for s in booked if s.request == group)
    assert session.room == hall
    assert session.ends_at - session.starts_at == datetime.timedelta(minutes=90)


def test_it_places_each_request_at_the_earliest_free_time_without_clashes(world):
    for _ in range(3):
        request_of(world)
    booked, unplaced = build(world)
    assert unplaced == []
    starts = sorted(s.starts_at.astimezone(world.municipality.tzinfo).hour for s in booked)
    assert starts == [14, 14, 15, 16]  # three on the first Monday, one a week later
    assert Session.objects.filter(status=Session.Status.PLANNED).count() == 4


def test_it_explains_why_a_request_cannot_be_placed(world):
    too_big = request_of(world, participants_count=30)
    chemistry = request_of(world, subject=SubjectFactory(name="Химия"))
    RoleFactory(user=world.tutor, kind=RoleKind.TEACHER, organization=world.school)
    booked, unplaced = build(world)
    assert booked == []
    reasons = dict(unplaced)
    assert reasons[too_big] == f"в пункте «{world.point}» нет помещения на 30 человек"
    assert reasons[chemistry] == "нет тьютора по предмету «Химия» не из школы заявителя"
    assert reasons[world.request] == "нет тьютора по предмету «Математика» не из школы заявителя"


def test_it_books_remote_requests_without_a_room(world):
    remote = request_of(world, format=Format.REMOTE, participants_count=100)
    booked, _ = build(world)
    session = next(s for s in booked if s.request == remote)
    assert session.room is None and session.format == Format.REMOTE


def test_it_leaves_requests_outside_the_period_alone(world):
    later = world.monday + datetime.timedelta(days=28)
    request_of(world, windows=[(later, later)])
    booked, unplaced = build(world)
    assert [s.request for s in booked] == [world.request] and unplaced == []


# Who may open the pages: the methodist of the request's municipality only.

ROLES = ["director", "school", "teacher", "tutor", "regional", "other_methodist", "methodist"]


def expect(*codes):
    return dict(zip(ROLES, codes, strict=True))


def statuses(client, cast, url, *, post=None):
    got = {}
    for role in ROLES:
        client.force_login(getattr(cast, role))
        response = client.post(url, post) if post is not None else client.get(url)
        got[role] = response.status_code
    return got


@pytest.fixture
def cast(world):
    cast = municipality_cast(world.municipality)
    cast.school_org = world.school
    cast.school = user_with_role(RoleKind.SCHOOL, organization=world.school)
    cast.teacher = user_with_role(RoleKind.TEACHER, organization=world.school)
    cast.methodist = world.methodist
    return cast


def test_it_opens_the_scheduling_page_to_the_municipalitys_methodist_only(client, world, cast):
    url = f"/consultations/requests/{world.request.pk}/schedule/"
    assert statuses(client, cast, url) == expect(403, 403, 403, 403, 403, 404, 200)


def test_it_opens_moving_and_cancelling_to_the_municipalitys_methodist_only(client, world, cast):
    session = book(world)
    url = f"/consultations/sessions/{session.pk}/reschedule/"
    assert statuses(client, cast, url) == expect(403, 403, 403, 403, 403, 404, 200)
    url = f"/consultations/sessions/{session.pk}/cancel/"
    got = statuses(client, cast, url, post={"reason": "Болезнь тьютора"})
    assert got == expect(403, 403, 403, 403, 403, 404, 302)
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_it_opens_building_the_schedule_to_methodists_only(client, world, cast):
    got = statuses(client, cast, "/consultations/schedules/build/")
    assert got == expect(403, 403, 403, 403, 403, 200, 200)


def test_it_shows_the_ranked_tutors_with_reasons_and_free_time(client, world):
    school_tutor = tutor_of(world, last_name="Школьная")
    RoleFactory(user=school_tutor, kind=RoleKind.TEACHER, organization=world.school)
    client.force_login(world.methodist)
    page = client.get(f"/consultations/requests/{world.request.pk}/schedule/").content.decode()
    assert "ведёт предмет: Математика" in page
    assert "свободен в желаемые даты: 2 окна" in page
    assert "Школьная Мария Петровна: из школы заявителя — конфликт интересов" in page
    assert f"tutor={world.tutor.pk}&amp;start={world.monday:%Y-%m-%d}%2014%3A00" in page


def test_it_fills_the_form_from_the_chosen_free_time(client, world):
    client.force_login(world.methodist)
    url = f"/consultations/requests/{world.request.pk}/schedule/"
    page = client.get(url, {"tutor": world.tutor.pk, "start": f"{world.monday} 14:00"})
    form = page.context["form"]
    assert form.initial["tutor"] == world.tutor.pk
    assert (form.initial["date"], form.initial["time"]) == (world.monday, datetime.time(14))


def test_it_reads_the_scheduling_page_in_a_constant_number_of_queries(client, world):
    client.force_login(world.methodist)
    url = f"/consultations/requests/{world.request.pk}/schedule/"

    def queries():
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    few = queries()
    for n in range(6):
        tutor_of(world, last_name=f"Тьютор{n}")
    assert queries() == few


def test_it_builds_the_schedule_from_the_page(client, world):
    request_of(world, participants_count=30)
    client.force_login(world.methodist)
    data = {
        "point": world.point.pk,
        "starts_on": world.monday.isoformat(),
        "ends_on": (world.monday + datetime.timedelta(days=13)).isoformat(),
    }
    response = client.post("/consultations/schedules/build/", data)
    from consultations.models import ScheduleBuild
    from consultations.tasks import run_schedule_build

    run_schedule_build(ScheduleBuild.objects.get().pk)  # as the worker would
    page = client.get(response.url).content.decode()
    assert "Назначено занятий: 1" in page
    assert "Не размещено заявок: 1" in page
    assert "нет помещения на 30 человек" in page


def test_the_moving_page_offers_free_time_from_now_not_from_a_start_past(client, world):
    """The tutor is free all of today: the first offered time is the next quarter hour, not
    the start of the day, which the booking would refuse as past."""
    import re

    from django.utils import timezone

    from consultations.models import Weekday

    zone = world.municipality.tzinfo
    today = timezone.localdate(timezone=zone)
    world.tutor.availability_slots.update(
        weekday=Weekday(today.weekday()), starts_at=datetime.time(0), ends_at=datetime.time(23, 45)
    )
    session = book(world, start=at(world, today + datetime.timedelta(days=7), 10))
    client.force_login(world.methodist)
    page = client.get(f"/consultations/sessions/{session.pk}/reschedule/").content.decode()
    starts = re.findall(r'href="\?start=([0-9-]+)%20([0-9]+)%3A([0-9]+)"', page)
    assert starts
    now = timezone.now().astimezone(zone)
    for day, hour, minute in starts:
        offered = datetime.datetime.fromisoformat(f"{day}T{hour}:{minute}").replace(tzinfo=zone)
        assert offered > now and offered.minute % 15 == 0
