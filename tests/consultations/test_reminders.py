"""The consultation point's reminders: a session tomorrow, the report after it, the rating
after that, an event tomorrow. Who is told, who is not, and that each is told once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consultations.models import ConsultationRequest, Event, Session, SessionReport
from tests.tutoring.factories import MunicipalityFactory, user_with_role
from tutoring import reminders
from tutoring.models import Notification, RoleKind

from .factories import (
    ConsultationRequestFactory,
    EventFactory,
    EventRegistrationFactory,
    SessionFactory,
)

NOW = timezone.now().replace(microsecond=0)


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def texts(kind):
    return list(Notification.objects.filter(kind=kind).values_list("text", flat=True))


def session_at(starts_at, *, status=Session.Status.PLANNED, teacher=True, **fields):
    request = ConsultationRequestFactory(
        status=ConsultationRequest.Status.SCHEDULED, topic="Дроби на координатном луче", **fields
    )
    if teacher:
        request.teacher = user_with_role(RoleKind.TEACHER, organization=request.organization)
        request.save(update_fields=["teacher"])
    return SessionFactory(
        request=request,
        municipality=request.municipality,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=90),
        status=status,
    )


# Session tomorrow ------------------------------------------------------------------------------


def test_it_tells_the_tutor_the_requester_and_the_teacher_of_a_session_tomorrow(db):
    session = session_at(NOW + timedelta(hours=20))
    other_methodist = user_with_role(RoleKind.METHODIST, municipality=session.municipality)
    elsewhere = session_at(NOW + timedelta(days=3))

    reminders.run(NOW)

    request = session.request
    assert told("consultations.session.tomorrow") == sorted(
        [session.tutor_id, request.requested_by_id, request.teacher_id]
    )
    assert other_methodist.pk not in told("consultations.session.tomorrow")
    assert elsewhere.tutor_id not in told("consultations.session.tomorrow")
    notification = Notification.objects.filter(recipient=session.tutor).get()
    assert notification.link == session.get_absolute_url()
    assert notification.object_key == f"consultations.session:{session.pk}"


def test_the_text_names_the_day_and_the_time_in_the_municipalitys_zone(db):
    municipality = MunicipalityFactory(timezone="Asia/Vladivostok")  # UTC+10
    start = (NOW + timedelta(days=1)).replace(hour=0, minute=30, second=0)  # 10:30 there
    if start <= NOW:
        start += timedelta(days=1)
    session = session_at(start, municipality=municipality)
    moment = start - timedelta(hours=20)

    reminders.run(moment)

    local = timezone.localtime(start, municipality.tzinfo)
    text = Notification.objects.filter(recipient=session.tutor).get().text
    today = timezone.localtime(moment, municipality.tzinfo).date()
    day = "сегодня" if local.date() == today else "завтра"
    assert text.startswith(f"Занятие {day} в 10:30: индивидуальная консультация")
    assert "«Дроби на координатном луче»" in text


def test_a_cancelled_session_and_one_of_the_day_after_tomorrow_are_not_reminded(db):
    session_at(NOW + timedelta(hours=5), status=Session.Status.CANCELLED)
    session_at(NOW + timedelta(hours=30))
    session_at(NOW - timedelta(hours=1))

    assert reminders.run(NOW)["consultations.session.tomorrow"] == 0


def test_a_second_run_reminds_nobody_again(db):
    session_at(NOW + timedelta(hours=20))

    first = reminders.run(NOW)["consultations.session.tomorrow"]
    second = reminders.run(NOW + timedelta(minutes=30))["consultations.session.tomorrow"]

    assert (first, second) == (3, 0)
    assert Notification.objects.count() == 3


def test_an_inactive_person_is_not_reminded_and_not_marked_as_reminded(db):
    session = session_at(NOW + timedelta(hours=20), teacher=False)
    session.tutor.is_active = False
    session.tutor.save(update_fields=["is_active"])

    reminders.run(NOW)

    assert told("consultations.session.tomorrow") == [session.request.requested_by_id]


# Report due --------------------------------------------------------------------------------


def test_it_asks_the_tutor_for_the_report_as_soon_as_the_session_ends(db):
    session = session_at(NOW - timedelta(hours=2))
    session_at(NOW + timedelta(hours=2))  # not over yet

    reminders.run(NOW)

    assert told("consultations.session.report_due") == [session.tutor_id]
    assert texts("consultations.session.report_due")[0].endswith("Составьте отчёт о нём.")


def test_it_asks_again_two_days_after_and_then_no_more(db):
    session = session_at(NOW - timedelta(hours=2))
    reminders.run(NOW)

    later = reminders.run(NOW + timedelta(days=2, hours=1))
    after = reminders.run(NOW + timedelta(days=3))

    assert later["consultations.session.report_due.again"] == 1
    assert after["consultations.session.report_due.again"] == 0
    assert told("consultations.session.report_due") == [session.tutor_id] * 2
    assert "ещё не составлен" in texts("consultations.session.report_due")[0]


def test_a_filed_report_is_not_asked_for(db):
    session = session_at(NOW - timedelta(days=3))
    SessionReport.objects.create(session=session, held=True, summary="Разобрали задачи")
    session.status = Session.Status.HELD
    session.save(update_fields=["status"])

    counts = reminders.run(NOW)

    assert counts["consultations.session.report_due"] == 0
    assert counts["consultations.session.report_due.again"] == 0


# Rating due --------------------------------------------------------------------------------


def closed_request(held_ago, **fields):
    session = session_at(NOW - held_ago, status=Session.Status.HELD, **fields)
    ConsultationRequest.objects.filter(pk=session.request_id).update(
        status=ConsultationRequest.Status.CLOSED
    )
    return session.request


def test_it_asks_the_requester_to_rate_three_days_after_the_session(db):
    request = closed_request(timedelta(days=3, hours=2))
    closed_request(timedelta(days=1))  # too early

    reminders.run(NOW)

    assert told("consultations.session.rating_due") == [request.requested_by_id]
    notification = Notification.objects.get(kind="consultations.session.rating_due")
    assert notification.text.startswith(f"Оцените помощь по заявке № {request.pk}")
    assert notification.link == request.get_absolute_url()


def test_a_rated_request_is_not_asked_to_be_rated(db):
    request = closed_request(timedelta(days=4))
    ConsultationRequest.objects.filter(pk=request.pk).update(rating=5)

    assert reminders.run(NOW)["consultations.session.rating_due"] == 0


def test_a_cancelled_request_is_not_asked_to_be_rated(db):
    request = closed_request(timedelta(days=4))
    ConsultationRequest.objects.filter(pk=request.pk).update(
        status=ConsultationRequest.Status.CANCELLED
    )

    assert reminders.run(NOW)["consultations.session.rating_due"] == 0


# Event tomorrow ----------------------------------------------------------------------------


def test_it_tells_the_people_registered_for_an_event_tomorrow(db):
    event = EventFactory(starts_at=NOW + timedelta(hours=10), ends_at=NOW + timedelta(hours=12))
    registered = [EventRegistrationFactory(event=event).participant for _ in range(2)]
    not_registered = user_with_role(RoleKind.TEACHER, municipality=event.municipality)
    EventRegistrationFactory(
        event=EventFactory(starts_at=NOW + timedelta(days=4), ends_at=NOW + timedelta(days=5))
    )

    reminders.run(NOW)

    assert told("consultations.event.tomorrow") == sorted(p.pk for p in registered)
    assert not_registered.pk not in told("consultations.event.tomorrow")
    assert texts("consultations.event.tomorrow")[0].startswith(str(event))


@pytest.mark.parametrize("status", [Event.Status.CANCELLED, Event.Status.DRAFT])
def test_a_cancelled_or_draft_event_is_not_reminded(db, status):
    event = EventFactory(
        starts_at=NOW + timedelta(hours=10), ends_at=NOW + timedelta(hours=12), status=status
    )
    EventRegistrationFactory(event=event)

    assert reminders.run(NOW)["consultations.event.tomorrow"] == 0


def test_the_letter_of_a_session_tomorrow_carries_its_invitation(db):
    from tutoring.notifications import attachments_for

    session = session_at(NOW + timedelta(hours=20))
    reminders.run(NOW)
    notification = Notification.objects.get(recipient=session.tutor)

    [(name, content, mimetype)] = attachments_for(notification)

    assert (name, mimetype) == (f"zanyatie-{session.pk}.ics", "text/calendar")
    assert b"METHOD:REQUEST" in content
    assert b"SEQUENCE:0" in content
