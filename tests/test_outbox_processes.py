"""No lost work, with the real servers: a broker that is down when a director signs, and a
worker killed in the middle of a render (issue «Runs for years without an engineer»)."""

import http.cookiejar
import os
import re
import signal
import time
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from community.models import Order
from community.services import orders
from community.services.orders import ORDER_DOCUMENT
from tests import processes
from tests.community.test_orders import director_of, order_with_roster
from tests.services import Redis
from tutoring import outbox
from tutoring.celery import app
from tutoring.models import Document, QueuedTask

pytestmark = [pytest.mark.smoke, pytest.mark.django_db(transaction=True)]


class Browser:
    """Just enough of a browser for gunicorn: a session cookie, CSRF, redirects followed."""

    def __init__(self, base: str, session_key: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        self.opener.addheaders = [("Cookie", f"sessionid={session_key}")]

    def get(self, path: str) -> tuple[int, str]:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.status, response.read().decode()

    def post(self, path: str, data: dict, *, form_page: str) -> tuple[int, str]:
        _status, page = self.get(form_page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        csrf = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Cookie", f"sessionid={self.session_key}; csrftoken={csrf}")
        with self.opener.open(request, timeout=60) as response:
            return response.status, response.read().decode()


def signed_in(base: str, user) -> Browser:
    client = Client()
    client.force_login(user)  # a session in the database, which gunicorn reads
    browser = Browser(base, client.cookies["sessionid"].value)
    browser.session_key = client.cookies["sessionid"].value
    return browser


def wait_until(condition, *, timeout: float, step: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


def document_of(order) -> Document | None:
    return Document.objects.filter(kind=ORDER_DOCUMENT, object_id=str(order.pk)).first()


def test_a_signature_while_redis_is_down_is_kept_and_its_pdf_follows_when_redis_returns(
    tmp_path,
):
    redis = Redis()
    redis.start()
    # The session must read the same in gunicorn as here.
    env = {"REDIS_URL": redis.url, "SECRET_KEY": settings.SECRET_KEY, "OUTBOX_SWEEP_SECONDS": "2"}
    order, _roster = order_with_roster(status=Order.Status.SENT)
    director = director_of(order)
    try:
        with (
            open(tmp_path / "gunicorn.log", "w") as log,
            processes.gunicorn(env=env, log=log) as base,
        ):
            browser = signed_in(base, director)
            redis.stop()
            status, page = browser.post(
                f"/community/orders/{order.pk}/approve/",
                {"number": "01-03/24", "date": "2023-01-09"},
                form_page=f"/community/orders/{order.pk}/sign/?number=01-03/24&date=2023-01-09",
            )
            # A normal page: the order is signed, and its PDF will follow.
            assert status == 200
            assert "как только очередь задач станет доступна" in page
            order.refresh_from_db()
            assert order.status == Order.Status.APPROVED
            document = document_of(order)
            assert document.is_pending
            (row,) = QueuedTask.objects.filter(key=document.queue_key)
            assert row.dispatched_at is None

            redis.start()  # back on its port; nobody touches the portal
            with processes.celery_worker(env=env, beat_schedule=tmp_path / "beat"):
                assert wait_until(lambda: document_of(order).is_ready, timeout=120)
            _status, page = browser.get(f"/community/orders/{order.pk}/")
            assert "Скачать PDF" in page
            assert not QueuedTask.objects.exists()
    finally:
        redis.stop()


def test_a_render_whose_worker_is_killed_is_swept_and_rendered_once():
    # A long roster makes a render of a few seconds, long enough to be killed in the middle.
    order, _roster = order_with_roster(n=150, status=Order.Status.SENT)
    director = director_of(order)
    app.control.purge()  # messages other tests left in the shared queue
    orders.order_approve(actor=director, order=order, number="01-03/24", date=timezone.localdate())
    document = document_of(order)
    row = QueuedTask.objects.get(key=document.queue_key)
    assert row.dispatched_at is not None

    with processes.celery_worker() as worker:
        assert wait_until(
            lambda: QueuedTask.objects.filter(pk=row.pk, started_at__isnull=False).exists(),
            timeout=60,
            step=0.02,
        )
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    document.refresh_from_db()
    assert document.is_pending, "the render finished before the worker was killed"
    row.refresh_from_db()
    assert row.attempts == 1 and row.started_at is not None
    assert document.queue_state() == ""  # within its time limit it may still be running

    later = timezone.now() + timedelta(minutes=7)  # past the render's hard limit
    assert document.queue_state() == "" and outbox.state(document.queue_key, now=later) == "stuck"
    assert outbox.sweep(now=later)["resent"] == 1
    with processes.celery_worker():
        assert wait_until(lambda: document_of(order).is_ready, timeout=120)
    document.refresh_from_db()
    assert document.sha256 and document.file
    assert not QueuedTask.objects.exists()
    assert Document.objects.filter(kind=ORDER_DOCUMENT, object_id=str(order.pk)).count() == 1


def test_a_load_whose_worker_is_killed_is_swept_and_loaded_exactly_once():
    from monitoring import services as monitoring
    from monitoring.models import ImportBatch, Participant, ResultSet
    from tests.monitoring.factories import checked, make_world, school_file

    world = make_world()
    # Enough rows for a load of seconds: long enough to be killed in the middle.
    batch = checked(world, school_file(12_000))
    assert batch.status == ImportBatch.Status.READY, batch.errors
    app.control.purge()
    monitoring.batch_confirm(actor=world.methodist, batch=batch)
    row = QueuedTask.objects.get(key=monitoring.import_key(batch.pk))

    with processes.celery_worker() as worker:
        assert wait_until(
            lambda: QueuedTask.objects.filter(pk=row.pk, started_at__isnull=False).exists(),
            timeout=60,
            step=0.02,
        )
        time.sleep(0.3)  # into the load's transaction
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.LOADING, "the load ended before the kill"
    assert not Participant.objects.exists()  # one transaction: nothing of it was kept

    later = timezone.now() + timedelta(minutes=31)  # past the load's hard limit
    assert outbox.state(row.key, now=later) == "stuck"
    assert outbox.sweep(now=later)["resent"] == 1
    with processes.celery_worker():
        assert wait_until(
            lambda: ImportBatch.objects.get(pk=batch.pk).status == ImportBatch.Status.LOADED,
            timeout=180,
        )
    assert Participant.objects.count() == 12_000
    assert ResultSet.objects.count() == 1
    assert not QueuedTask.objects.exists()
