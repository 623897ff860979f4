#!/usr/bin/env bash
# Run a command against a freshly started test stack (PostgreSQL cluster, Kafka, mail
# catcher on the ports of deploy/env/test.env, or of variables set in the environment),
# with the variables the services and the tests read, and stop the stack afterwards.
#   deploy/bin/with-test-env.sh .venv/bin/python -m pytest tests/e2e -x
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env test
cd "$REPO"

trap 'deploy/bin/infra.sh test down >/dev/null 2>&1 || true' EXIT
deploy/bin/infra.sh test up

DB_PREFIX="" DB_SUFFIX="_test"
# shellcheck source=deploy/bin/service-env.sh
source "$REPO/deploy/bin/service-env.sh"
export PYTHONUNBUFFERED=1 STATE_DIR

set +e
"$@"
status=$?
set -e
exit "$status"
