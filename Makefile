# Veerkracht: `make demo` serves the demo, `make test` runs the whole suite.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.12 >/dev/null 2>&1 && echo python3.12 || echo python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VEERKRACHT := $(BIN)/veerkracht
PYTEST := $(BIN)/pytest
CI ?=
VEERKRACHT_TEST_POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_WORKERS ?= 2
CHROMIUM ?= /usr/bin/chromium

export VEERKRACHT_TEST_POSTGRES_URL

.PHONY: help venv demo test test-sqlite test-postgres test-browser check-migrations axe lint messages check-translations ci clean

help:
	@echo "make demo                 - install, migrate, load demo data and serve http://127.0.0.1:8000"
	@echo "make test                 - run the whole suite on SQLite, and on PostgreSQL when reachable"
	@echo "make lint                 - ruff"
	@echo "make messages             - extract and compile translations (nl, en)"
	@echo "make check-translations   - fail when a Dutch translation is missing or fuzzy"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Veerkracht needs Python >= 3.12, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: venv
	$(VEERKRACHT) migrate --noinput
	$(VEERKRACHT) seed_demo
	$(VEERKRACHT) runserver 127.0.0.1:8000

# Browser tests run once, on SQLite, against a server process (see tests/browser/conftest.py).
# Under CI=true the PostgreSQL run, the browser tests, ruff, the migration check and the
# translation check are mandatory. Every step runs; the failures are listed at the end.
TEST_STEPS := test-sqlite test-postgres test-browser
ifeq ($(CI),true)
TEST_STEPS := lint check-migrations check-translations $(TEST_STEPS)
endif

test: venv
	@failed=""; start=$$(date +%s); \
	for step in $(TEST_STEPS); do \
		echo "== make $$step"; \
		$(MAKE) --no-print-directory $$step || failed="$$failed $$step"; \
	done; \
	echo "== make test took $$(( $$(date +%s) - start )) seconds"; \
	if [ -n "$$failed" ]; then echo "== FAILED:$$failed" >&2; exit 1; fi; \
	echo "== all passed"

test-sqlite: venv
	env -u DATABASE_URL $(PYTEST) -p xdist -n $(PYTEST_WORKERS) -m "not browser" -q

test-postgres: venv
	@if $(BIN)/python scripts/db_reachable.py "$(VEERKRACHT_TEST_POSTGRES_URL)"; then \
		echo "== PostgreSQL: $(VEERKRACHT_TEST_POSTGRES_URL)"; \
		DATABASE_URL="$(VEERKRACHT_TEST_POSTGRES_URL)" $(PYTEST) -p xdist -n $(PYTEST_WORKERS) -m "not browser" -q; \
	elif [ "$(CI)" = "true" ]; then \
		echo "PostgreSQL is not reachable at $(VEERKRACHT_TEST_POSTGRES_URL); under CI it is mandatory." >&2; exit 1; \
	else \
		echo "== PostgreSQL not reachable at $(VEERKRACHT_TEST_POSTGRES_URL): skipping the PostgreSQL run"; \
	fi

test-browser: venv
	@if [ ! -x "$(CHROMIUM)" ]; then \
		if [ "$(CI)" = "true" ]; then echo "$(CHROMIUM) is missing; under CI the browser tests are mandatory (.ci/run installs it)." >&2; exit 1; fi; \
		echo "== $(CHROMIUM) missing: skipping the browser tests"; \
	elif [ ! -f node_modules/axe-core/axe.min.js ] && ! command -v npm >/dev/null 2>&1; then \
		if [ "$(CI)" = "true" ]; then echo "npm is missing, so axe-core cannot be installed; under CI it is mandatory." >&2; exit 1; fi; \
		echo "== npm missing (needed for axe-core): skipping the browser tests"; \
	else \
		$(MAKE) --no-print-directory axe && $(PYTEST) tests/browser -m browser -q -p no:xdist; \
	fi

check-migrations: venv
	$(VEERKRACHT) makemigrations --check --dry-run

axe: node_modules/axe-core/axe.min.js

node_modules/axe-core/axe.min.js: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

lint: venv
	$(BIN)/ruff check .
	$(BIN)/bandit -q -r src -x '*/tests/*,*/migrations/*' -ll

# Run from the package directory so the catalogues land in src/veerkracht/locale.
messages: venv
	cd src/veerkracht && ../../$(VEERKRACHT) makemessages -l nl -l en --no-obsolete --ignore='*/tests/*' --ignore='testing/*'
	cd src/veerkracht && ../../$(VEERKRACHT) compilemessages

check-translations: venv
	$(BIN)/python scripts/check_translations.py

ci:
	.ci/run

clean:
	rm -rf $(VENV) node_modules var/static
