#!/usr/bin/env bash
# `make test`: lint and types, then the whole suite once against its own PostgreSQL cluster
# and a freshly formatted Kafka (deploy/env/test.env ports); nothing is left running.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$REPO"

deploy/bin/venv.sh >/dev/null
# Bytecode is written even where the shell says PYTHONDONTWRITEBYTECODE: otherwise every test
# worker and every service process a test starts compiles the project again (git-ignored).
unset PYTHONDONTWRITEBYTECODE

# Lint and types run beside the start of the stack (mypy keeps one core busy for a minute on a
# fresh clone; the other starts PostgreSQL, Kafka and Keycloak); their verdict is awaited
# before pytest's, and a failure fails the run.
log "lint and types (in the background: $REPO/.run/test-lint.log)"
mkdir -p .run
(
    .venv/bin/ruff check --quiet . &&
        .venv/bin/mypy --no-error-summary shared services/contacts/contacts \
            services/newsletter/newsletter services/surveys/surveys services/events/events
) >.run/test-lint.log 2>&1 &
lint=$!

log "browser test tools (chromium, axe-core)"
deploy/bin/browser.sh install || log "warning: browser tools missing: the browser tests will skip"

log "identity provider for the sign-in tests (Keycloak from Maven Central)"
if deploy/bin/keycloak.sh test install && [[ $# -eq 0 ]]; then
    # The whole suite signs in at Keycloak: start it now, beside mypy, not in the middle of
    # the run (its test finds it running and waits for it; `infra.sh test down` stops it).
    deploy/bin/keycloak.sh test start >.run/test-keycloak.log 2>&1 &
elif [[ $# -eq 0 ]]; then
    log "warning: Keycloak missing: its sign-in tests will fail"
fi

log "starting the test stack and running the suite"
set +e
# Two pytest-xdist workers (TEST_WORKERS=0: one process), each with databases, topics and
# consumer groups of its own; the browser tests stay together on one worker and the e2e tests
# on the other, side by side (its scheduler: tests/support/plugin.py). The slowest tests are
# listed at the end: where a faster suite starts.
workers=(-n "${TEST_WORKERS:-2}")
if [[ "${TEST_WORKERS:-2}" == 0 ]]; then workers=(); fi
# The `disruptive` tests stop shared infrastructure (the test PostgreSQL), so they run on their
# own after the rest, in one process. (The `supervision` tests, supervisord with SIGKILLs on a
# port of their own, run in the e2e group: their topics and database are their own too.)
if [[ $# -gt 0 ]]; then
    deploy/bin/with-test-env.sh .venv/bin/python -m pytest "${workers[@]}" --durations=25 "$@"
else
    deploy/bin/with-test-env.sh bash -c '
        .venv/bin/python -m pytest "$@" -m "not disruptive" --durations=25
        first=$?
        .venv/bin/python -m pytest -m disruptive
        second=$?
        if [[ $first -ne 0 ]]; then exit "$first"; fi
        exit "$second"' pytest "${workers[@]}"
fi
status=$?
if ! wait "$lint"; then
    cat .run/test-lint.log >&2
    echo "error: ruff or mypy found problems (above)" >&2
    [[ $status -ne 0 ]] || status=1
fi
set -e
if [[ $status -eq 5 ]]; then
    echo "error: pytest collected no tests" >&2
fi
exit "$status"
