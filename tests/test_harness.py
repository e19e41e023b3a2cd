"""The suite runs on the servers the brief names, not on stand-ins."""

from django.conf import settings
from django.db import connection


def test_it_runs_on_postgresql(db):
    assert connection.vendor == "postgresql"


def test_it_sends_tasks_to_a_real_broker():
    assert settings.CELERY_BROKER_URL.startswith("redis://")
    assert not settings.CELERY_TASK_ALWAYS_EAGER
