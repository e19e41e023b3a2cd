from django.conf import settings


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
