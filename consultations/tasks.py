import logging

from celery import shared_task
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import timezone

from .calendar import CANCEL, REQUEST, calendar_bytes
from .models import ConsultationRequest, Session
from .notifications import EVENTS

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(ConnectionError, TimeoutError),
    max_retries=3,
    retry_backoff=True,
)
def send_request_email(request_id: int, event: str) -> bool:
    """Tell the requester what happened to their request. Returns whether a letter went out:
    a requester with no e-mail address gets none (the portal shows the status anyway)."""
    request = (
        ConsultationRequest.objects.select_related(
            "requested_by", "organization", "subject", "municipality"
        )
        .filter(pk=request_id)
        .first()
    )
    if request is None or not request.requested_by.email:
        return False
    sessions = list(
        request.sessions.select_related("point__organization", "room", "tutor", "municipality")
        .select_related("request__organization")
        .order_by("starts_at")
    )
    subject = f"{EVENTS[event]}: заявка № {request.pk}"
    # Times in the letter are the municipality's, wherever the worker runs.
    with timezone.override(request.municipality.tzinfo):
        body = render_to_string(
            "consultations/email/request.txt",
            {"request": request, "event": EVENTS[event], "sessions": sessions},
        )
    message = EmailMessage(subject, body, to=[request.requested_by.email])
    # An invitation or its change (scheduled, changed, the reminder) is an iTIP REQUEST of the
    # planned sessions; a cancellation is a CANCEL of the cancelled ones. A calendar applies
    # either to the entry of the same UID when the SEQUENCE is not older than its own.
    cancelling = event in ("cancelled", "session_cancelled")
    wanted = Session.Status.CANCELLED if cancelling else Session.Status.PLANNED
    shown = [session for session in sessions if session.status == wanted]
    method = CANCEL if cancelling else REQUEST
    attendee = (request.requested_by.full_name, request.requested_by.email)
    for number, session in enumerate(shown, start=1):
        # One session an attachment: an iTIP message is about one UID (RFC 5546), and a
        # client offers one invitation per attachment.
        suffix = f"-{number}" if len(shown) > 1 else ""
        message.attach(
            f"zayavka-{request.pk}{suffix}.ics",
            calendar_bytes(
                [session], name=f"Заявка № {request.pk}", method=method, attendees=[attendee]
            ),
            "text/calendar",
        )
    message.send()
    return True
