# Boardwalk: `make run` for the demo, `make test` for the whole suite. See README.md.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed
NPM_STAMP := frontend/node_modules/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# With CI=true the suite runs on PostgreSQL and Redis (the machine's services) and fails if
# they are missing. Without CI it runs on SQLite; Redis tests run when Redis answers.
ifeq ($(CI),true)
export DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/boardwalk
export REDIS_URL ?= redis://127.0.0.1:6379/14
export TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
endif

.PHONY: help run test deps frontend node-check lint format migrate seed clean api-types

help:
	@echo "make run    install, build, migrate, seed the demo and start web + worker + beat"
	@echo "make test   lint, migration check, Python suite and frontend tests"
	@echo "make lint | format | frontend | api-types | migrate | seed | clean"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

deps: $(STAMP)

# Vite needs Node ^20.19 || >=22.12 (frontend/package.json's engines; Debian 12's nodejs is
# 18): say so before npm or Vite fail with something obscure.
node-check:
	@$(PYTHON) scripts/check_node.py

$(NPM_STAMP): frontend/package.json frontend/package-lock.json | node-check
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

frontend: node-check $(NPM_STAMP)
	cd frontend && npm run --silent build

# The OpenAPI schema the PWA's TypeScript types are generated from (both committed; a test
# fails when they fall behind the API).
api-types: deps $(NPM_STAMP)
	$(PY) manage.py spectacular --format openapi-json --file frontend/src/api/openapi.json
	cd frontend && npm run --silent gen:api

migrate: deps
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: deps frontend seed
	$(PY) scripts/devrun.py

lint: deps
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint Dockerfile
	$(PY) manage.py spectacular --validate --fail-on-warn > /dev/null

format: deps
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: deps frontend lint
	@echo "make test: CI=$${CI:-false} database=$${DATABASE_URL:-sqlite (embedded)} broker=$${REDIS_URL:-filesystem (embedded)}"
	$(PY) manage.py makemigrations --check --dry-run
	cd frontend && npm run --silent check:api && npm test --silent
	$(BIN)/pytest

clean:
	rm -rf var staticfiles frontend/dist .pytest_cache .ruff_cache
