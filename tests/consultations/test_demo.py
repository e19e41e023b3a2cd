from datetime import timedelta

from django.utils import timezone

from consultations.demo import POINT
from consultations.matching import build_schedule
from consultations.models import (
    AvailabilitySlot,
    ConsultationPoint,
    ConsultationRequest,
    Schedule,
    Session,
    SessionReport,
)
from consultations.services.schedules import SCHEDULE_DOCUMENT
from tutoring.demo import LABINSK, TUTORS
from tutoring.models import Document, Municipality, User


def test_it_gives_the_demo_requests_in_every_state(demo):
    states = set(ConsultationRequest.objects.values_list("status", flat=True))
    expected = {"submitted", "accepted", "scheduled", "rejected", "withdrawn", "cancelled"}
    assert expected <= states
    assert Session.objects.filter(status=Session.Status.PLANNED).exists()


def test_it_approves_and_prints_the_current_weeks_schedule(demo):
    schedule = Schedule.objects.get(status=Schedule.Status.APPROVED)
    assert schedule.snapshot["rows"]
    document = Document.objects.get(kind=SCHEDULE_DOCUMENT, object_id=str(schedule.pk))
    assert document.status == Document.Status.READY


def test_it_reports_the_held_sessions(demo):
    for session in Session.objects.filter(status=Session.Status.HELD):
        assert SessionReport.objects.filter(session=session, held=True).exists()


def test_it_gives_every_tutor_of_the_order_reception_hours(demo):
    having = set(
        AvailabilitySlot.objects.filter(municipality__name=LABINSK).values_list(
            "tutor__username", flat=True
        )
    )
    assert having == {username for username, *_ in TUTORS}
    assert len(having) == 21


def test_it_places_the_accepted_requests_when_the_methodist_builds_the_schedule(demo):
    labinsk = Municipality.objects.get(name=LABINSK)
    accepted = ConsultationRequest.objects.filter(status=ConsultationRequest.Status.ACCEPTED)
    assert accepted.count() == 1
    today = timezone.localdate(timezone=labinsk.tzinfo)
    booked, unplaced = build_schedule(
        actor=User.objects.get(username="methodist"),
        municipality=labinsk,
        point=ConsultationPoint.objects.get(municipality=labinsk, name=POINT),
        starts_on=today,
        ends_on=today + timedelta(days=13),
    )
    assert unplaced == []
    [session] = booked
    assert session.request.subject.name == "История"
    assert session.tutor.username in {"tutor13", "tutor14"}
