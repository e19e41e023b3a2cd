"""Real server processes for the tests: gunicorn and a Celery worker, run as docker-compose
runs them, against this run's test database (pytest-django's test_<name>) and Redis."""

import os
import subprocess
import sys
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from tests.services import free_port, wait_for_port


def production_env(**extra) -> dict:
    db = connection.settings_dict
    # A production process: no test-only switches (the browser tests set one) leak into it.
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DATABASE_URL=f"postgresql://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        DEBUG="0",
        SECRET_KEY="test-processes-secret-key-that-is-long-enough-0123456789abcdef",
        ALLOWED_HOSTS="127.0.0.1",
    )
    env.update(extra)
    return env


def _spawn(*command, log=None, env=None):
    """`log`: an open file that gets the process's output (its log lines), else discarded;
    `env`: variables that differ from the test run's (another Redis, say)."""
    return subprocess.Popen(
        [sys.executable, "-m", *command],
        cwd=settings.BASE_DIR,
        env=production_env(**(env or {})),
        stdout=log or subprocess.DEVNULL,
        stderr=log or subprocess.DEVNULL,
    )


def _stop(process, timeout):
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def gunicorn(*, env=None, log=None, workers=2):
    port = free_port()
    process = _spawn(
        "gunicorn", "tutoring.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", str(workers), "--timeout", "60",
        env=env, log=log,
    )  # fmt: skip
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        _stop(process, 20)


@contextmanager
def celery_worker(*, loglevel="WARNING", log=None, env=None, beat_schedule=None, pool="solo"):
    """`beat_schedule`: a file for an embedded beat (`-B`), which then runs the periodic tasks;
    `pool="prefork"`: the pool of docker-compose's worker (one process per CPU), whose time
    limits hold; the tests' default is one process, which starts faster."""
    beat = ["-B", f"--schedule={beat_schedule}"] if beat_schedule else []
    pool_options = ["--pool=solo", "--concurrency=1"] if pool == "solo" else [f"--pool={pool}"]
    process = _spawn(
        "celery", "-A", "tutoring", "worker", *pool_options,
        "--without-heartbeat", "--without-gossip", "--without-mingle", f"--loglevel={loglevel}",
        *beat, log=log, env=env,
    )  # fmt: skip
    try:
        yield process
    finally:
        _stop(process, 30)
