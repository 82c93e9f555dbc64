# Front office — the two set-up commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/frontoffice
REDIS_TEST_URL ?= redis://127.0.0.1:6379/15
PYTEST_ARGS ?=
# Lint, type and migration checks load the settings, which want a key.
CHECK_ENV := DJANGO_SECRET_KEY=checks-only-not-a-secret

.PHONY: run test lint types check pytest test-pg test-integration test-e2e \
        install install-dev assets migrate seed worker beat messages clean \
        bench bench-smoke bench-reports bench-agenda screens

## Serve the embedded default (SQLite, Celery eager, demo data) at 127.0.0.1:8000.
run: install assets
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	@echo "Open http://127.0.0.1:8000 and sign in with one of the logins above."
	DJANGO_DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

## Lint, types, migrations check and the whole test suite on SQLite.
test: install-dev assets lint types check pytest

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

## Copy the front-end packages from npm into static/vendor (not committed).
assets: static/vendor/.copied static/audio/.made

static/vendor/.copied: node_modules/.installed
	rm -rf static/vendor && mkdir -p static/vendor/bootstrap-italia static/vendor/htmx static/vendor/chartjs
	cp -r node_modules/bootstrap-italia/dist/css node_modules/bootstrap-italia/dist/js \
	      node_modules/bootstrap-italia/dist/fonts node_modules/bootstrap-italia/dist/svg \
	      static/vendor/bootstrap-italia/
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/
	cp node_modules/chart.js/dist/chart.umd.min.js node_modules/chart.js/dist/chart.umd.min.js.map \
	   static/vendor/chartjs/
	touch $@

## Italian voice clips of the hall display (Debian espeak-ng; not committed):
## "numero", "sportello", the letters A-F and the numbers 0-20. Without
## espeak-ng the display speaks with the browser's voice or shows text only.
AUDIO_LETTERS := a:a b:bi c:ci d:di e:e f:effe
static/audio/.made:
	mkdir -p static/audio
	@if command -v espeak-ng >/dev/null 2>&1; then \
	  espeak-ng -v it -s 150 -w static/audio/numero.wav "numero" && \
	  espeak-ng -v it -s 150 -w static/audio/sportello.wav "sportello" && \
	  for pair in $(AUDIO_LETTERS); do \
	    espeak-ng -v it -s 150 -w static/audio/lettera-$${pair%%:*}.wav "$${pair#*:}" || exit 1; \
	  done && \
	  for n in $$(seq 0 20); do \
	    espeak-ng -v it -s 150 -w static/audio/n-$$n.wav "$$n" || exit 1; \
	  done; \
	else \
	  echo "espeak-ng not found: no voice clips (apt-get install espeak-ng);" \
	       "the hall display falls back to the browser voice or to text."; \
	fi
	touch $@

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install-dev
	$(CHECK_ENV) $(BIN)/mypy .

check: install-dev
	$(CHECK_ENV) $(BIN)/python manage.py makemigrations --check --dry-run
	$(CHECK_ENV) $(BIN)/python manage.py check --deploy --fail-level ERROR

pytest: install-dev assets
	$(BIN)/pytest $(PYTEST_ARGS)

## The same suite on PostgreSQL (concurrency tests included).
test-pg: install-dev assets
	DATABASE_URL=$(PG_URL) $(BIN)/pytest $(PYTEST_ARGS)

## The tests with a real Celery worker on Redis and PostgreSQL (faults too).
test-integration: install-dev
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -m integration $(PYTEST_ARGS)

## Only the browser tests (headless Chromium from Debian).
test-e2e: install-dev assets
	$(BIN)/pytest -m e2e $(PYTEST_ARGS)

## Screenshots of the main screens for the README (docs/screens/*.png).
screens: install-dev assets
	FRONTOFFICE_SCREENS=1 $(BIN)/pytest tests/e2e/test_screens.py -p no:cacheprovider $(PYTEST_ARGS)

## Benchmarks (not part of CI): the hall's hot paths, the pgbench ceiling and
## the displays on PostgreSQL (BENCH_DATABASE_URL, default a database
## frontoffice_bench that it recreates); see bench/README.md.
bench: install-dev assets
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	@command -v pgbench >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq postgresql-client >/dev/null; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

## A short run of the same, to check that the bench works.
bench-smoke: install-dev assets
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run --quick --no-write

migrate: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput

seed: migrate
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo

## Production-like processes: set DATABASE_URL and REDIS_URL first.
worker: install
	$(BIN)/celery -A frontoffice worker --loglevel=INFO

beat: install
	$(BIN)/celery -A frontoffice beat --loglevel=INFO

## Year-long regional tickets report on ~5 million generated tickets
## (PostgreSQL database of its own; not part of CI). See bench/tickets_report.py.
BENCH_DB_URL ?= postgres://postgres@127.0.0.1:5432/frontoffice_bench
bench-reports: install
	DATABASE_URL=$(BENCH_DB_URL) $(BIN)/python bench/tickets_report.py $(BENCH_ARGS)

## The consultation agenda at national scale: first free slot, booking and
## the backlog job over 600 branches × 6 lines (PostgreSQL database of its
## own, dropped and recreated; not part of CI). See bench/agenda.py.
BENCH_AGENDA_DB_URL ?= postgres://postgres@127.0.0.1:5432/frontoffice_bench_agenda
bench-agenda: install
	DATABASE_URL=$(BENCH_AGENDA_DB_URL) $(BIN)/python -m bench.agenda $(BENCH_ARGS)

## Regenerate the message catalogues (needs GNU gettext).
messages: install-dev
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l en --ignore=.venv --ignore=node_modules --ignore=static
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) node_modules static/vendor static/audio staticfiles db.sqlite3* test_db.sqlite3*
