"""Letters: rendered when the change that causes them is made, sent by a Celery task after
that change commits (a rolled-back change sends nothing; a broker outage delays it, see
`tutoring.outbox`), retried while the relay is away."""

from django.conf import settings
from django.template.loader import render_to_string


def portal_url(path: str) -> str:
    """An absolute link for a letter: letters are also sent from commands and tasks, which
    have no request to take the host from."""
    return settings.PORTAL_URL.rstrip("/") + path


def queue_letter(*, to: str, subject: str, template: str, context: dict) -> None:
    """Send a plain-text letter once the current transaction commits."""
    from . import outbox
    from .tasks import send_letter

    body = render_to_string(template, {**context, "portal_url": portal_url("/")})
    outbox.enqueue(send_letter, to, subject, body)
