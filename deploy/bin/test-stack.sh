#!/usr/bin/env bash
# A test stack that stays up, to run a piece of the suite against it in seconds.
#
# usage: deploy/bin/test-stack.sh up|down|run PYTEST-ARGS...
#   up    start the test stack fresh (as `make test` does, same ports: deploy/env/test.env or
#         the variables set in the environment) and leave it running; writes the variables
#         pytest reads to $STATE_DIR/pytest.env and prints how to use it
#   run   pytest against the running stack:  deploy/bin/test-stack.sh run tests/x.py::test_y
#   down  stop it
# The first pytest run against the stack builds the migrated template databases; later runs
# reuse them until a migration changes, so one test takes a few seconds.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env test
cd "$REPO"

ENV_FILE="$STATE_DIR/pytest.env"

case "${1:-}" in
    up)
        deploy/bin/venv.sh >/dev/null
        deploy/bin/infra.sh test up
        DB_PREFIX="" DB_SUFFIX="_test"
        # shellcheck source=deploy/bin/service-env.sh
        source "$REPO/deploy/bin/service-env.sh"
        {
            echo "# Written by deploy/bin/test-stack.sh up: what pytest needs to find the stack."
            for name in KAFKA_BOOTSTRAP_SERVERS PUBLIC_BASE_URL CONTACTS_DATABASE_URL \
                NEWSLETTER_DATABASE_URL SURVEYS_DATABASE_URL EVENTS_DATABASE_URL CONTACTS_WEB_PORT \
                NEWSLETTER_WEB_PORT SURVEYS_WEB_PORT EVENTS_WEB_PORT MAILCATCHER_URL SMTP_HOST SMTP_PORT \
                MAILCATCHER_SMTP_PORT MAILCATCHER_HTTP_PORT PROXY_PORT STATE_DIR DIGITUKI_ENV \
                KAFKA_PORT KAFKA_CONTROLLER_PORT PG_PORT PG_CLUSTER SMTP_SINK_PORT; do
                printf 'export %s=%q\n' "$name" "${!name}"
            done
            echo "export PYTHONUNBUFFERED=1"
        } >"$ENV_FILE"
        echo
        echo "The test stack stays up. Run one test (a few seconds):"
        echo "  make test-one T=tests/integration/test_contacts_jobs.py::test_name"
        echo "or point pytest at it yourself:"
        echo "  source $ENV_FILE && .venv/bin/python -m pytest tests/integration -x"
        echo "Stop it: make test-stack-down"
        ;;
    run)
        shift
        [[ -f "$ENV_FILE" ]] && deploy/bin/postgres.sh test status >/dev/null 2>&1 ||
            die "no test stack is up (on these ports): start it with 'make test-stack'"
        # shellcheck source=/dev/null
        source "$ENV_FILE"
        exec .venv/bin/python -m pytest "$@"
        ;;
    down)
        rm -f "$ENV_FILE"
        deploy/bin/infra.sh test down
        ;;
    *) die "usage: $0 up|down|run PYTEST-ARGS..." ;;
esac
