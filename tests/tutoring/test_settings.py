import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def manage(*args, **env):
    # A production process: no test-only switches (the browser tests set one) leak into it.
    leave_out = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {k: v for k, v in os.environ.items() if k not in leave_out}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_passes_the_deployment_checks_in_production_mode():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", HTTPS="1", ALLOWED_HOSTS="tutors.example.ru",
        SECRET_KEY="k3!x9-production-secret-that-is-long-and-random-enough-0123456789",
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_it_fails_the_deployment_checks_with_the_demo_secret_key():
    result = manage(
        "check", "--deploy", "--fail-level", "WARNING",
        DEBUG="0", HTTPS="1", ALLOWED_HOSTS="tutors.example.ru", SECRET_KEY="",
    )  # fmt: skip
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr


def test_it_runs_the_demo_on_sqlite_with_tasks_in_process():
    result = manage(
        "shell", "--no-imports", "-c",
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.LANGUAGE_CODE)",
        DATABASE_URL="", REDIS_URL="",
    )  # fmt: skip
    assert result.stdout.splitlines()[-1].split() == ["django.db.backends.sqlite3", "True", "ru"]


def test_it_sends_a_strict_content_security_policy(client, db):
    policy = client.get("/login/")["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_it_has_no_inline_scripts_or_styles_in_any_template():
    offenders = []
    for template in (ROOT / "templates").rglob("*.html"):
        text = template.read_text()
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"<style\b", text):
            offenders.append(str(template))
        if re.search(r"\sstyle=|\son[a-z]+=", text):
            offenders.append(str(template))
    assert offenders == []


def test_it_serves_bootstrap_and_htmx_from_its_own_static_files(client, db):
    page = client.get("/login/").content.decode()
    assert re.search(r'src="/static/vendor/htmx/htmx\.min\.[0-9a-f]+\.js"', page)
    assert re.search(r'href="/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]+\.css"', page)
    assert "cdn" not in page.lower()


def test_it_writes_logs_as_json_in_production():
    result = manage(
        "shell", "-c", "import logging; logging.getLogger('tutoring').warning('проверка')",
        DEBUG="0", LOG_FORMAT="",
    )  # fmt: skip
    line = result.stderr.strip().splitlines()[-1]
    assert '"level": "WARNING"' in line
    assert "проверка" in line or "\\u043f" in line


def test_it_sends_letters_through_the_relay_named_by_the_environment():
    result = manage(
        "shell", "--no-imports", "-c",
        "from django.conf import settings as s; print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT,"
        " s.EMAIL_HOST_USER, s.EMAIL_USE_TLS, s.EMAIL_TIMEOUT, s.DEFAULT_FROM_EMAIL, s.PORTAL_URL)",
        EMAIL_HOST="smtp.edu.example.ru", EMAIL_PORT="587", EMAIL_HOST_USER="portal",
        EMAIL_HOST_PASSWORD="secret", EMAIL_USE_TLS="1", EMAIL_TIMEOUT="7",
        DEFAULT_FROM_EMAIL="portal@edu.example.ru", PORTAL_URL="https://tutors.example.ru",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.edu.example.ru",
        "587",
        "portal",
        "True",
        "7",
        "portal@edu.example.ru",
        "https://tutors.example.ru",
    ]


def test_it_prints_letters_to_the_console_without_a_relay():
    result = manage(
        "shell", "--no-imports",
        "-c", "from django.conf import settings as s; print(s.EMAIL_BACKEND)",
        EMAIL_HOST="", EMAIL_BACKEND="",
    )  # fmt: skip
    assert result.stdout.strip() == "django.core.mail.backends.console.EmailBackend"
