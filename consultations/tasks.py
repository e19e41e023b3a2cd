"""The consultation point's background work: building a period's schedule."""

import logging

from celery import shared_task

from .services import schedule_batches

logger = logging.getLogger(__name__)

# 2,000 requests × 200 tutors build in a few seconds; ten minutes means something is wrong.
BUILD_TIME_LIMIT = 600


@shared_task(soft_time_limit=BUILD_TIME_LIMIT, time_limit=BUILD_TIME_LIMIT + 60)
def run_schedule_build(build_id: int) -> bool:
    """Build a queued schedule (`schedule_batches.schedule_build_run`). Safe to run twice."""
    try:
        return schedule_batches.schedule_build_run(build_id)
    except Exception:
        logger.exception("Schedule build %s failed", build_id)
        return False
