# AidTrail. `make run` serves the demo; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
WORKERS ?= 2

.PHONY: help run serve test lint bench mutate translations translations-update clean

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

run: $(VENV)/.runtime translations  ## Create the venv, migrate, seed the demo, serve on :5000
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty
	$(BIN)/gunicorn --workers $(WORKERS) --bind $(HOST):$(PORT) --access-logfile - \
	  --access-logformat '%(h)s "%(m)s %(U)s" %(s)s %(M)sms' app:app

# The suite runs in parallel, a test file per worker (files keep their order; several check
# what an earlier test in the same file built): 17 minutes instead of 27 on two cores. At
# most four workers, so the concurrency tests' connections stay under PostgreSQL's default
# max_connections. `make test PYTEST_ARGS=tests/needs` runs one part, in one process.
PYTEST_ARGS ?= -n auto --maxprocesses 4 --dist loadfile --durations 20

test: $(VENV)/.dev translations  ## Install dev dependencies and run the whole suite
	$(BIN)/pytest $(PYTEST_ARGS)

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
