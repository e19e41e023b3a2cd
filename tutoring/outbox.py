"""Tasks that a committed change depends on (render a document, check or load an import, send
a letter) are queued through here, never with `.delay()` directly.

    outbox.enqueue(load_batch, batch.pk, key=f"monitoring.import:{batch.pk}")

is called inside the change's transaction. (This first version dispatches after commit; the
outbox row, the sweep and the give-up handlers land next — the API stays as it is.)

`on_give_up(task_name, handler)` names what to do when a task could not finish after its
tries (a worker killed again and again, a run past its time limit): `handler(*args,
reason=...)` marks the object failed, so the page offers «Повторить».

`is_stuck(key)` tells a page that the task of an object waits for a queue that is down or for
a worker that died, so the page says so and offers «Повторить».
"""

from collections.abc import Callable

from django.db import transaction

_give_up: dict[str, Callable] = {}


def enqueue(task, *args, key: str = "") -> None:
    transaction.on_commit(lambda: task.delay(*args))


def on_give_up(task_name: str, handler: Callable) -> None:
    _give_up[task_name] = handler


def is_stuck(key: str) -> bool:
    return False
