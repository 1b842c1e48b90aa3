# Family Connect. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
UV_VERSION := 0.13.9
# Tests run like production (DEBUG off, MFA on) but over plain HTTP with unhashed static files.
TEST_ENV := DEBUG=false SECURE_HTTPS=false STATIC_MANIFEST=false \
	SECRET_KEY=$${SECRET_KEY:-test-only-secret-key-never-used-in-production-0123456789}
DEMO_ENV := DEBUG=true REQUIRE_MFA=$${REQUIRE_MFA:-false}

.PHONY: help
help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[1m%-16s\033[0m %s\n", $$1, $$2}'

$(VENV)/bin/python:
	python3 -m venv $(VENV)

$(VENV)/.installed: requirements.lock | $(VENV)/bin/python
	$(VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	$(UV) pip install --quiet -r requirements.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

static/build/app.css: node_modules/.installed static/scss/app.scss
	npm run --silent build

.PHONY: install
install: $(VENV)/.installed static/build/app.css ## Create the virtualenv, install Python and npm packages, build CSS

.PHONY: lock
lock: | $(VENV)/bin/python ## Re-pin Python packages in requirements.lock from pyproject.toml
	$(VENV)/bin/pip install --quiet uv==$(UV_VERSION)
	$(UV) pip compile pyproject.toml --group dev --generate-hashes --python-version 3.11 -o requirements.lock

.PHONY: migrate
migrate: install ## Apply database migrations
	$(DEMO_ENV) $(PY) manage.py migrate --no-input

.PHONY: demo
demo: migrate ## Load reference data, Warwickshire postcodes and the demo logins
	$(DEMO_ENV) $(PY) manage.py load_postcodes
	$(DEMO_ENV) $(PY) manage.py demo_setup

.PHONY: run
run: demo ## Install, migrate, load demo data and serve on http://127.0.0.1:8000
	@echo "Serving on http://127.0.0.1:8000 (Ctrl+C to stop)"
	$(DEMO_ENV) $(PY) manage.py runserver 127.0.0.1:8000

# Two pytest-xdist processes, one per core, each with its own test database; PYTEST_WORKERS=0 runs
# in this one process (quicker for a handful of tests: no second database to migrate).
PYTEST_WORKERS ?= 2

.PHONY: test
test: install ## Run the whole test suite (PostgreSQL and Redis when DATABASE_URL and CELERY_BROKER_URL are set)
	$(TEST_ENV) $(PY) -m pytest -n $(PYTEST_WORKERS) --maxschedchunk=1 $(PYTEST_ARGS)

# Benchmarks run on PostgreSQL in their own database (emptied and reseeded), never the app's.
BENCH_ENV := $(TEST_ENV) DATABASE_URL=$${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fc_bench}
BENCH_PEOPLE ?= 50000
BENCH_AUDIT_ROWS ?= 1000000

.PHONY: bench
bench: install ## Run the benchmarks on PostgreSQL and write the figures to bench/results/*.json
	$(BENCH_ENV) $(PY) bench/people_seed.py --people $(BENCH_PEOPLE)
	$(BENCH_ENV) $(PY) bench/people_search.py
	$(BENCH_ENV) $(PY) bench/locality_postcodes.py
	$(BENCH_ENV) $(PY) bench/referrals_queue.py
	$(BENCH_ENV) $(PY) bench/plans_caseload.py
	$(BENCH_ENV) $(PY) bench/audit_verify.py --rows $(BENCH_AUDIT_ROWS)
	$(BENCH_ENV) $(PY) -m pytest bench/letters_delivery.py -q -s -p no:randomly
	$(BENCH_ENV) $(PY) bench/pathway_assessment.py
	$(BENCH_ENV) DATABASE_URL=$${DASHBOARDS_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fc_bench_dashboards} $(PY) bench/dashboards.py
	$(BENCH_ENV) DATABASE_URL=$${RETURNS_BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fc_bench_returns} $(PY) bench/returns.py

# The load test: its own database (fc_load, emptied and reseeded), gunicorn with 3 workers and a
# Celery worker on 127.0.0.1, 60 simulated staff; figures in bench/results/load.json.
LOAD_ENV := $(TEST_ENV) LOAD_DATABASE_URL=$${LOAD_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fc_load} \
	LOAD_PEOPLE=$${LOAD_PEOPLE:-100000} LOAD_OPEN=$${LOAD_OPEN:-10000}

.PHONY: load
load: install ## Load test: 60 staff against gunicorn, then each page alone; figures in bench/results/load*.json
	$(LOAD_ENV) $(PY) bench/load/run.py
	$(LOAD_ENV) $(PY) bench/load/pages.py

# The issue's full chaos run for feedback letters (CI runs a small one inside make test).
CHAOS_ENV := $(TEST_ENV) DATABASE_URL=$${CHAOS_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/fc_chaos} \
	CHAOS_LETTERS=$${CHAOS_LETTERS:-1000} CHAOS_KILLS=$${CHAOS_KILLS:-20} \
	CHAOS_REDIS_RESTARTS=$${CHAOS_REDIS_RESTARTS:-2} CHAOS_SMTP_OUTAGE_SECONDS=$${CHAOS_SMTP_OUTAGE_SECONDS:-120} \
	CHAOS_FAULT_WINDOW_SECONDS=$${CHAOS_FAULT_WINDOW_SECONDS:-180}

.PHONY: chaos-letters
chaos-letters: install ## Letters under SIGKILLed workers, Redis restarts and a stopped SMTP server (figures in test-results/)
	$(CHAOS_ENV) $(PY) -m pytest tests/letters/test_chaos.py -m worker -q -s -p no:randomly

.PHONY: lint
lint: install ## Check style with ruff and the import contracts with import-linter
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

.PHONY: format
format: install ## Format the code with ruff
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

.PHONY: clean
clean: ## Remove the virtualenv, npm packages, built assets and local data
	rm -rf $(VENV) node_modules static/build static/vendor var
