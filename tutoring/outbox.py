"""The outbox: tasks that a committed change depends on (render a document, check or load an
import, send a letter) are recorded in the change's own transaction and sent to the broker
after it commits, never with `.delay()` directly.

    outbox.enqueue(load_batch, batch.pk, key=f"monitoring.import:{batch.pk}")

A row (`QueuedTask`) lives from the change until the task has run:

- dispatched after the commit; if the broker is down, the row waits and the user sees the change
  and «будет выполнено, как только очередь станет доступна» — never a 500;
- marked started when a worker takes it (`task_prerun`), deleted when it has run
  (`task_postrun`), kept while Celery retries it;
- `sweep()` (Celery beat every minute, `manage.py sweep_tasks` for cron) sends again what was
  never dispatched, and what a worker started but did not finish within the task's hard time
  limit (the worker was killed) — the tasks are safe to run twice — until `MAX_ATTEMPTS`; then
  it gives the task up: the handler registered with `on_give_up(task_name, handler)` is called
  as `handler(*args, reason=...)` and marks the object failed, so that its page offers
  «Повторить».

Why not a library: celery-outbox-style packages publish from a relay process of their own, and
none of them knows when a worker died mid-task; what is needed here is these three states and
a sweep, on the task ids Celery already carries.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from importlib import import_module

from celery import current_app
from celery.exceptions import NotRegistered
from celery.signals import task_postrun, task_prerun
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import QueuedTask
from .words import plural

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# The commit's own dispatch may still be under way: the sweep leaves younger rows alone.
DISPATCH_GRACE = timedelta(seconds=10)
# A dispatched task no worker has taken: its message may have been lost with a broker that
# restarted without its data. Queues are long in results season, so this waits a while.
REQUEUE_AFTER = timedelta(hours=1)
# After its hard limit, a task still marked running has lost its worker.
RUN_GRACE = timedelta(minutes=1)
KEEP_FAILED = timedelta(days=30)
# An object still waiting for its task this long after asking, with no task recorded, was
# asked for before the outbox existed or lost its task some other way.
LOST_AFTER = timedelta(minutes=10)

_give_up: dict[str, Callable] = {}


def enqueue(task, *args, key: str = "") -> QueuedTask:
    """Record `task(*args)` in the current transaction; send it once the transaction commits."""
    row = QueuedTask.objects.create(task=task.name, args=list(args), key=key)
    transaction.on_commit(lambda: dispatch(row))
    return row


def on_give_up(task_name: str, handler: Callable) -> None:
    """`handler(*args, reason=...)` is called when `task_name` is given up after its tries."""
    _give_up[task_name] = handler


def dispatch(row: QueuedTask) -> bool:
    """Send the row's task to the broker; False (the row waits for the sweep) when the broker
    cannot be reached."""
    task = _task(row.task)
    sent_at = timezone.now()
    if task.app.conf.task_always_eager:
        task.apply_async(args=row.args, task_id=str(row.task_id))  # in-process: its own errors
    else:
        try:
            task.apply_async(args=row.args, task_id=str(row.task_id))
        except Exception:  # whatever keeps the message from the broker, the row waits
            logger.warning(
                "Broker unavailable: %s %s waits for the sweep", row.task, row.args, exc_info=True
            )
            return False
    QueuedTask.objects.filter(pk=row.pk, dispatched_at__isnull=True).update(dispatched_at=sent_at)
    return True


def state(key: str, *, since=None, now=None) -> str:
    """What holds up the tasks of an object: "waiting" (recorded, not yet in the queue: the
    broker is down), "stuck" (given up, or started by a worker that died; or, with `since`, no
    task recorded at all for an object still waiting since then), or "" (queued or running)."""
    now = now or timezone.now()
    rows = list(QueuedTask.objects.filter(key=key))
    if any(row.failed_at or _overdue(row, now) for row in rows):
        return "stuck"
    if any(not row.dispatched_at for row in rows):
        return "waiting"
    if not rows and since is not None and since < now - LOST_AFTER:
        return "stuck"
    return ""


def is_stuck(key: str, *, now=None) -> bool:
    """Whether a task of the object waits for a broker that is down, or for a worker that died
    or gave up: the page says so and offers «Повторить»."""
    return state(key, now=now) != ""


def forget(key: str) -> None:
    """Drop the object's rows (a page's «Повторить» queues the work anew)."""
    QueuedTask.objects.filter(key=key).delete()


def sweep(*, now=None) -> dict:
    """Send again what was not picked up, give up what keeps dying; returns counts by outcome."""
    now = now or timezone.now()
    counts = {"sent": 0, "resent": 0, "given_up": 0, "waiting": 0, "pruned": 0}
    rows = QueuedTask.objects.filter(failed_at__isnull=True, created_at__lt=now - DISPATCH_GRACE)
    for row in rows.order_by("created_at").iterator(chunk_size=500):
        if not row.dispatched_at:
            outcome = "sent" if dispatch(row) else "waiting"
        elif row.started_at is None and row.dispatched_at < now - REQUEUE_AFTER:
            outcome = "resent" if _send_again(row) else "waiting"
        elif row.started_at is not None and _overdue(row, now):
            if row.attempts >= MAX_ATTEMPTS:
                _abandon(row, now)
                outcome = "given_up"
            else:
                outcome = "resent" if _send_again(row) else "waiting"
        else:
            continue
        counts[outcome] += 1
        if outcome == "waiting":
            break  # the broker is down: the rest waits for the next sweep
    counts["pruned"], _ = QueuedTask.objects.filter(failed_at__lt=now - KEEP_FAILED).delete()
    return counts


def _task(name: str):
    """The task of that name. Outside a worker (`manage.py sweep_tasks`, a web process) the
    tasks modules are imported only when used: a name is its module's path and function."""
    try:
        return current_app.tasks[name]
    except NotRegistered:
        import_module(name.rsplit(".", 1)[0])
        return current_app.tasks[name]


def _time_limit(row: QueuedTask) -> timedelta:
    task = _task(row.task)
    limit = getattr(task, "time_limit", None) or settings.CELERY_TASK_TIME_LIMIT
    return timedelta(seconds=limit)


def _overdue(row: QueuedTask, now) -> bool:
    return row.started_at is not None and row.started_at < now - _time_limit(row) - RUN_GRACE


def _send_again(row: QueuedTask) -> bool:
    QueuedTask.objects.filter(pk=row.pk).update(dispatched_at=None, started_at=None)
    row.dispatched_at = row.started_at = None
    return dispatch(row)


def _abandon(row: QueuedTask, now) -> None:
    reason = (
        f"обработка прерывалась {plural(row.attempts, 'раз', 'раза', 'раз')} подряд. Нажмите "
        "«Повторить»; если сбой повторится, сообщите администратору портала."
    )
    with transaction.atomic():
        QueuedTask.objects.filter(pk=row.pk).update(failed_at=now, failure=reason)
        handler = _give_up.get(row.task)
        if handler is not None:
            handler(*row.args, reason=reason)
    logger.error("Gave up %s %s after %s attempts", row.task, row.args, row.attempts)


def _started(task_id=None, **kwargs) -> None:
    if task_id:
        QueuedTask.objects.filter(task_id=task_id, failed_at__isnull=True).update(
            started_at=timezone.now(), attempts=F("attempts") + 1
        )


def _finished(task_id=None, state=None, **kwargs) -> None:
    # A task Celery will retry keeps its row: the retry runs under the same id.
    if task_id and state != "RETRY":
        QueuedTask.objects.filter(task_id=task_id).delete()


task_prerun.connect(_started, dispatch_uid="tutoring.outbox.started", weak=False)
task_postrun.connect(_finished, dispatch_uid="tutoring.outbox.finished", weak=False)
