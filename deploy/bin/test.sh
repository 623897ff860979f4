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
    services/newsletter/newsletter services/surveys/surveys

log "browser test tools (chromium, axe-core)"
deploy/bin/browser.sh install || log "warning: browser tools missing: the browser tests will skip"

log "identity provider for the sign-in tests (Keycloak from Maven Central)"
deploy/bin/keycloak.sh test install || log "warning: Keycloak missing: its sign-in tests will fail"

log "starting the test stack and running the suite"
set +e
deploy/bin/with-test-env.sh .venv/bin/python -m pytest "$@"
status=$?
set -e
if [[ $status -eq 5 ]]; then
    echo "error: pytest collected no tests" >&2
fi
exit "$status"
