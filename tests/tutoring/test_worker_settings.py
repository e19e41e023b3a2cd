"""The Celery worker's hygiene: a process grown large by one task does not carry its memory
into the next."""

import pathlib

from tutoring.celery import app

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_a_worker_process_grown_past_the_limit_is_replaced():
    assert app.conf.worker_max_memory_per_child == 400_000  # KiB, from settings


def test_the_deployed_worker_runs_the_pool_the_limit_applies_to():
    # The limit holds for the prefork pool (Celery's default); --pool=solo would ignore it.
    compose = (ROOT / "docker-compose.yml").read_text()
    worker = compose.split('"worker"', 1)[1].split("\n", 1)[0]
    assert "--pool" not in worker
