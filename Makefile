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

.PHONY: help run test deps lock backup restore docker-pins frontend node-check lint format migrate seed clean api-types messages

help:
	@echo "make run    install, build, migrate, seed the demo and start web + worker + beat"
	@echo "make test   lint, migration check, Python suite and frontend tests"
	@echo "make backup / make restore BACKUP=var/backups/<timestamp> [FORCE=1]   database + media"
	@echo "make lock   regenerate requirements.lock / requirements-dev.lock after pyproject.toml changes"
	@echo "make messages   refresh planner/locale/ko's django.po from the code, compile django.mo"
	@echo "make lint | format | frontend | api-types | migrate | seed | clean"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required (found %s)" % sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)

# What CI and the Docker image install is what the lock files pin (versions and hashes), not
# whatever PyPI has today; `make lock` regenerates them after pyproject.toml changes (a test
# fails while they disagree). The project itself goes in editable, without dependencies.
LOCK := requirements.lock
DEV_LOCK := requirements-dev.lock

$(STAMP): pyproject.toml $(LOCK) $(DEV_LOCK) | $(PY)
	$(BIN)/pip install --quiet --require-hashes -r $(DEV_LOCK)
	$(BIN)/pip install --quiet --no-deps -e .
	@touch $@

deps: $(STAMP)

# Pins already in the lock files are kept (uv prefers them); new dependencies are added at
# their newest allowed version. `make lock LOCK_FLAGS=--upgrade` moves everything forward.
# The runtime lock constrains the dev lock, so both pin the same versions.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --quiet --generate-hashes --universal \
	--python-version 3.11 --custom-compile-command "make lock" $(LOCK_FLAGS)
lock: | $(PY)
	@test -x $(BIN)/uv || $(BIN)/pip install --quiet "$$(sed -n 's/^\(uv==[^ ]*\).*/\1/p' $(DEV_LOCK) | grep . || echo uv)"
	$(UV_COMPILE) -o $(LOCK)
	$(UV_COMPILE) --extra dev --constraint $(LOCK) -o $(DEV_LOCK)

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

# What the server writes attendees, in Korean (GNU gettext needed: apt-get install gettext).
# Both files are committed: translate what makemessages added, then run this again.
LOCALE_KO := planner/locale/ko/LC_MESSAGES
messages: deps
	$(PY) manage.py makemessages -l ko --no-obsolete --add-location file \
		-i '.venv/*' -i 'frontend/*' -i 'tests/*' -i 'bench/*' -i 'docs/*' -i 'scripts/*' -i 'var/*' -i 'staticfiles/*'
	msgfmt --check -o $(LOCALE_KO)/django.mo $(LOCALE_KO)/django.po

migrate: deps
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

# Database (pg_dump custom format on PostgreSQL, SQLite's backup API otherwise) and MEDIA_ROOT
# into $(BACKUP_DIR)/<timestamp>/ (default var/backups) with a manifest; see README.
backup: deps
	$(PY) manage.py backup

# Into a fresh database (DATABASE_URL) and an empty MEDIA_ROOT; FORCE=1 overwrites.
restore: deps
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<timestamp> [FORCE=1]" >&2; exit 2; }
	$(PY) manage.py restore "$(BACKUP)" $(if $(FORCE),--force)

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

# The base images' current digests, as lines for .env (Dockerfile and docker-compose.yml pin
# them). Needs Docker and a reachable registry; run it again to move to newer patch releases.
DOCKER_IMAGES := NODE_DIGEST=node:20-bookworm-slim PYTHON_DIGEST=python:3.11-slim-bookworm \
	POSTGRES_DIGEST=postgres:16 REDIS_DIGEST=redis:7
docker-pins:
	@for pair in $(DOCKER_IMAGES); do \
		image=$${pair#*=}; \
		docker pull --quiet "$$image" >/dev/null || exit 1; \
		echo "$${pair%%=*}=$$(docker image inspect --format '{{index .RepoDigests 0}}' "$$image" | cut -d@ -f2)"; \
	done

clean:
	rm -rf var staticfiles frontend/dist .pytest_cache .ruff_cache
