"""E-mail to the requester when their request moves, with the sessions as an .ics attachment.
Sent by a Celery task after the change commits (through the outbox, so a broker outage delays
the letter and loses nothing). The reminder the day before is a notification of
tutoring.reminders («Занятие завтра», consultations/reminders.py)."""

from tutoring import outbox

from .models import ConsultationRequest

EVENTS = {
    "accepted": "Заявка принята",
    "scheduled": "Назначено занятие",
    "changed": "Занятие перенесено",
    "cancelled": "Заявка отменена",
    "session_cancelled": "Занятие отменено",
    "reminder": "Напоминание: занятие завтра",
}


def notify(request: ConsultationRequest, event: str) -> None:
    """Queue the e-mail once the current transaction commits (a rolled-back change sends
    nothing)."""
    from .tasks import send_request_email

    if event not in EVENTS:
        raise ValueError(f"Unknown notification {event!r}")
    outbox.enqueue(send_request_email, request.pk, event, key=f"consultations.request:{request.pk}")
