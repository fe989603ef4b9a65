# AidTrail. `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# Two worker processes with threads: login attempts are counted in the database
# (accounts/throttle.py), so every process and machine shares one count and the limit holds
# whatever WORKERS is; more processes only need more memory.
WORKERS ?= 2
THREADS ?= 4
# The background worker, started beside the web server when the app has one: set WORKER to
# its command, or it is found as a worker.py module (`flask --app app worker`).
WORKER ?= $(if $(wildcard coordination/worker.py coordination/*/worker.py),$(FLASK) worker)

.PHONY: help run serve test fuzz smoke lint bench mutate translations translations-update clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

translations: $(VENV)/.runtime  ## Compile the message catalogs
	@$(BIN)/pybabel compile -d translations 2>&1 | grep -v '^compiling'; test $${PIPESTATUS[0]} -eq 0

translations-update: $(VENV)/.runtime  ## Extract messages and merge them into the catalogs
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_pgettext:1c,2 -o translations/messages.pot .
	$(BIN)/pybabel update -N -i translations/messages.pot -d translations

run: $(VENV)/.runtime translations  ## Create the venv, migrate, seed the demo, serve (PORT=, HOST=)
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(if $(WORKER),$(WORKER) & trap 'kill $$! 2>/dev/null' EXIT;) \
	$(BIN)/gunicorn --workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) \
	  --access-logfile - --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(M)sms' app:app

# The suite runs in parallel, a test file per worker (files keep their order; several check
# what an earlier test in the same file built); README "Tests" has the timings. At
# most four workers, so the concurrency tests' connections stay under PostgreSQL's default
# max_connections. `make test PYTEST_ARGS=tests/needs` runs one part, in one process.
PYTEST_ARGS ?= -n auto --maxprocesses 4 --dist loadfile --durations 20

test: $(VENV)/.dev translations  ## Install dev dependencies and run the whole suite
	$(BIN)/pytest $(PYTEST_ARGS)

# The generated (Hypothesis) and concurrency tests at their full sizes: 500 inputs per form
# instead of 60, 50 rounds of 40 racing requests instead of 8 (see tests/sizes.py). Each run
# draws new inputs; HYPOTHESIS_SEED=N replays the run whose header said `hypothesis seed N`.
FUZZ_FILES = $(shell grep -rlE --include='test_*.py' '(tests.sizes|test_needs_fuzz) import' tests)

fuzz: $(VENV)/.dev translations  ## The generated and concurrency tests at full size (slow)
	AIDTRAIL_TEST_SIZE=full $(BIN)/pytest -n auto --maxprocesses 4 --dist loadfile $(FUZZ_FILES)

smoke:  ## What CI checks first: `make run` from a throw-away venv, login, a manifest PDF
	python3 .ci/smoke

lint: $(VENV)/.dev  ## ruff, format check, mypy, import contracts, bandit, pip-audit --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/bandit -q -c pyproject.toml -r coordination app.py migrations -ll
	$(BIN)/python -m coordination.ops.audit

bench: $(VENV)/.dev translations  ## Run every benchmark under bench/, one table + bench/out/results.json
	$(BIN)/python bench/run_all.py $(BENCH)

# Mutation testing of the attribution engine (pyproject.toml [tool.mutmut]); slow: SQLite
# only, one process per core. Reading the result: docs/mutation.md.
mutate: $(VENV)/.dev translations  ## mutmut on credit, apportioning and the walker
	rm -rf mutants
	TEST_DATABASE_URL= $(BIN)/mutmut run --max-children $${MUTATE_JOBS:-2} $(MUTANTS)
	$(BIN)/mutmut results

clean:  ## Remove the venv and caches (keeps instance/)
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache mutants
