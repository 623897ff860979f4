#!/usr/bin/env bash
# `make down`: stop exactly what `make up` started (supervisord, pid files); data stays.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env up

# supervisord stops its programs (the services first, then Kafka, nginx, the mail catcher).
"$REPO/deploy/bin/supervise.sh" up stop
# Processes started without supervision (SUPERVISE=0, or by older scripts).
for pf in "$STATE_DIR"/pids/*-worker*.pid "$STATE_DIR"/pids/*-web.pid; do
    if [[ -e "$pf" ]]; then stop_bg "$(basename "$pf" .pid)"; fi
done
"$REPO/deploy/bin/infra.sh" up down
rm -f "$STATE_DIR"/heartbeats/*.json
