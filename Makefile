# Digituki CRM: the two commands a newcomer needs are `make up` and `make test`.
SHELL := /bin/bash

.PHONY: up down test test-unit test-stack test-stack-down test-one check lint typecheck status logs backup restore bench help lock

help:
	@echo "make up     start the whole system (installs what is missing)"
	@echo "make down   stop what 'make up' started (state is kept)"
	@echo "make test   run the whole test suite against its own Kafka and PostgreSQL"
	@echo "make test-unit    the unit tests only: no infrastructure, seconds"
	@echo "make test-stack   start a test stack and keep it up (make test-stack-down stops it)"
	@echo "make test-one T=tests/integration/test_x.py::test_y   one test against that stack"
	@echo "make check  ruff and mypy"
	@echo "make lock   rewrite requirements*.lock from pyproject.toml (after changing a dependency)"
	@echo "make status every process: pid, uptime, restarts, health"
	@echo "  (make up KAFKA_NODES=3 WORKERS=2: a three-broker Kafka, two of every worker)"

up:
	@deploy/bin/up.sh

down:
	@deploy/bin/down.sh

# Every process: state, pid, uptime, restarts, health (supervisord), then PostgreSQL.
status:
	@deploy/bin/supervise.sh up status || true
	@deploy/bin/postgres.sh up status || true

test:
	@deploy/bin/test.sh $(ARGS)

# The pieces of the suite (docs/infrastructure.md, "Tests").
# Two workers (TEST_WORKERS, as for make test); bytecode is written even where the shell says
# PYTHONDONTWRITEBYTECODE (each worker would compile and rewrite every module again); the API
# fuzzing plugin is only for the browser tier.
test-unit:
	@deploy/bin/venv.sh >/dev/null
	PYTHONDONTWRITEBYTECODE= .venv/bin/python -m pytest -m unit tests/unit -q -p no:schemathesis \
		-n $${TEST_WORKERS:-2} $(ARGS)

test-stack:
	@deploy/bin/test-stack.sh up

test-stack-down:
	@deploy/bin/test-stack.sh down

test-one:
	@test -n "$(T)" || { echo "usage: make test-one T=tests/integration/test_x.py::test_y"; exit 2; }
	@deploy/bin/test-stack.sh run $(T) -q $(ARGS)

check: lint typecheck

lint:
	@deploy/bin/venv.sh >/dev/null
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck:
	@deploy/bin/venv.sh >/dev/null
	.venv/bin/mypy shared services/contacts/contacts services/newsletter/newsletter services/surveys/surveys services/events/events

# Backup and restore of every service database (docs/backup.md).
backup:
	@deploy/bin/backup.sh

restore:
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=backups/<timestamp>"; exit 2; }
	@deploy/bin/restore.sh "$(BACKUP)"

# Pinned, hashed dependencies for the venv, the image and CI (docs/development.md).
lock:
	@deploy/bin/venv.sh >/dev/null
	@deploy/bin/lock.sh
