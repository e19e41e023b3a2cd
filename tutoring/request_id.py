"""One id per request, in every log line the request causes: the web process's and those of the
tasks it queued, which the worker writes. An operator reading a methodist's «ошибка в 10:42»
finds the request by the X-Request-ID header and follows it into the worker.

The id arrives from the reverse proxy in X-Request-ID when it looks like one (so the proxy's
access log and ours agree), otherwise it is made here; it goes back on the response. Tasks
carry it in a message header; the worker sets it for the duration of the task.
"""

import logging
import re
import uuid
from contextvars import ContextVar

from celery.signals import before_task_publish, task_postrun, task_prerun
from django.core.signals import request_finished

HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
# A proxy's id (nginx's $request_id, a UUID) is short and plain; anything else — too long, or
# with characters that could forge a log line — is replaced rather than written to the log.
SANE = re.compile(r"[A-Za-z0-9._:-]{1,64}")

current: ContextVar[str | None] = ContextVar("request_id", default=None)


def new_id() -> str:
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        given = request.headers.get(HEADER, "")
        request.id = given if SANE.fullmatch(given) else new_id()
        # Left set until request_finished: Django logs a 4xx or 5xx response after the
        # middleware has returned, and that line needs the id too.
        current.set(request.id)
        response = self.get_response(request)
        response[HEADER] = request.id
        return response


class RequestIdFilter(logging.Filter):
    """Gives every record a `request_id` (None outside a request or task) for the formatter."""

    def filter(self, record):
        record.request_id = current.get()
        return True


def _request_finished(**kwargs) -> None:
    current.set(None)


def _task_published(headers=None, **kwargs) -> None:
    request_id = current.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def _task_started(task=None, **kwargs) -> None:
    request_id = getattr(task.request, TASK_HEADER, None) if task is not None else None
    current.set(request_id if isinstance(request_id, str) and SANE.fullmatch(request_id) else None)


def _task_finished(**kwargs) -> None:
    current.set(None)


request_finished.connect(_request_finished, dispatch_uid="tutoring.request_id.finished")
before_task_publish.connect(_task_published, dispatch_uid="tutoring.request_id.publish", weak=False)
task_prerun.connect(_task_started, dispatch_uid="tutoring.request_id.prerun", weak=False)
task_postrun.connect(_task_finished, dispatch_uid="tutoring.request_id.postrun", weak=False)
