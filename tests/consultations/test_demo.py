from consultations.models import ConsultationRequest, Schedule, Session, SessionReport
from consultations.services.schedules import SCHEDULE_DOCUMENT
from tutoring.models import Document


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
