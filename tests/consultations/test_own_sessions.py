"""A tutor records their own work: a lesson visit held with its observation note, a planned
supervision, a series of tutorials booked all or nothing, and a cancellation."""

import datetime

import pytest
from django.utils import timezone

from consultations.models import Format, LessonObservation, Session, SessionSeries
from consultations.services.own import (
    OwnSession,
    own_series_record,
    own_session_cancel,
    own_session_record,
)
from monitoring.effectiveness import community_effectiveness
from tests.expertise import badfiles
from tests.tutoring.factories import MunicipalityFactory, OrganizationFactory, user_with_role
from tutoring.errors import DomainError
from tutoring.models import AcademicYear, AuditEntry, Notification, RoleKind, current_start_year

from .factories import OwnSessionFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def place():
    municipality = MunicipalityFactory()
    school = OrganizationFactory(municipality=municipality, short_name="СОШ № 20")
    tutor = user_with_role(RoleKind.TUTOR, municipality=municipality)
    teacher = user_with_role(RoleKind.TEACHER, organization=school, last_name="Петрова")
    other = user_with_role(RoleKind.TEACHER, organization=school, last_name="Сидорова")
    return municipality, school, tutor, teacher, other


def local(days: int, hour: int = 15, municipality=None) -> datetime.datetime:
    """A naive wall-clock moment `days` from today, as the tutor types it."""
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(day, datetime.time(hour))


def planned(school, teachers, **overrides) -> OwnSession:
    fields = {
        "kind": "supervision",
        "starts_at": local(3),
        "duration": 60,
        "format": Format.IN_PERSON,
        "organization": school,
        "place": "СОШ № 20, каб. 14",
        "teachers": teachers,
        "topic": "Приёмы смыслового чтения",
    }
    return OwnSession(**fields | overrides)


def visit(school, teacher, **overrides) -> OwnSession:
    fields = {
        "kind": "lesson_visit",
        "starts_at": local(-2, 10),
        "duration": 45,
        "format": Format.IN_PERSON,
        "organization": school,
        "teachers": [teacher],
        "topic": "Посещение урока математики",
        "held": True,
        "pupils_count": 24,
        "summary": "Посетила урок, обсудили его с учителем.",
        "observation": {
            "grade": "7 Б",
            "lesson_topic": "Решение текстовых задач",
            "observed": "Ученики не читают условие до конца.",
            "strengths": "Чёткая постановка цели.",
            "difficulties": "Мало времени на самостоятельную работу.",
            "recommendations": "Вводить приём «прочитай и перескажи условие».",
        },
    }
    return OwnSession(**fields | overrides)


def test_it_records_a_held_lesson_visit_with_its_note_report_and_file(place):
    municipality, school, tutor, teacher, _ = place
    data = visit(school, teacher, materials=badfiles.good_pdf("лист.pdf"))
    session = own_session_record(actor=tutor, municipality=municipality, data=data)
    assert session.origin == Session.Origin.OWN and session.status == Session.Status.HELD
    assert session.point is None and session.organization == school
    assert list(session.report.teachers_present.all()) == [teacher]
    assert session.report.pupils_count == 24 and session.report.materials_name == "лист.pdf"
    note = LessonObservation.objects.get(session=session)
    assert (note.teacher, note.grade) == (teacher, "7 Б")
    assert AuditEntry.objects.filter(
        action="session.own_record", object_id=str(session.pk)
    ).exists()


def test_it_refuses_a_renamed_executable_and_saves_nothing(place):
    municipality, school, tutor, teacher, _ = place
    fake = badfiles.exe_as_pdf("отчёт.pdf")
    with pytest.raises(DomainError, match="не является документом"):
        own_session_record(
            actor=tutor, municipality=municipality, data=visit(school, teacher, materials=fake)
        )
    assert not Session.objects.exists() and not LessonObservation.objects.exists()


def test_a_held_own_session_counts_in_the_effectiveness_report(place):
    municipality, school, tutor, teacher, _ = place
    own_session_record(actor=tutor, municipality=municipality, data=visit(school, teacher))
    year, _ = AcademicYear.objects.get_or_create(start_year=current_start_year())
    report = community_effectiveness(municipality, year)
    assert report.sessions_held == 1
    assert dict(report.sessions_by_kind) == {"посещение урока": 1}
    assert report.teachers_reached == 1


def test_it_plans_a_session_and_tells_its_teachers_not_others(place):
    municipality, school, tutor, teacher, _other = place
    session = own_session_record(
        actor=tutor, municipality=municipality, data=planned(school, [teacher])
    )
    assert session.status == Session.Status.PLANNED
    told = Notification.objects.filter(kind="consultations.session.own_planned")
    assert [n.recipient for n in told] == [teacher]
    assert "Приёмы смыслового чтения" in told.get().text


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"held": True, "summary": "Было."}, "не может быть в будущем"),
        ({"starts_at": local(-1)}, "прошедшее занятие запишите как проведённое"),
        ({"format": Format.REMOTE, "place": ""}, "укажите ссылку для подключения"),
        ({"organization": None, "place": ""}, "укажите место"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(place, overrides, message):
    municipality, school, tutor, teacher, _ = place
    with pytest.raises(DomainError, match=message):
        own_session_record(
            actor=tutor, municipality=municipality, data=planned(school, [teacher], **overrides)
        )
    assert not Session.objects.exists()


def test_it_refuses_a_school_or_a_teacher_of_another_municipality(place):
    municipality, school, tutor, teacher, _ = place
    elsewhere = OrganizationFactory()
    stranger = user_with_role(RoleKind.TEACHER, organization=elsewhere)
    with pytest.raises(DomainError, match="другому муниципальному образованию"):
        own_session_record(
            actor=tutor, municipality=municipality, data=planned(elsewhere, [teacher])
        )
    with pytest.raises(DomainError, match="Не учителя муниципалитета"):
        own_session_record(actor=tutor, municipality=municipality, data=planned(school, [stranger]))
    assert not Session.objects.exists()


def test_a_tutor_records_only_in_their_own_municipality(place):
    _, school, tutor, teacher, _ = place
    with pytest.raises(DomainError, match="только в своём муниципалитете"):
        own_session_record(
            actor=tutor, municipality=MunicipalityFactory(), data=planned(school, [teacher])
        )


def test_it_refuses_a_clash_with_a_booked_session(place):
    municipality, school, tutor, teacher, _ = place
    starts = local(3).replace(tzinfo=municipality.tzinfo)
    SessionFactory(
        municipality=municipality,
        tutor=tutor,
        starts_at=starts + datetime.timedelta(minutes=30),
        ends_at=starts + datetime.timedelta(minutes=120),
    )
    with pytest.raises(DomainError, match="Тьютор в это время уже занят"):
        own_session_record(actor=tutor, municipality=municipality, data=planned(school, [teacher]))
    assert Session.objects.filter(origin=Session.Origin.OWN).count() == 0


def test_a_series_of_eight_with_one_clash_books_nothing_then_books_all(place):
    municipality, school, tutor, teacher, other = place
    third = local(3 + 14).replace(tzinfo=municipality.tzinfo)
    busy = SessionFactory(
        municipality=municipality,
        tutor=tutor,
        starts_at=third,
        ends_at=third + datetime.timedelta(minutes=45),
    )
    data = planned(
        school,
        [teacher, other],
        kind="tutorial",
        format=Format.REMOTE,
        link="https://meet.example.ru/tutorial",
        place="",
    )
    with pytest.raises(DomainError, match="1 занятие из 8 пересекается") as refused:
        own_series_record(actor=tutor, municipality=municipality, data=data, interval=1, count=8)
    assert "Занятие 3 " in str(refused.value)
    assert not SessionSeries.objects.exists()
    assert Session.objects.filter(origin=Session.Origin.OWN).count() == 0

    busy.delete()
    series = own_series_record(
        actor=tutor, municipality=municipality, data=data, interval=1, count=8
    )
    sessions = list(series.sessions.order_by("starts_at"))
    assert len(sessions) == 8
    assert {s.link for s in sessions} == {"https://meet.example.ru/tutorial"}
    assert all(set(s.teachers.all()) == {teacher, other} for s in sessions)
    assert (sessions[1].starts_at - sessions[0].starts_at) == datetime.timedelta(weeks=1)
    # One notice for the series, not eight.
    assert Notification.objects.filter(recipient=teacher).count() == 1


@pytest.mark.parametrize("count", [0, 41])
def test_it_refuses_a_series_of_none_or_more_than_forty(place, count):
    municipality, school, tutor, teacher, _ = place
    with pytest.raises(DomainError, match="от 1 до 40"):
        own_series_record(
            actor=tutor,
            municipality=municipality,
            data=planned(school, [teacher]),
            interval=1,
            count=count,
        )
    assert not Session.objects.exists()


def test_it_cancels_one_occurrence_or_it_and_all_that_follow(place):
    municipality, school, tutor, teacher, _ = place
    series = own_series_record(
        actor=tutor, municipality=municipality, data=planned(school, [teacher]), interval=2, count=5
    )
    _first, second, third, *_ = series.sessions.order_by("starts_at")
    own_session_cancel(actor=tutor, session=second, reason="Каникулы")
    assert Session.objects.filter(series=series, status="cancelled").count() == 1
    cancelled = own_session_cancel(actor=tutor, session=third, reason="Курсы", following=True)
    assert len(cancelled) == 3
    statuses = list(series.sessions.order_by("starts_at").values_list("status", flat=True))
    assert statuses == ["planned", "cancelled", "cancelled", "cancelled", "cancelled"]


def test_another_tutor_cannot_cancel_it(place):
    municipality, school, tutor, _, _ = place
    session = OwnSessionFactory(municipality=municipality, tutor=tutor, organization=school)
    intruder = user_with_role(RoleKind.TUTOR, municipality=municipality)
    with pytest.raises(DomainError):
        own_session_cancel(actor=intruder, session=session, reason="Чужое")
    session.refresh_from_db()
    assert session.status == Session.Status.PLANNED
