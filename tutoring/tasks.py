from celery import shared_task
from django.contrib.sessions.models import Session
from django.utils import timezone


@shared_task
def ping() -> str:
    """A trivial round trip through the broker and a worker: used by the smoke test and by
    operators checking a deployment (`celery -A tutoring call tutoring.tasks.ping`)."""
    return "pong"


@shared_task
def clear_expired_sessions() -> int:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
