# The two commands of the README: `make run` (demo) and `make test` (whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test lint format migrations-check bench loadtest loadtest-growth lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Everything comes from the lock files (exact versions with hashes, see `make lock`): first
# pip and the build backend, then the dependencies, then the project itself as an editable
# package without dependencies, built by the locked setuptools. Re-install whenever a lock
# file or pyproject.toml changes.
$(VENV)/.bootstrap: requirements/bootstrap.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes -r requirements/bootstrap.txt
	touch $@

$(VENV)/.installed: requirements/base.txt pyproject.toml $(VENV)/.bootstrap
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt requirements/base.txt pyproject.toml $(VENV)/.bootstrap
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	touch $@ $(VENV)/.installed

# The dev tools plus locust, for `make loadtest` only: loadtest.txt is dev.txt and locust.
$(VENV)/.installed-loadtest: requirements/loadtest.txt $(VENV)/.installed-dev
	$(BIN)/pip install --quiet --require-hashes -r requirements/loadtest.txt
	touch $@

# Refresh the lock files from pyproject.toml: keeps the pinned versions that still fit and
# resolves what changed. `make lock LOCK_ARGS=--upgrade` moves everything to the newest allowed
# versions, `LOCK_ARGS="--upgrade-package pypdf"` only one. dev.txt is constrained by base.txt,
# so the demo, the image and the tests run the same versions; loadtest.txt (dev.txt and locust)
# by dev.txt. uv is needed only here.
LOCK_FLAGS := --universal --generate-hashes --python-version 3.11 --custom-compile-command "make lock" --quiet
lock: | $(BIN)/python
	test -x $(BIN)/uv || $(BIN)/pip install --quiet "uv>=0.9,<1"
	$(BIN)/uv pip compile $(LOCK_FLAGS) $(LOCK_ARGS) requirements/bootstrap.in \
		-o requirements/bootstrap.txt
	$(BIN)/uv pip compile $(LOCK_FLAGS) $(LOCK_ARGS) pyproject.toml -o requirements/base.txt
	$(BIN)/uv pip compile $(LOCK_FLAGS) $(LOCK_ARGS) --extra dev -c requirements/base.txt \
		pyproject.toml -o requirements/dev.txt
	$(BIN)/uv pip compile $(LOCK_FLAGS) $(LOCK_ARGS) --extra dev --extra loadtest \
		-c requirements/dev.txt pyproject.toml -o requirements/loadtest.txt

## The demo on SQLite with Celery tasks in-process, at http://127.0.0.1:8000
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py load_demo
	@echo "Портал: http://$(HOST)/  (логины: methodist, director, school, teacher, tutor, regional, region_admin, admin; пароль demo)"
	$(BIN)/python manage.py runserver $(HOST)

## Lint, Django checks, migrations check and pytest on throwaway PostgreSQL and Redis.
test: $(VENV)/.installed-dev lint migrations-check
	env -u DJANGO_SETTINGS_MODULE $(BIN)/pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py check --fail-level WARNING

migrations-check: $(VENV)/.installed-dev
	env -u DATABASE_URL -u REDIS_URL $(BIN)/python manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## Benchmarks at region scale; they print figures (BENCH_SCALE=small for a quick run).
bench: $(VENV)/.installed-dev
	env -u DJANGO_SETTINGS_MODULE $(BIN)/pytest tests/bench -p no:cacheprovider -s -q \
		-o python_files='bench_*.py'

## 50 users on every role's pages of a region-sized portal under gunicorn, with and without a
## school uploading results (LOADTEST_SCALE=small, LOADTEST_SECONDS=30 for a quick run).
loadtest: $(VENV)/.installed-loadtest
	env -u DJANGO_SETTINGS_MODULE $(BIN)/python -m tests.load.run

loadtest-growth: $(VENV)/.installed-loadtest
	env -u DJANGO_SETTINGS_MODULE $(BIN)/python -m tests.load.growth

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 .pytest_cache .ruff_cache
