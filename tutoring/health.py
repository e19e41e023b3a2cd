from django.conf import settings
from django.db import connection


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:  # whatever keeps the database from answering, it is "down"
        return "error"
    return "ok"


def broker_status() -> str | None:
    """The Celery broker's state, or None when tasks run in-process (no broker configured)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    from kombu import Connection

    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
    except Exception:  # an unreachable broker fails in transport-specific ways; all mean "down"
        return "error"
    return "ok"
