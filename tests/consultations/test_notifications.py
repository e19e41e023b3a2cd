"""Who the consultation point's moves tell, and what they read: a test per kind of
notification, with who receives it and who does not (the actor, another municipality, another
school)."""

import datetime

import pytest
from django.utils import timezone

from consultations.services import events as event_services
from consultations.services import requests as request_services
from consultations.services.booking import session_cancel, session_reschedule
from tests.tutoring.factories import OrganizationFactory, SubjectFactory, user_with_role
from tutoring import notifications
from tutoring.models import Notification, RoleKind

from .factories import ConsultationRequestFactory, EventFactory, EventRegistrationFactory
from .test_booking import at, book, booking_world, request_of

Status = request_services.Status


def kinds(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def note(user, kind: str) -> Notification:
    return Notification.objects.get(recipient=user, kind=kind)


@pytest.fixture
def world(db):
    """The booking world, its request filed by the school for one of its teachers, and people
    who must hear nothing: a methodist and a school of another municipality, another school
    of the same one, a tutor not booked."""
    world = booking_world()
    world.teacher = user_with_role(RoleKind.TEACHER, organization=world.school)
    world.request.teacher = world.teacher
    world.request.save(update_fields=["teacher"])
    world.requester = world.request.requested_by
    world.other_methodist = user_with_role(RoleKind.METHODIST)
    world.other_school = user_with_role(
        RoleKind.SCHOOL, organization=OrganizationFactory(municipality=world.municipality)
    )
    world.idle_tutor = user_with_role(RoleKind.TUTOR, municipality=world.municipality)
    return world


def untold(world, *people):
    """Nobody of the bystanders, nor the listed people, has a notification."""
    for person in (world.other_methodist, world.other_school, world.idle_tutor, *people):
        assert kinds(person) == [], person


def test_the_kinds_are_registered_with_their_labels_and_groups():
    assert notifications.kind_label("consultations.request.filed") == (
        "Новая заявка на консультацию"
    )
    assert notifications.kind_label("consultations.request.cancelled") == (
        "Заявка или занятие отменены"
    )
    assert notifications.kind_label("consultations.event.changed") == "Мероприятие изменено"
    groups = dict(notifications.kind_choices())
    assert ("consultations.request.scheduled", "Назначено занятие") in groups["Консультации"]
    assert ("consultations.event.published", "Новое мероприятие") in groups["Мероприятия"]


def test_a_filed_request_tells_the_methodists_of_its_municipality(world):
    school = user_with_role(RoleKind.SCHOOL, organization=world.school)
    filed = request_services.request_create(
        actor=school,
        organization=world.school,
        windows=[(world.monday, world.monday + datetime.timedelta(days=7))],
        kind="individual",
        subject=world.subject,
        topic="Текстовые задачи",
        difficulty="Не решают задачи на движение.",
        participants="учителя математики",
        participants_count=2,
        format="in_person",
        teacher=None,
    )
    assert kinds(world.methodist) == ["consultations.request.filed"]
    told = note(world.methodist, "consultations.request.filed")
    assert str(world.school) in told.text and "Математика" in told.text
    assert told.link == filed.get_absolute_url()
    untold(world, school)


def test_an_accepted_request_tells_the_requester_and_the_teacher(world):
    world.request = request_of(world, status=Status.SUBMITTED, teacher=world.teacher)
    request_services.request_accept(actor=world.methodist, request=world.request)
    assert kinds(world.request.requested_by) == ["consultations.request.accepted"]
    assert kinds(world.teacher) == ["consultations.request.accepted"]
    told = note(world.teacher, "consultations.request.accepted")
    assert f"№ {world.request.pk}" in told.text and "Математика" in told.text
    assert told.link == world.request.get_absolute_url()
    untold(world, world.methodist, world.tutor)


def test_a_rejected_request_tells_the_requester_why(world):
    world.request = request_of(world, status=Status.SUBMITTED)
    request_services.request_reject(
        actor=world.methodist, request=world.request, reason="Тема не по профилю пункта."
    )
    told = note(world.request.requested_by, "consultations.request.rejected")
    assert told.text.endswith("Тема не по профилю пункта.")
    untold(world, world.methodist, world.tutor)


def test_a_booked_session_tells_the_requester_the_teacher_and_the_tutor_its_local_time(world):
    book(world)  # Monday 14:00 in Новокузнецк (UTC+7)
    for person in (world.requester, world.teacher, world.tutor):
        assert kinds(person) == ["consultations.request.scheduled"], person
    told = note(world.requester, "consultations.request.scheduled")
    assert f"{world.monday:%d.%m.%Y} 14:00–15:00" in told.text
    assert str(world.school) in told.text and world.tutor.short_name in told.text
    untold(world, world.methodist)


def test_a_moved_session_tells_them_the_new_time(world):
    session = book(world)
    session_reschedule(
        actor=world.methodist,
        session=session,
        starts_at=at(world, world.monday, 15),
        ends_at=at(world, world.monday, 16),
    )
    for person in (world.requester, world.teacher, world.tutor):
        assert "consultations.request.rescheduled" in kinds(person), person
    told = note(world.tutor, "consultations.request.rescheduled")
    assert f"на {world.monday:%d.%m.%Y} 15:00–16:00" in told.text
    assert kinds(world.methodist) == []
    untold(world)


def test_a_move_to_the_same_time_tells_nobody(world):
    session = book(world)
    session_reschedule(
        actor=world.methodist, session=session, starts_at=session.starts_at, ends_at=session.ends_at
    )
    assert "consultations.request.rescheduled" not in kinds(world.requester)


def test_a_cancelled_session_tells_them_with_the_reason(world):
    session = book(world)
    session_cancel(actor=world.methodist, session=session, reason="Тьютор на курсах.")
    for person in (world.requester, world.teacher, world.tutor):
        assert "consultations.request.cancelled" in kinds(person), person
    told = note(world.requester, "consultations.request.cancelled")
    assert f"{world.monday:%d.%m.%Y} 14:00" in told.text and "Тьютор на курсах." in told.text
    assert told.link == world.request.get_absolute_url()
    untold(world, world.methodist)


def test_a_cancelled_request_tells_them_which_session_is_off(world):
    book(world)
    request_services.request_cancel(
        actor=world.methodist, request=world.request, reason="Карантин в школе."
    )
    told = note(world.tutor, "consultations.request.cancelled")
    assert "Карантин в школе." in told.text and f"{world.monday:%d.%m.%Y} 14:00" in told.text
    assert "consultations.request.cancelled" in kinds(world.requester)
    untold(world, world.methodist)


def test_a_withdrawal_by_the_school_is_not_told_to_the_school(world):
    world.request = request_of(world, status=Status.SUBMITTED)
    request_services.request_withdraw(
        actor=world.request.requested_by, request=world.request, reason="Справились сами."
    )
    assert kinds(world.request.requested_by) == []


def test_a_refused_move_tells_nobody(world):
    with pytest.raises(request_services.DomainError):
        request_services.request_accept(actor=world.other_methodist, request=world.request)
    assert not Notification.objects.exists()


# Events ---------------------------------------------------------------------------------------


@pytest.fixture
def town(db):
    methodist = user_with_role(RoleKind.METHODIST)
    municipality = methodist.roles.get().municipality
    event = EventFactory(municipality=municipality, status="draft", title="Смысловое чтение")
    return {
        "methodist": methodist,
        "event": event,
        "teacher": user_with_role(RoleKind.TEACHER, municipality=municipality),
        "tutor": user_with_role(RoleKind.TUTOR, municipality=municipality),
        "school": user_with_role(RoleKind.SCHOOL, municipality=municipality),
        "teacher_elsewhere": user_with_role(RoleKind.TEACHER),
    }


def test_a_published_event_tells_the_teachers_and_tutors_of_its_municipality(town):
    event_services.event_publish(actor=town["methodist"], event=town["event"])
    for person in ("teacher", "tutor"):
        assert kinds(town[person]) == ["consultations.event.published"], person
    told = note(town["teacher"], "consultations.event.published")
    assert "Смысловое чтение" in told.text and told.link == town["event"].get_absolute_url()
    local = timezone.localtime(town["event"].starts_at, town["event"].municipality.tzinfo)
    assert f"{local:%d.%m.%Y %H:%M}" in told.text
    for person in ("methodist", "school", "teacher_elsewhere"):
        assert kinds(town[person]) == [], person


def test_a_changed_event_tells_the_people_registered(town):
    event = town["event"]
    event.status = "published"
    event.save(update_fields=["status"])
    registered = EventRegistrationFactory(event=event).participant
    event_services.event_update(actor=town["methodist"], event=event, place="Школа № 3, зал")
    assert kinds(registered) == ["consultations.event.changed"]
    assert "Школа № 3, зал" in note(registered, "consultations.event.changed").text
    assert kinds(town["teacher"]) == [] and kinds(town["methodist"]) == []


def test_a_change_of_what_the_registered_do_not_see_tells_nobody(town):
    event = town["event"]
    event.status = "published"
    event.save(update_fields=["status"])
    registered = EventRegistrationFactory(event=event).participant
    event_services.event_update(actor=town["methodist"], event=event, capacity=40)
    assert kinds(registered) == []


def test_a_cancelled_event_tells_the_people_registered_why(town):
    event = town["event"]
    registered = EventRegistrationFactory(event=event).participant
    event_services.event_cancel(actor=town["methodist"], event=event, reason="Болезнь ведущего.")
    assert kinds(registered) == ["consultations.event.cancelled"]
    assert "Болезнь ведущего." in note(registered, "consultations.event.cancelled").text
    assert kinds(town["teacher"]) == [] and kinds(town["methodist"]) == []


def test_a_published_event_tells_its_audience_whatever_its_subjects(town):
    # The audience is the municipality's teachers and tutors, whatever the subjects listed.
    town["event"].subjects.set([SubjectFactory()])
    event_services.event_publish(actor=town["methodist"], event=town["event"])
    assert kinds(town["teacher"]) == ["consultations.event.published"]


def test_the_request_page_offers_the_methodist_her_moves_and_the_school_its_own(client, world):
    world.request = ConsultationRequestFactory(
        municipality=world.municipality, organization=world.school
    )
    url = world.request.get_absolute_url()
    client.force_login(world.methodist)
    page = client.get(url).content.decode()
    assert "Принять заявку" in page and "Отклонить заявку" in page
    assert "Отозвать заявку" not in page
    client.force_login(world.request.requested_by)
    page = client.get(url).content.decode()
    assert "Отозвать заявку" in page and "Принять заявку" not in page
