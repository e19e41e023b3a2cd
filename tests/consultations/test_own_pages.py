"""The tutor's pages for their own work, and who sees what of it."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consultations.models import LessonObservation, Session
from tests.tutoring.factories import (
    MunicipalityFactory,
    OrganizationFactory,
    RoleFactory,
    user_with_role,
)
from tutoring.models import RoleKind

from .factories import OwnSessionFactory

pytestmark = pytest.mark.django_db
NEW = "/consultations/sessions/own/new/"


@pytest.fixture
def place():
    municipality = MunicipalityFactory()
    school = OrganizationFactory(municipality=municipality, short_name="СОШ № 20")
    tutor = user_with_role(RoleKind.TUTOR, municipality=municipality)
    teacher = user_with_role(RoleKind.TEACHER, organization=school, last_name="Петрова")
    return municipality, school, tutor, teacher


def form_data(school, teacher, **overrides):
    day = timezone.localdate() + datetime.timedelta(days=4)
    data = {
        "held": "0",
        "kind": "supervision",
        "date": day.isoformat(),
        "time": "15:00",
        "duration": "60",
        "format": "in_person",
        "organization": school.pk,
        "place": "каб. 14",
        "teachers": [teacher.pk],
        "topic": "Формирующее оценивание",
        "pupils_count": "0",
    }
    return data | overrides


def test_the_tutor_plans_a_session_from_the_form(client, place):
    _, school, tutor, teacher = place
    client.force_login(tutor)
    page = client.get(NEW).content.decode()
    assert "Записать занятие" in page and "Петрова" in page
    response = client.post(NEW, form_data(school, teacher), follow=True)
    assert "Занятие записано." in response.content.decode()
    session = Session.objects.get()
    assert session.is_own and list(session.teachers.all()) == [teacher]


def test_a_clashing_series_lists_its_clashes_on_the_form_and_saves_nothing(client, place):
    municipality, school, tutor, teacher = place
    day = timezone.localdate() + datetime.timedelta(days=4 + 7)
    starts = datetime.datetime.combine(day, datetime.time(15), tzinfo=municipality.tzinfo)
    OwnSessionFactory(
        municipality=municipality,
        tutor=tutor,
        organization=school,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(minutes=60),
    )
    client.force_login(tutor)
    data = form_data(school, teacher, kind="tutorial", repeat="1", count="8")
    page = client.post(NEW, data).content.decode()
    assert "Серия не записана: 1 занятие из 8 пересекается" in page
    assert "Занятие 2 (" in page
    assert Session.objects.count() == 1


def test_a_held_lesson_visit_needs_its_observation_note(client, place):
    _, school, tutor, teacher = place
    client.force_login(tutor)
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    data = form_data(school, teacher, held="1", kind="lesson_visit", date=yesterday)
    page = client.post(NEW, data).content.decode()
    assert "Для посещения урока заполните лист наблюдения." in page
    assert not Session.objects.exists()


@pytest.mark.parametrize("kind", [RoleKind.TEACHER, RoleKind.SCHOOL, RoleKind.METHODIST])
def test_only_tutors_open_the_form(client, kind):
    client.force_login(user_with_role(kind))
    assert client.get(NEW).status_code == 403


def visited(place):
    municipality, school, tutor, teacher = place
    session = OwnSessionFactory(
        municipality=municipality,
        tutor=tutor,
        organization=school,
        kind="lesson_visit",
        teachers=[teacher],
        status=Session.Status.HELD,
    )
    LessonObservation.objects.create(
        session=session,
        teacher=teacher,
        grade="7 Б",
        lesson_topic="Дроби",
        observed="Ученики не читают условие до конца.",
        recommendations="Приём «перескажи условие».",
    )
    return session


@pytest.mark.parametrize(
    ("who", "sees_session", "sees_note"),
    [
        ("tutor", True, True),
        ("teacher", True, True),
        ("methodist", True, True),
        ("school", True, False),
        ("colleague", False, False),
        ("other_tutor", False, False),
        ("stranger_methodist", False, False),
    ],
)
def test_who_sees_the_session_and_its_observation_note(client, place, who, sees_session, sees_note):
    municipality, school, tutor, teacher = place
    session = visited(place)
    people = {
        "tutor": tutor,
        "teacher": teacher,
        "methodist": user_with_role(RoleKind.METHODIST, municipality=municipality),
        "school": user_with_role(RoleKind.SCHOOL, organization=school),
        "colleague": user_with_role(
            RoleKind.TEACHER, organization=OrganizationFactory(municipality=municipality)
        ),
        "other_tutor": user_with_role(RoleKind.TUTOR, municipality=municipality),
        "stranger_methodist": user_with_role(RoleKind.METHODIST),
    }
    client.force_login(people[who])
    response = client.get(session.get_absolute_url())
    assert response.status_code == (200 if sees_session else 404)
    if sees_session:
        page = response.content.decode()
        assert ("Лист наблюдения урока" in page) is sees_note
        assert ("Ученики не читают условие до конца." in page) is sees_note


def test_the_tutor_cancels_an_occurrence_from_the_page(client, place):
    municipality, school, tutor, _ = place
    session = OwnSessionFactory(municipality=municipality, tutor=tutor, organization=school)
    client.force_login(tutor)
    page = client.get(session.get_absolute_url()).content.decode()
    assert "Отменить занятие" in page
    response = client.post(
        f"/consultations/sessions/{session.pk}/own-cancel/", {"reason": "Болезнь"}, follow=True
    )
    assert "Занятие отменено." in response.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED


def test_the_agenda_keeps_its_queries_as_own_sessions_grow(
    client, place, django_assert_max_num_queries
):
    municipality, school, tutor, teacher = place
    client.force_login(tutor)

    def add(n, offset):
        for i in range(n):
            starts = timezone.now() + datetime.timedelta(days=2 + offset + i, hours=1)
            OwnSessionFactory(
                municipality=municipality,
                tutor=tutor,
                organization=school,
                teachers=[teacher],
                starts_at=starts,
                ends_at=starts + datetime.timedelta(minutes=45),
            )

    add(3, 0)
    with django_assert_max_num_queries(30) as few:
        client.get("/consultations/sessions/")
    add(20, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get("/consultations/sessions/?origin=own").content.decode()
    assert "запись тьютора" in page and "Записать занятие" in page


def agenda_queries(client, place, role: str) -> list[str]:
    """The SQL of the agenda as `role` opens it, with one own session of the tutor's."""
    municipality, school, tutor, teacher = place
    user = {
        "tutor": tutor,
        "teacher": teacher,
        "school": user_with_role(RoleKind.SCHOOL, organization=school),
    }[role]
    OwnSessionFactory(
        municipality=municipality, tutor=tutor, organization=school, teachers=[teacher]
    )
    client.force_login(user)
    with CaptureQueriesContext(connection) as captured:
        page = client.get("/consultations/sessions/").content.decode()
    assert "Приёмы формирующего оценивания" in page
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("role", ["tutor", "teacher", "school"])
def test_the_agenda_bounds_the_time_and_joins_nothing_in_its_filter(client, place, role):
    """The agenda filters on `starts_at` between aware bounds, not on its date in a time zone,
    and reads a school's or a teacher's requests as a subquery, not a join inside the OR:
    at region scale the one is an index range, the other a scan of every session."""
    agenda = [
        sql.split(" WHERE ", 1)[1]
        for sql in agenda_queries(client, place, role)
        if 'FROM "consultations_session"' in sql and "starts_at" in sql
    ]
    assert agenda  # the page's count and its rows
    for where in agenda:
        assert "AT TIME ZONE" not in where and "::date" not in where
        assert '"consultations_consultationrequest"."organization_id" IN' not in where


@pytest.mark.parametrize("role", ["tutor", "teacher", "school"])
def test_the_agenda_takes_a_pages_ids_from_the_sessions_alone(client, place, role):
    """The page of ids is read without the joins its rows need: over the whole filter they
    made PostgreSQL hash every request and user of the region for 25 rows."""
    [ids] = [
        sql
        for sql in agenda_queries(client, place, role)
        if sql.startswith('SELECT "consultations_session"."id" AS "pk" FROM') and " LIMIT " in sql
    ]
    assert " JOIN " not in ids.split(" WHERE ", 1)[0]


@pytest.mark.parametrize("role", ["tutor", "teacher", "school"])
def test_the_agenda_reads_the_users_own_sessions_as_one_union(client, place, role):
    """A user's own sessions (as a tutor, of their requests, as a teacher, of their school) are
    a UNION of indexed reads, the sessions then taken by primary key. As an OR of the same
    subqueries no index served them: PostgreSQL read every session of the period across the
    region and tested each, and the teacher's agenda grew 1.6× from a tenth to the whole."""
    agenda = [
        sql
        for sql in agenda_queries(client, place, role)
        if 'FROM "consultations_session"' in sql and "starts_at" in sql
    ]
    assert agenda
    for sql in agenda:
        assert "EXISTS" not in sql
        # A tutor who is no teacher has none: the sessions assigned to them, an index range.
        assert (" UNION " in sql) == (role != "tutor")


def test_a_tutors_home_counts_their_sessions_through_the_union(client, place):
    """The home page's «Занятия на этой неделе», «Занятия прошли, отчёт ещё не составлен» and,
    as a teacher, «Предстоящие занятия по вашим заявкам»: as an OR they read every session of
    the region (29 ms of the page at region scale), the second with no bound on the time."""
    municipality, school, tutor, _teacher = place
    RoleFactory(kind=RoleKind.TEACHER, municipality=municipality, organization=school,
                user=tutor)  # fmt: skip
    client.force_login(tutor)
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    counts = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith('SELECT COUNT(*) AS "__count" FROM "consultations_session"')
    ]
    assert len(counts) == 3
    assert all(" UNION " in sql and "EXISTS" not in sql for sql in counts)
