#!/usr/bin/env bash
# `make down`: stop exactly what `make up` started (by pid files); data stays.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env up

for service in contacts newsletter surveys; do
    stop_bg "$service-worker"
    stop_bg "$service-web"
done
"$REPO/deploy/bin/infra.sh" up down
