"""The request id: on the response, in the web process's JSON log lines, and in the lines the
real Celery worker writes for a task queued under it."""

import io
import json
import logging
import re
import time

import pytest

from tests import processes
from tutoring import request_id
from tutoring.tasks import ping


@pytest.fixture
def log_lines():
    """What the configured console handler (JSON formatter, request id filter) writes."""
    handler = next(h for h in logging.getLogger().handlers if h.name == "console")
    buffer = io.StringIO()
    previous = handler.setStream(buffer)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines()]
    handler.setStream(previous)


def test_it_puts_the_proxys_request_id_on_the_response_and_the_log_line(client, db, log_lines):
    response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="a1b2c3d4-proxy")

    assert response.status_code == 404
    assert response["X-Request-ID"] == "a1b2c3d4-proxy"
    [line] = [line for line in log_lines() if line["logger"] == "django.request"]
    assert line["request_id"] == "a1b2c3d4-proxy"
    assert "Not Found" in line["message"]


def test_it_makes_an_id_when_the_request_has_none_or_a_strange_one(client, db, log_lines):
    plain = client.get("/no-such-page/")
    forged = client.get("/no-such-page/", HTTP_X_REQUEST_ID='x" level="ERROR' + "y" * 100)

    ids = [plain["X-Request-ID"], forged["X-Request-ID"]]
    assert all(re.fullmatch(r"[0-9a-f]{32}", value) for value in ids)
    assert ids[0] != ids[1]
    assert [line["request_id"] for line in log_lines() if line["logger"] == "django.request"] == ids


def test_lines_outside_a_request_have_no_id(client, db, log_lines):
    client.get("/no-such-page/")
    logging.getLogger("tutoring").warning("after the request")

    assert log_lines()[-1]["request_id"] is None


@pytest.mark.smoke
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_under_a_request_id_logs_it_in_the_worker(tmp_path):
    log_file = tmp_path / "worker.log"
    token = request_id.current.set("req-7f3a9c")
    try:
        with log_file.open("w") as log, processes.celery_worker(loglevel="INFO", log=log):
            assert ping.delay().get(timeout=60) == "pong"
            time.sleep(0.5)  # the worker's line may reach the file a moment after the result
    finally:
        request_id.current.reset(token)

    lines = [json.loads(line) for line in log_file.read_text().splitlines() if line[:1] == "{"]
    [answered] = [line for line in lines if line["message"] == "Ping answered"]
    assert answered["request_id"] == "req-7f3a9c"
    assert answered["logger"] == "tutoring.tasks"
