#!/usr/bin/env bash
# `make up`: install what is missing, start the infrastructure, migrate every service
# database, start each service's web and worker, wait until they answer, print the URLs.
# Running it again is harmless: what already runs is left alone.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env up
cd "$REPO"

SERVICES=(contacts newsletter surveys events)

deploy/bin/venv.sh >/dev/null

DB_PREFIX="" DB_SUFFIX=""
# shellcheck source=deploy/bin/service-env.sh
source "$REPO/deploy/bin/service-env.sh"
# Workers write heartbeats there; each web process's /readyz expects WORKERS healthy ones.
export PYTHONUNBUFFERED=1 HEARTBEAT_DIR="$STATE_DIR/heartbeats" WORKERS
# supervisord first: Kafka, the mail catcher, nginx and the services become its programs
# and inherit the environment above (SUPERVISE=0: plain detached processes as before).
if [[ "${SUPERVISE:-1}" == 1 ]]; then
    deploy/bin/supervise.sh up start
fi
deploy/bin/infra.sh up up

# The services run in development mode locally (no Secure cookies over plain http).
export DIGITUKI_ENV=development
# Staff headers count only with nginx's secret, even on this machine.
PROXY_SECRET="$(proxy_secret)"
export PROXY_SECRET

for service in "${SERVICES[@]}"; do
    log "migrating the $service database"
    .venv/bin/python -m "$service.main" migrate >>"$STATE_DIR/logs/$service-migrate.log" 2>&1 ||
        { tail -n 20 "$STATE_DIR/logs/$service-migrate.log" >&2; die "migrating $service failed"; }
done

port_of() {
    local var="${1^^}_WEB_PORT"
    printf '%s\n' "${!var}"
}

# The env wrapper: supervisord's own environment says DIGITUKI_ENV=up (the scripts' name).
for service in "${SERVICES[@]}"; do
    if ! is_running "$service-web"; then
        require_free_port "$(port_of "$service")" "the $service web process"
        start_bg "$service-web" env DIGITUKI_ENV=development \
            .venv/bin/python -m "$service.main" web
    fi
    for ((i = 1; i <= WORKERS; i++)); do
        if ! is_running "$service-worker-$i"; then
            start_bg "$service-worker-$i" env DIGITUKI_ENV=development \
                .venv/bin/python -m "$service.main" worker
        fi
    done
    # Fewer WORKERS than last time: stop the extra instances (and a worker of older scripts).
    for pf in "$STATE_DIR/pids/$service-worker"*.pid; do
        [[ -e "$pf" ]] || continue
        name="$(basename "$pf" .pid)"
        index="${name##*-}"
        if ! [[ "$index" =~ ^[0-9]+$ ]] || ((index > WORKERS)); then stop_bg "$name"; fi
    done
done

for service in "${SERVICES[@]}"; do
    wait_http "http://127.0.0.1:$(port_of "$service")/healthz" 60 "$service web" "$service-web"
    # Ready through the proxy = database, Kafka and every worker's heartbeat are fine.
    wait_http "http://127.0.0.1:$PROXY_PORT/_health/$service" 90 "$service through the proxy"
    for ((i = 1; i <= WORKERS; i++)); do
        check_alive "$service-worker-$i" "$service worker $i"
    done
done

.venv/bin/python -m contacts.main first-admin --quiet-if-exists \
    --write-to "$STATE_DIR/first-admin.txt" >>"$STATE_DIR/logs/first-admin.log" 2>&1

cat <<TXT

Digituki CRM is up:
  Public signup        http://127.0.0.1:$PROXY_PORT/join
  Event calendar       http://127.0.0.1:$PROXY_PORT/events
  Staff sign-in        http://127.0.0.1:$PROXY_PORT/login
  Caught mail          http://127.0.0.1:$MAILCATCHER_HTTP_PORT/
  API docs             http://127.0.0.1:$PROXY_PORT/api/contacts/docs (and /api/newsletter/docs, /api/surveys/docs, /api/events/docs)
  Health               http://127.0.0.1:$PROXY_PORT/_health/contacts (newsletter, surveys, events)
TXT
if [[ -s "$STATE_DIR/first-admin.txt" ]]; then
    echo "  First staff login    $(cat "$STATE_DIR/first-admin.txt")"
else
    # The database already had an admin (its password was printed when it was created).
    echo "  Staff users          an admin exists; invite one (a link to set the password" \
        "arrives at the mail catcher): .venv/bin/digituki users invite you@example.fi --role admin"
fi
echo "  Processes            make status (supervised: a killed one is back within seconds)"
echo "  Logs                 $STATE_DIR/logs/      Stop: make down"
