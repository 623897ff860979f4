#!/usr/bin/env bash
# Start, stop or inspect the whole local infrastructure of one environment.
#
# usage: deploy/bin/infra.sh up|test up|down|status
#   up      PostgreSQL, Kafka, the mail catcher (and for ENV=up the nginx proxy).
#           ENV=test starts clean: the test cluster is dropped, Kafka's data and the caught
#           mails deleted. Already running pieces of ENV=up are left as they are (idempotent).
#   down    stop everything this environment runs (nginx, mail catcher, smtp-sink, Kafka,
#           PostgreSQL); data stays (ENV=test data is wiped at its next `up`)
#   status  one line per piece
set -euo pipefail

BIN="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=deploy/bin/lib.sh
source "$BIN/lib.sh"

[[ $# -eq 2 ]] || die "usage: $0 up|test up|down|status"
ENV_NAME="$1"
load_env "$ENV_NAME"

# Before starting anything: every port that a not-yet-running piece needs must be free. All
# conflicts are reported at once, each naming the process that holds the port.
preflight() {
    local checks=() problems=() entry port what holder
    if ! "$BIN/postgres.sh" "$ENV_NAME" status >/dev/null 2>&1; then
        checks+=("$PG_PORT|PostgreSQL cluster $PG_CLUSTER")
    fi
    local i
    for i in $(kafka_nodes); do
        if ! is_running "$(kafka_node_name "$i")"; then
            checks+=("$(kafka_node_port "$i")|Kafka broker $i"
                "$(kafka_node_controller_port "$i")|Kafka controller $i")
        fi
    done
    if ! is_running mailcatcher; then
        checks+=("$MAILCATCHER_SMTP_PORT|mail catcher SMTP"
            "$MAILCATCHER_HTTP_PORT|mail catcher web page")
    fi
    if [[ "$ENV_NAME" == up ]] && ! is_running nginx; then
        checks+=("$PROXY_PORT|nginx proxy")
    fi
    for entry in "${checks[@]}"; do
        port="${entry%%|*}"
        what="${entry#*|}"
        if port_in_use "$port"; then
            holder="$(port_holder "$port")"
            problems+=("port $port for the $what is taken${holder:+ by $holder}")
        fi
    done
    if ((${#problems[@]})); then
        printf 'error: cannot start the %s environment:\n' "$ENV_NAME" >&2
        printf '  - %s\n' "${problems[@]}" >&2
        printf '  (see: ss -ltnp; stop that program, or override the port: deploy/env/%s.env)\n' \
            "$ENV_NAME" >&2
        exit 1
    fi
}

summary() {
    local dbs=(contacts newsletter surveys events)
    if [[ "$ENV_NAME" == test ]]; then dbs=(contacts_test newsletter_test surveys_test events_test); fi
    echo
    echo "Digituki infrastructure '$ENV_NAME' is up (state in $STATE_DIR)"
    echo "  PostgreSQL    127.0.0.1:$PG_PORT  user digituki / password digituki"
    echo "                databases: ${dbs[*]}"
    echo "                e.g. postgresql+asyncpg://digituki:digituki@127.0.0.1:$PG_PORT/${dbs[0]}"
    echo "  Kafka         bootstrap $(kafka_bootstrap) (${KAFKA_NODES:-1} node(s))"
    echo "  Mail catcher  smtp 127.0.0.1:$MAILCATCHER_SMTP_PORT," \
        "web http://127.0.0.1:$MAILCATCHER_HTTP_PORT/"
    if [[ "$ENV_NAME" == up ]]; then
        echo "  Proxy         http://127.0.0.1:$PROXY_PORT/ -> contacts :$CONTACTS_WEB_PORT," \
            "newsletter :$NEWSLETTER_WEB_PORT, surveys :$SURVEYS_WEB_PORT, events :$EVENTS_WEB_PORT"
    fi
    echo "  Logs          $STATE_DIR/logs/   (stop: deploy/bin/infra.sh $ENV_NAME down)"
}

up() {
    local t0=$SECONDS
    preflight
    if [[ "$ENV_NAME" == test ]]; then
        # Tests start from nothing: no tables, topics, offsets or mails of an earlier run.
        "$BIN/postgres.sh" test drop 9>&-
        "$BIN/postgres.sh" test start 9>&-
        "$BIN/kafka.sh" test fresh-start 9>&-
        "$BIN/mailcatcher.sh" test stop 9>&-
        rm -rf "$STATE_DIR/mail"
    else
        "$BIN/postgres.sh" up start 9>&-
        "$BIN/kafka.sh" up start 9>&-
    fi
    "$BIN/mailcatcher.sh" "$ENV_NAME" start 9>&-
    if [[ "$ENV_NAME" == up ]]; then
        "$BIN/nginx.sh" up start 9>&-
    fi
    summary
    echo "  (took $((SECONDS - t0)) s)"
}

down() {
    # Reverse order of up; each stop is harmless when that piece is not running.
    "$BIN/nginx.sh" "$ENV_NAME" stop 9>&-
    "$BIN/mailcatcher.sh" "$ENV_NAME" stop 9>&-
    "$BIN/smtp-sink.sh" "$ENV_NAME" stop 9>&-
    "$BIN/keycloak.sh" "$ENV_NAME" stop 9>&- # started by the sign-in tests, if at all
    "$BIN/kafka.sh" "$ENV_NAME" stop 9>&-
    "$BIN/postgres.sh" "$ENV_NAME" stop 9>&-
    log "all stopped"
}

status() {
    local piece
    for piece in postgres kafka mailcatcher nginx smtp-sink; do
        "$BIN/$piece.sh" "$ENV_NAME" status || true
    done
}

# One up/down at a time per environment: two overlapping `test up` runs (two sessions on
# one machine) would drop each other's cluster half-way. The lock is fd 9 of this process;
# the pieces are run with fd 9 closed (`9>&-`) so that no daemon keeps holding it.
take_lock() {
    exec 9>"$STATE_DIR/infra.lock"
    if ! flock -n 9; then
        log "another infra.sh $ENV_NAME up/down is running: waiting for it (at most 300 s)"
        flock -w 300 9 || die "infra.sh $ENV_NAME is still locked by another run"
    fi
}

case "$2" in
    up)
        take_lock
        up
        ;;
    down)
        take_lock
        down
        ;;
    status) status ;;
    *) die "unknown action '$2' (up|down|status)" ;;
esac
