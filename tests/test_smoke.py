"""Production-like smoke test: gunicorn and a real Celery worker on the test PostgreSQL and
Redis, as docker-compose runs them."""

import json
import os
import subprocess
import sys
import urllib.request
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from tests.services import free_port, wait_for_port
from tutoring.tasks import clear_expired_sessions, ping

pytestmark = [pytest.mark.smoke, pytest.mark.django_db(transaction=True)]


def database_url():
    """The URL of the test database that pytest-django created (test_<name>)."""
    db = connection.settings_dict
    return f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def production_env():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=database_url(),
        REDIS_URL=os.environ["REDIS_URL"],
        DEBUG="0",
        SECRET_KEY="smoke-test-secret-key-that-is-long-enough-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1",
    )
    return env


def spawn(*command, env):
    return subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@pytest.fixture
def gunicorn(production_env):
    port = free_port()
    process = spawn(
        "gunicorn", "tutoring.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "2", env=production_env,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture
def worker(production_env):
    process = spawn(
        "celery", "-A", "tutoring", "worker", "--pool=solo", "--concurrency=1",
        "--without-heartbeat", "--without-gossip", "--without-mingle", "--loglevel=WARNING",
        env=production_env,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


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
