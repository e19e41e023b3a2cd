"""Settings of the portal, read from environment variables only.

With nothing set, the portal runs as the one-command demo: SQLite in the project folder,
Celery tasks executed in-process, plain HTTP on localhost. Production sets at least
SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, REDIS_URL and HTTPS=1 (see README).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in (os.environ.get(name) or default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The demo key is refused by `check --deploy` (its "django-insecure-" prefix), so a
# production deployment that forgets SECRET_KEY fails its checks instead of running with it.
SECRET_KEY = os.environ.get("SECRET_KEY") or "django-insecure-demo-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "csp",
    "axes",
    "tutoring",
    "community",
    "consultations",
    "expertise",
    "monitoring",
]

MIDDLEWARE = [
    # First, so that every log line of the request, the other middleware's too, carries the id.
    "tutoring.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "tutoring.middleware.MunicipalityTimezoneMiddleware",
    # Axes must come last: it turns a lockout raised by its backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tutoring.urls"
WSGI_APPLICATION = "tutoring.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tutoring.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE") or 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "tutoring.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "tutoring.backends.LoginOrEmailBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# django-axes: five wrong passwords for a login from one address lock that login from that
# address for fifteen minutes; twenty from one address, whatever the logins, lock the address.
# By login alone anyone could keep a known login locked; by address alone a whole school,
# whose teachers share one address, would be locked at five (tutoring/lockout.py gives each
# rule its own limit).
AXES_HANDLER = "tutoring.lockout.LockoutHandler"
AXES_FAILURE_LIMIT = 5
LOCKOUT_ADDRESS_FAILURE_LIMIT = 20
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Behind the reverse proxy of docker-compose the client address arrives in X-Forwarded-For.
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

LANGUAGE_CODE = "ru"
TIME_ZONE = "Europe/Moscow"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT") or BASE_DIR / "media")


# Uploaded and generated files (PDFs of documents, library materials, evidence, import
# staging) live on the local disk unless S3_BUCKET names a bucket of an S3-compatible store
# (a municipality runs MinIO on premises): more than one host of web and worker processes
# then reads and writes the same files. The demo and a one-host installation keep the disk.
# Either way files are only ever served by the portal's own views, which check access first:
# MEDIA_URL is routed nowhere and no page links to a storage URL, so the bucket stays private
# (no ACL given, the bucket's own policy applies) and no URL of it is ever handed out (were
# one made, it would be a signed one that expires: querystring_auth stays on).
def file_storage(environ) -> dict:
    """The default storage for these variables (the tests build the S3 one from theirs)."""
    if not environ.get("S3_BUCKET"):
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    from botocore.config import Config

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": environ["S3_BUCKET"],
            "endpoint_url": environ.get("S3_ENDPOINT_URL") or None,
            "access_key": environ.get("S3_ACCESS_KEY_ID") or None,
            "secret_key": environ.get("S3_SECRET_ACCESS_KEY") or None,
            # MinIO ignores the region, but request signing needs one.
            "region_name": environ.get("S3_REGION") or "us-east-1",
            "location": environ.get("S3_PREFIX", "").strip("/"),
            "default_acl": None,
            # Like the disk: a name already taken gets a suffix, a stored file is never
            # replaced by another one's bytes.
            "file_overwrite": False,
            "client_config": Config(
                # MinIO on premises is addressed by host and port, not by a bucket subdomain.
                s3={"addressing_style": "path"},
                signature_version="s3v4",
                # A store that is away must not hold a page (or a gunicorn worker) for the
                # library's default minute: a download fails in seconds, a render is retried.
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
            # A file read for a download is buffered in a temporary file: past this size on
            # disk, not in the worker's memory (the default keeps all of it in memory).
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


STORAGES = {
    "default": file_storage(os.environ),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Redis is the Celery broker and the cache. With no Redis configured (the demo), Celery
# runs tasks eagerly in the web process and the cache lives in process memory.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL") or REDIS_URL
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or CELERY_BROKER_URL or None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
if CELERY_TASK_ALWAYS_EAGER:
    # Nothing is sent anywhere; an empty URL would make Celery look for RabbitMQ on localhost.
    CELERY_BROKER_URL = "memory://"
CELERY_TASK_EAGER_PROPAGATES = True
# The portal never waits for a task's result: its tasks write what they did to the database.
# Without this, every dispatch also talks to the result backend, which with Redis down retries
# for twenty seconds and then leaves the web process unable to send tasks until restarted.
# (`ping` keeps its result for operators and the smoke tests.)
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A worker process grown past this after a task (a 35-page report's PDF leaves some 160 MB
# behind) is replaced by a fresh one before its next task: KiB, prefork pool.
CELERY_WORKER_MAX_MEMORY_PER_CHILD = int(
    os.environ.get("CELERY_WORKER_MAX_MEMORY_PER_CHILD", "400000")
)
CELERY_TASK_TIME_LIMIT = 300
# The longest task (the load of a region's ВПР file) may run half an hour. A message a killed
# worker took comes back after the visibility timeout, so it must outlast that task; sooner,
# the outbox sweep sends the task again anyway (see tutoring/outbox.py).
LONGEST_TASK_SECONDS = 1800
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": LONGEST_TASK_SECONDS + 600,
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
}
# With the broker down, a commit's dispatch gives up within a second and leaves the task to
# the sweep: the user's page must not wait for the broker.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Keep the LOGGING below (JSON in production) in worker and beat processes too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BEAT_SCHEDULE = {
    "sweep-tasks": {
        "task": "tutoring.tasks.sweep_tasks",
        "schedule": timedelta(seconds=int(os.environ.get("OUTBOX_SWEEP_SECONDS") or 60)),
    },
    "clear-expired-sessions": {
        "task": "tutoring.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=24),
    },
    # A person's digest goes out within a quarter of an hour of the time they chose.
    "notification-digests": {
        "task": "tutoring.tasks.send_digests",
        "schedule": timedelta(minutes=15),
    },
    # A reminder is sent once however often this runs (tutoring.reminders); half an hour is
    # how late «занятие завтра» may come.
    "reminders": {
        "task": "tutoring.tasks.send_reminders",
        "schedule": timedelta(minutes=30),
    },
}

if REDIS_URL:
    CACHES = {
        "default": {
            # A Redis that is down is a cache miss, not a 500 (see tutoring/cache.py); the
            # timeouts keep an unreachable host from holding a request for minutes.
            "BACKEND": "tutoring.cache.OutageTolerantRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "tutoring",
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Content-Security-Policy: everything comes from our own static/, nothing inline. Bootstrap's
# form controls draw their arrows with data: SVG images, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# HTTPS=1 in production: TLS ends at the reverse proxy, which sets X-Forwarded-Proto.
HTTPS = env_bool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS") or (31536000 if HTTPS else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 60 * 60 * 12
# Sessions live in the database, never in the cache: a Redis outage must not sign anyone out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Letters go to the relay named by EMAIL_HOST; with none (the demo) they are printed to the
# console. EMAIL_BACKEND still wins when set.
EMAIL_HOST = os.environ.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = int(os.environ.get("EMAIL_PORT") or 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT") or 20)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND") or (
    "django.core.mail.backends.smtp.EmailBackend"
    if os.environ.get("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL") or "portal@localhost"
# The portal's address as people open it: the links in letters lead there.
PORTAL_URL = os.environ.get("PORTAL_URL") or "http://127.0.0.1:8000"
# An invitation's link works for a week; a password reset link for a day.
INVITATION_DAYS = 7
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
SERVER_EMAIL = DEFAULT_FROM_EMAIL
ADMINS = [("Администратор", addr) for addr in env_list("ADMINS", "")]

LOG_FORMAT = os.environ.get("LOG_FORMAT") or ("text" if DEBUG else "json")
LOG_LEVEL = os.environ.get("LOG_LEVEL") or "INFO"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"},
    },
    # The id of the request (or of the request that queued the task) on every line.
    "filters": {"request_id": {"()": "tutoring.request_id.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint narrates every rendering step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# Error reporting to a self-hosted Sentry or GlitchTip, only when SENTRY_DSN is set: without it
# the SDK is not even imported, so nothing can leave the server. No personal data is sent
# (send_default_pii=False: no user names, addresses or cookies), and no performance traces.
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        environment=os.environ.get("SENTRY_ENVIRONMENT") or "production",
        release=os.environ.get("SENTRY_RELEASE") or None,
        traces_sample_rate=0,
    )
