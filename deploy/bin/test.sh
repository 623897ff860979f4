#!/usr/bin/env bash
# `make test`: its own PostgreSQL cluster and a freshly formatted Kafka on ports of their own
# (deploy/env/test.env), the whole suite once, and nothing left running afterwards.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env test
cd "$REPO"

deploy/bin/venv.sh >/dev/null
log "lint and types"
.venv/bin/ruff check --quiet .
.venv/bin/mypy --no-error-summary shared services/contacts/contacts \
    services/newsletter/newsletter services/surveys/surveys

trap 'deploy/bin/infra.sh test down >/dev/null 2>&1 || true' EXIT
deploy/bin/infra.sh test up

DB_PREFIX="" DB_SUFFIX="_test"
# shellcheck source=deploy/bin/service-env.sh
source "$REPO/deploy/bin/service-env.sh"
export PYTHONUNBUFFERED=1

log "running the test suite"
set +e
.venv/bin/python -m pytest "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then
    echo "error: pytest collected no tests" >&2
fi
exit "$status"
