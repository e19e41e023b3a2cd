"""Test harness: real PostgreSQL and Redis, collected static files, Chromium for Playwright.

The servers start when this file is imported, which pytest does before pytest-django reads
the Django settings, so that DATABASE_URL and REDIS_URL name this run's own servers.
"""

import atexit
import os
import sys
import tempfile

import django
import pytest

from tests.services import ServiceError, Services

if "django.conf" in sys.modules:
    from django.conf import settings as _settings

    if _settings.configured:
        pytest.exit(
            "Django settings were loaded before the test services started: unset "
            "DJANGO_SETTINGS_MODULE (tests/conftest.py sets it itself).",
            returncode=3,
        )

_services = Services()
try:
    _services.start()
except ServiceError as error:
    pytest.exit(f"Cannot start the test services: {error}", returncode=3)
atexit.register(_services.stop)

os.environ.setdefault("STATIC_ROOT", tempfile.mkdtemp(prefix="tutoring-static-"))
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="tutoring-media-"))
os.environ["DJANGO_SETTINGS_MODULE"] = "tutoring.settings"
django.setup()

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Chromium runs as root in CI (so without its sandbox) on a machine whose network reaches
# only package registries: everything that would call home is switched off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_sessionstart(session):
    # Pages are rendered with the same manifest storage as in production, which needs the
    # collected files and their manifest.
    from django.core.management import call_command

    call_command("collectstatic", interactive=False, verbosity=0)


def pytest_unconfigure(config):
    _services.stop()


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; the suite signs in hundreds of times.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]


@pytest.fixture
def demo(db):
    """The demo data set of `manage.py load_demo`."""
    from tutoring.demo import load_demo

    load_demo()


@pytest.fixture
def sign_in(client):
    """Sign in through the login form, as a person would (and as django-axes requires)."""

    def sign_in(username, password="demo"):
        client.logout()  # the login page sends a signed-in user away without signing in
        response = client.post("/login/", {"username": username, "password": password})
        assert response.status_code == 302, f"{username} could not sign in"
        return client

    return sign_in


@pytest.fixture(scope="session")
def smtp_server():
    """A real SMTP server process on a free port, started once for the tests that read mail."""
    from tests.services import SmtpServer

    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(smtp_server, settings, monkeypatch, django_capture_on_commit_callbacks):
    """Letters go through Django's SMTP backend to the test SMTP server; the letter task
    runs in-process (there is no worker in a unit test), retries included."""
    from tests.mailbox import Mailbox
    from tutoring.tasks import send_letter

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    monkeypatch.setitem(send_letter.app.conf, "task_always_eager", True)
    box = Mailbox(smtp_server.maildir, django_capture_on_commit_callbacks)
    box.clear()
    return box


@pytest.fixture(scope="session")
def s3_server():
    """A real S3-compatible server process (moto) on a free port, started once for the tests
    that store files in a bucket."""
    from tests.services import S3Server

    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    """The default storage is a fresh bucket of the test S3 server, set up from S3_*
    variables exactly as production reads them; yields those variables."""
    import uuid

    from tutoring.settings import file_storage

    env = s3_server.env(f"test-{uuid.uuid4().hex[:12]}", prefix="media")
    s3_server.create_bucket(env["S3_BUCKET"])
    # Django drops its default storage when STORAGES changes, and again when it is restored.
    settings.STORAGES = {**settings.STORAGES, "default": file_storage(env)}
    return env
