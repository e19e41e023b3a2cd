# Production image of the portal: gunicorn serves the web app (static files via whitenoise);
# the same image runs the Celery worker and beat (see docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=tutoring.settings \
    MEDIA_ROOT=/app/media \
    WEB_CONCURRENCY=3

# Runtime libraries of WeasyPrint (Pango, HarfBuzz), a font for the PDFs, MIME data;
# pg_dump and pg_restore for `manage.py backup` / `restore` (bookworm's 15, the server of
# docker-compose.yml: pg_dump must not be older than the server).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        postgresql-client \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, from the lock files alone (pip itself, then the portal's dependencies:
# exact versions, every file checked against its hash), so that this layer is rebuilt only
# when the lock changes and two builds install the same thing. The project itself runs from
# /app (BASE_DIR holds templates/ and static/), so it is not installed as a package.
COPY requirements/bootstrap.txt requirements/base.txt ./requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/bootstrap.txt \
    && pip install --no-cache-dir --require-hashes -r requirements/base.txt

# The sources; .dockerignore keeps out .venv, .git, the demo database and the tests.
COPY . .

# Static files are collected into the image (STATIC_ROOT defaults to /app/staticfiles);
# this needs no database. The key is a throwaway for this one command, not kept in the image.
# /app/media and /app/beat belong to the app user so that fresh named volumes mounted there
# are writable.
RUN env SECRET_KEY=build-only-not-a-secret python manage.py collectstatic --noinput \
    && mkdir -p /app/media /app/beat \
    && chown app:app /app/media /app/beat

USER app

EXPOSE 8000

# The request carries a Host from ALLOWED_HOSTS (the first usable entry), or Django answers 400.
HEALTHCHECK --interval=30s --timeout=10s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; hosts = [h.strip().lstrip('.') for h in os.environ.get('ALLOWED_HOSTS', 'localhost').split(',') if h.strip() not in ('', '*')]; req = urllib.request.Request('http://127.0.0.1:8000/healthz', headers={'Host': hosts[0] if hosts else 'localhost'}); sys.exit(0 if urllib.request.urlopen(req, timeout=8).status == 200 else 1)"]

# Workers: WEB_CONCURRENCY (gunicorn reads it), 3 by default.
CMD ["gunicorn", "tutoring.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--access-logfile", "-", \
     "--error-logfile", "-", \
     "--worker-tmp-dir", "/dev/shm", \
     "--timeout", "60", \
     "--graceful-timeout", "30"]
