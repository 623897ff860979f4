#!/usr/bin/env bash
# `make test`: lint and types, then the whole suite once against its own PostgreSQL cluster
# and a freshly formatted Kafka (deploy/env/test.env ports); nothing is left running.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

deploy/bin/venv.sh >/dev/null
log "lint and types"
.venv/bin/ruff check --quiet .
.venv/bin/mypy --no-error-summary shared services/contacts/contacts \
    services/newsletter/newsletter services/surveys/surveys services/events/events

log "browser test tools (chromium, axe-core)"
deploy/bin/browser.sh install || log "warning: browser tools missing: the browser tests will skip"

log "identity provider for the sign-in tests (Keycloak from Maven Central)"
deploy/bin/keycloak.sh test install || log "warning: Keycloak missing: its sign-in tests will fail"

log "starting the test stack and running the suite"
set +e
# Two pytest-xdist workers (TEST_WORKERS=0: one process), each with databases, topics and
# consumer groups of its own; the tests that start service processes or empty the shared mail
# catcher stay together on one worker (its scheduler: tests/support/plugin.py). The slowest
# tests are listed at the end: where a faster suite starts.
workers=(-n "${TEST_WORKERS:-2}")
if [[ "${TEST_WORKERS:-2}" == 0 ]]; then workers=(); fi
# The `disruptive` tests stop shared infrastructure (the test PostgreSQL) and the
# `supervision` tests run supervisord with SIGKILLs and fixed ports, so both run on their own
# after the rest, in one process.
if [[ $# -gt 0 ]]; then
    deploy/bin/with-test-env.sh .venv/bin/python -m pytest "${workers[@]}" --durations=25 "$@"
else
    deploy/bin/with-test-env.sh bash -c '
        .venv/bin/python -m pytest "$@" -m "not supervision and not disruptive" --durations=25
        first=$?
        .venv/bin/python -m pytest -m "disruptive or supervision"
        second=$?
        if [[ $first -ne 0 ]]; then exit "$first"; fi
        exit "$second"' pytest "${workers[@]}"
fi
status=$?
set -e
if [[ $status -eq 5 ]]; then
    echo "error: pytest collected no tests" >&2
fi
exit "$status"
