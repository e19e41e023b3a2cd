import logging
import smtplib
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.utils import timezone

from . import documents, letters, outbox
from .models import Document, FormSubmission

logger = logging.getLogger(__name__)


@shared_task(ignore_result=False)
def ping() -> str:
    """A trivial round trip through the broker and a worker: used by the smoke test and by
    operators checking a deployment (`celery -A tutoring call tutoring.tasks.ping`)."""
    logger.info("Ping answered")
    return "pong"


@shared_task(ignore_result=False)
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    # A form's one-time key answers a resent submit; a month later nobody resends it.
    FormSubmission.objects.filter(created_at__lt=timezone.now() - timedelta(days=30)).delete()
    return deleted


@shared_task
def sweep_tasks() -> dict:
    """Send again what the broker or a dead worker lost; give up what keeps failing (beat runs
    it every minute; `manage.py sweep_tasks` does the same from cron)."""
    counts = outbox.sweep()
    if any(counts.values()):
        logger.info("Outbox sweep: %s", counts)
    return counts


# A 35-page report renders in some 6 s; four minutes means something is wrong with it.
@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    max_retries=3,
    retry_backoff=True,
    soft_time_limit=240,
    time_limit=300,
)
def render_document(self, document_id: int) -> None:
    """Render a requested document to PDF and store it with its SHA-256. Safe to run twice:
    a document that is already rendered is left as it is (an approved document is frozen)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.is_ready:
        return
    try:
        kind = documents.get_kind(document.kind)
        _obj, context = kind.build_context(document.object_id)
        pdf = documents.render_pdf(kind.template, context)
        documents.document_store(document_id=document_id, pdf=pdf)
    except OSError:
        # A full disk or an unreachable file share may pass: Celery tries again with a growing
        # pause. After the last try the methodist is told instead of waiting for ever.
        if self.request.retries >= self.max_retries:
            logger.exception("Document %s: storage failed, giving up", document_id)
            documents.document_fail(
                document_id=document_id,
                reason="хранилище файлов недоступно. Попробуйте позже или сообщите "
                "администратору портала.",
            )
        raise
    except SoftTimeLimitExceeded:
        logger.error("Document %s: rendering ran past its time limit", document_id)
        documents.document_fail(
            document_id=document_id,
            reason="формирование заняло больше четырёх минут и было остановлено. Нажмите "
            "«Повторить»; если сбой повторится, сообщите администратору портала.",
        )
    except Exception as error:
        # Anything else (bad data, a template error) fails the same way every time: no retry.
        logger.exception(
            "Document %s (%s %s) failed", document_id, document.kind, document.object_id
        )
        documents.document_fail(document_id=document_id, reason=documents.failure_reason(error))


# The relay may be away for a while (a restart, a network blip): a letter is retried for
# about an hour and then given up, with the failure in the worker's log. Only errors of the
# connection and of the SMTP dialogue are retried; a bug in the letter is not.
@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def send_letter(to: str, subject: str, body: str) -> None:
    EmailMessage(subject, body, to=[to]).send()


# Like `send_letter`: a relay away is waited for, a bug in a letter is not. Each letter is
# marked sent in its own transaction, so a retry sends only those not yet sent.
@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def send_notification_letters(notification_ids: list[int]) -> int:
    """The letters of notifications whose recipients chose «сразу» for their kind."""
    return letters.send_notifications(notification_ids)


@shared_task(
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=900,
    max_retries=8,
)
def send_digest_letters(digest_ids: list[int]) -> int:
    """The daily digests claimed by one run of `send_digests`."""
    return letters.send_digests(digest_ids)


@shared_task
def send_digests() -> int:
    """Gather the daily digests that are due (beat runs it every 15 minutes; `manage.py
    send_digests` does the same from cron) and queue their letters."""
    ids = letters.claim_digests()
    if ids:
        logger.info("Daily digests claimed: %s", len(ids))
    return len(ids)


# Tasks of subpackages, registered where Celery's autodiscovery looks (`tutoring.tasks`).
from .imports.tasks import send_import_invitations  # noqa: E402, F401


@shared_task
def send_reminders() -> dict:
    """Send the reminders that are due (beat runs it every half hour; `manage.py
    send_reminders` does the same from cron). Safe to run twice, or on two workers at once:
    each reminder goes to each person once."""
    from . import reminders

    counts = reminders.run()
    if any(counts.values()):
        logger.info("Reminders sent: %s", counts)
    return counts
