# Digituki CRM: the two commands a newcomer needs are `make up` and `make test`.
SHELL := /bin/bash

.PHONY: up down test check lint typecheck status logs backup restore bench help lock

help:
	@echo "make up     start the whole system (installs what is missing)"
	@echo "make down   stop what 'make up' started (state is kept)"
	@echo "make test   run the whole test suite against its own Kafka and PostgreSQL"
	@echo "make check  ruff and mypy"
	@echo "make lock   rewrite requirements*.lock from pyproject.toml (after changing a dependency)"

up:
	@deploy/bin/up.sh

down:
	@deploy/bin/down.sh

status:
	@deploy/bin/infra.sh up status

test:
	@deploy/bin/test.sh $(ARGS)

check: lint typecheck

lint:
	@deploy/bin/venv.sh >/dev/null
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

typecheck:
	@deploy/bin/venv.sh >/dev/null
	.venv/bin/mypy shared services/contacts/contacts services/newsletter/newsletter services/surveys/surveys

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
