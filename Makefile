# d4sme: `make run` starts the platform with demonstration data; `make test` runs the suite.

SHELL := /bin/bash
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
D4SME := $(BIN)/d4sme
STAMP := $(VENV)/.installed
# PostgreSQL for the second half of the suite; pytest-django creates and drops test_d4sme.
TEST_POSTGRES_URL ?= postgresql://postgres@127.0.0.1:5432/d4sme
DEMO_SMES ?= 2000
# The suite runs on every core (pytest-xdist); each worker has its own test database, and an
# idle worker takes queued tests from a busy one (worksteal), so slow tests do not leave a core idle.
TEST_WORKERS ?= auto

.PHONY: run test test-sqlite test-postgresql lint install worker messages bench clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "d4sme needs Python 3.11 ($(PYTHON) not found)"; exit 1; }
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	@mkdir -p var
	$(D4SME) migrate --no-input
	$(D4SME) load-content
	$(D4SME) demo --smes $(DEMO_SMES)
	@echo "d4sme is starting at http://127.0.0.1:8000 with a task worker (stop with Ctrl+C)"
	@# The worker exits non-zero when its loop fails; start it again rather than leave work queued.
	@(trap 'kill $$pid 2>/dev/null; exit 0' INT TERM; \
		while true; do \
			$(D4SME) db_worker --no-reload --verbosity 0 & pid=$$!; wait $$pid && break; \
			echo "The task worker stopped on an error; starting it again."; sleep 2; \
		done) & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(D4SME) runserver 127.0.0.1:8000

worker: $(STAMP)
	$(D4SME) db_worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

test: lint test-sqlite test-postgresql

test-sqlite: $(STAMP)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal

# Runs on PostgreSQL when it answers; under CI=true a missing PostgreSQL fails the run.
test-postgresql: $(STAMP)
	@if $(BIN)/python -c "import psycopg,sys; psycopg.connect('$(TEST_POSTGRES_URL)'.rsplit('/',1)[0]+'/postgres', connect_timeout=3).close()" 2>/dev/null; then \
		DATABASE_URL=$(TEST_POSTGRES_URL) $(BIN)/pytest -n $(TEST_WORKERS) --dist worksteal; \
	elif [ "$$CI" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL); CI requires it."; exit 1; \
	else \
		echo "PostgreSQL is not reachable at $(TEST_POSTGRES_URL): skipping the PostgreSQL half."; \
	fi

# Needs GNU gettext (apt-get install gettext); the compiled catalogues are committed.
messages: $(STAMP)
	cd d4sme && ../$(D4SME) makemessages -l ko -l pt -l es --no-obsolete && ../$(D4SME) compilemessages

bench: $(STAMP)
	$(BIN)/pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/directory.py
	$(BIN)/python bench/programmes.py
	$(BIN)/python bench/assessments.py
	$(BIN)/python bench/monitoring.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
