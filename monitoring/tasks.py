import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.cache import cache
from django.db import DatabaseError

from . import services, warming
from .models import DomainError

logger = logging.getLogger(__name__)

# A region's «Ф1» (100,000 rows) is checked in well under a minute and loaded in a few; the
# soft limit ends a run gone wrong with a reason on the page, the hard one (a minute later)
# a run that does not even stop then. Both stay under the broker's visibility timeout (the
# settings' LONGEST_TASK_SECONDS, half an hour).
CHECK_TIME_LIMIT = 10 * 60
LOAD_TIME_LIMIT = 28 * 60

TIMED_OUT = {
    "check": (
        "проверка файла не уложилась в {minutes} минут. Нажмите «Повторить»; если сбой "
        "повторится, разделите файл на части или сообщите администратору портала"
    ),
    "load": (
        "загрузка не уложилась в {minutes} минут, данные в портале не изменились. Нажмите "
        "«Повторить»; если сбой повторится, сообщите администратору портала"
    ),
}
UNREADABLE = (
    "файл не удалось прочитать. Откройте его в Excel, сохраните как «Книга Excel (*.xlsx)» "
    "и загрузите снова; если сбой повторится, сообщите администратору портала"
)
BROKEN = (
    "сбой при записи в базу данных или хранилище; нажмите «Повторить», а если сбой "
    "повторится, сообщите администратору портала"
)


def progress_key(batch_id: int) -> str:
    return f"monitoring:import:{batch_id}:progress"


def load_progress(batch_id: int) -> tuple[int, int] | None:
    """(rows written, rows in all) of a load under way: the load is one transaction, so its
    progress cannot be read from the database until it is over."""
    return cache.get(progress_key(batch_id))


@shared_task(soft_time_limit=CHECK_TIME_LIMIT, time_limit=CHECK_TIME_LIMIT + 60)
def check_batch(batch_id: int) -> bool:
    """Check a stored batch (`services.batch_run_check`). Safe to run twice."""
    try:
        return services.batch_run_check(batch_id)
    except SoftTimeLimitExceeded:
        logger.warning("Import batch %s: check timed out", batch_id)
        services.batch_fail(batch_id, TIMED_OUT["check"].format(minutes=CHECK_TIME_LIMIT // 60))
        return False
    except (DatabaseError, OSError):
        # A second run after the first deleted the file, or storage or the database failing.
        logger.exception("Import batch %s: check failed", batch_id)
        services.batch_fail(batch_id, BROKEN)
        return False
    except Exception:
        # The readers turn whatever a file gets wrong into problems; anything else a hostile
        # file finds in a library must still end the check with a reason, never leave the
        # batch «проверяется» for good. Not retried: the same file fails the same way.
        logger.exception("Import batch %s: check crashed", batch_id)
        services.batch_fail(batch_id, UNREADABLE)
        return False


@shared_task(soft_time_limit=LOAD_TIME_LIMIT, time_limit=LOAD_TIME_LIMIT + 60)
def load_batch(batch_id: int) -> bool:
    """Load a confirmed batch. Safe to run twice (a loaded batch is left alone). No retry: a
    load that failed fails again the same way; the page offers «Повторить»."""

    def progress(done: int, total: int) -> None:
        cache.set(progress_key(batch_id), (done, total), timeout=3600)

    try:
        loaded = services.batch_load(batch_id, progress=progress)
    except SoftTimeLimitExceeded:
        logger.warning("Import batch %s: load timed out", batch_id)
        services.batch_fail(batch_id, TIMED_OUT["load"].format(minutes=LOAD_TIME_LIMIT // 60))
        return False
    except (DomainError, DatabaseError, OSError) as error:
        logger.exception("Import batch %s failed", batch_id)
        services.batch_fail(batch_id, str(error) if isinstance(error, DomainError) else BROKEN)
        return False
    finally:
        cache.delete(progress_key(batch_id))
    if loaded:
        # After the commit: the figures the load made cold, counted before a page asks.
        # Their failure leaves them to be counted on demand, never fails the load.
        try:
            warming.warm_after_load(batch_id)
        except Exception:
            logger.exception("Import batch %s: warming the figures failed", batch_id)
    return loaded


def give_up(batch_id: int, *, reason: str) -> None:
    """The outbox gave up the batch's check or load (its workers kept dying): the batch fails
    with the reason, and its page offers «Повторить»."""
    services.batch_fail(batch_id, reason)
