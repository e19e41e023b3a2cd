import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError
from django.utils import timezone

from ..errors import DomainError
from ..models import DirectoryImport, Invitation, User
from ..services import people

logger = logging.getLogger(__name__)

# A region's staff list (40,000 rows over 1,500 schools, tests/bench/bench_people_import.py)
# took 24 s to check as new, 88 s to check again (every row matched) and 26 s to load, on two
# cores shared with other work. Ten minutes means the task is stuck on something: the user is
# told instead of waiting. The broker's visibility timeout must exceed the hard limit.
SOFT_LIMIT = 600
HARD_LIMIT = 660
TOO_LONG = (
    "проверка шла дольше десяти минут и остановлена. Нажмите «Повторить»; если не поможет, "
    "разделите файл на несколько и загрузите их по очереди."
)
LOAD_TOO_LONG = (
    "загрузка шла дольше десяти минут и остановлена, данные в портале не изменились. "
    "Попробуйте применить список ещё раз; если не поможет, разделите файл на несколько."
)
BROKEN = (
    "сбой при чтении файла из хранилища или при записи в базу данных. Нажмите «Повторить», а "
    "если сбой повторится, сообщите администратору портала."
)
LOAD_BROKEN = (
    "сбой при записи в базу данных, данные в портале не изменились. Попробуйте применить "
    "список ещё раз, а если сбой повторится, сообщите администратору портала."
)


@shared_task(soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT)
def check_directory_import(import_id: int) -> str | None:
    """Check an uploaded list and keep its outcome (READY or REJECTED), or fail it with a
    reason. Safe to run twice: an import that is no longer being checked is left alone. No
    retry here: the sweep re-sends a check that was never picked up, and the user may press
    «Повторить» on a failed one."""
    from . import services

    try:
        batch = services.directory_import_run_check(import_id)
    except SoftTimeLimitExceeded:
        logger.warning("Directory import %s: check past its time limit", import_id)
        batch = services.directory_import_fail(import_id, reason=TOO_LONG)
    except FileNotFoundError:
        batch = services.directory_import_fail(import_id, reason=services.NO_FILE)
    except (DatabaseError, OSError):
        logger.exception("Directory import %s: check failed", import_id)
        batch = services.directory_import_fail(import_id, reason=BROKEN)
    return batch.status if batch is not None else None


@shared_task(soft_time_limit=SOFT_LIMIT, time_limit=HARD_LIMIT)
def load_directory_import(import_id: int, actor_id: int | None) -> str | None:
    """Apply a confirmed list in one transaction, or put it back to «проверен» with the reason
    (nothing changed). Safe to run twice: a loaded import is left alone."""
    from . import services

    try:
        batch = services.directory_import_run_load(import_id, actor_id)
    except DomainError as error:
        batch = services.directory_import_load_fail(import_id, reason=str(error))
    except SoftTimeLimitExceeded:
        logger.warning("Directory import %s: load past its time limit", import_id)
        batch = services.directory_import_load_fail(import_id, reason=LOAD_TOO_LONG)
    except DatabaseError:
        logger.exception("Directory import %s: load failed", import_id)
        batch = services.directory_import_load_fail(import_id, reason=LOAD_BROKEN)
    return batch.status if batch is not None else None


@shared_task
def send_import_invitations(import_id: int, actor_id: int | None) -> int:
    """Invite the people a staff list added. Safe to run twice: whoever already has an open
    invitation or a password is skipped. Each invitation is its own transaction, so a worker
    stopped half-way leaves the sent ones sent."""
    from .services import invitees

    batch = DirectoryImport.objects.filter(pk=import_id).first()
    if batch is None:
        return 0
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    sent = 0
    for person in invitees(batch).iterator(chunk_size=500):
        if Invitation.objects.filter(
            user=person,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).exists():
            continue
        try:
            people.invitation_send(actor=actor, person=person)
        except DomainError as error:
            logger.info("Import %s: %s not invited: %s", import_id, person.pk, error)
            continue
        sent += 1
    return sent
