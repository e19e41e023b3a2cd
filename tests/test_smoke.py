"""Production-like smoke test: gunicorn and a real Celery worker on the test PostgreSQL and
Redis, as docker-compose runs them."""

import json
import urllib.request
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from tests import processes
from tutoring.tasks import clear_expired_sessions, ping

pytestmark = [pytest.mark.smoke, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gunicorn():
    with processes.gunicorn() as url:
        yield url


@pytest.fixture
def worker():
    with processes.celery_worker() as process:
        yield process


def test_it_reports_database_and_broker_healthy_under_gunicorn(gunicorn):
    with urllib.request.urlopen(f"{gunicorn}/healthz", timeout=10) as response:
        assert response.status == 200
        assert json.load(response) == {
            "status": "ok",
            "checks": {"database": "ok", "broker": "ok"},
        }


def test_it_serves_the_login_page_and_its_static_files_under_gunicorn(gunicorn):
    with urllib.request.urlopen(f"{gunicorn}/login/", timeout=10) as response:
        page = response.read().decode()
    assert "Вход на портал" in page
    css = page.split('href="/static/vendor/bootstrap/')[1].split('"')[0]
    with urllib.request.urlopen(f"{gunicorn}/static/vendor/bootstrap/{css}", timeout=10) as r:
        assert r.status == 200
        assert "immutable" in r.headers["Cache-Control"]


def test_it_round_trips_a_task_through_a_real_worker(worker):
    assert ping.delay().get(timeout=60) == "pong"


def test_it_lets_the_worker_change_the_database(worker):
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(days=1)
    )
    assert clear_expired_sessions.delay().get(timeout=60) == 1
    assert not Session.objects.exists()
