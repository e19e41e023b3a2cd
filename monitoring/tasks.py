import logging

from celery import shared_task
from django.core.cache import cache
from django.db import DatabaseError

from . import services
from .models import DomainError

logger = logging.getLogger(__name__)


def progress_key(batch_id: int) -> str:
    return f"monitoring:import:{batch_id}:progress"


def load_progress(batch_id: int) -> tuple[int, int] | None:
    """(rows written, rows in all) of a load under way: the load is one transaction, so its
    progress cannot be read from the database until it is over."""
    return cache.get(progress_key(batch_id))


@shared_task
def load_batch(batch_id: int) -> bool:
    """Load a confirmed batch. Safe to run twice (a loaded batch is left alone). No retry: a
    load that failed fails again the same way, and the user is told to upload anew."""

    def progress(done: int, total: int) -> None:
        cache.set(progress_key(batch_id), (done, total), timeout=3600)

    try:
        return services.batch_load(batch_id, progress=progress)
    except (DomainError, DatabaseError, OSError) as error:
        logger.exception("Import batch %s failed", batch_id)
        reason = (
            str(error)
            if isinstance(error, DomainError)
            else (
                "сбой при записи в базу данных или хранилище; загрузите файл ещё раз, а если сбой "
                "повторится, сообщите администратору портала"
            )
        )
        services.batch_fail(batch_id, reason)
        return False
    finally:
        cache.delete(progress_key(batch_id))
