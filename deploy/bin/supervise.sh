#!/usr/bin/env bash
# supervisord for `make up`: every long-running process of the up environment is one of its
# programs (deploy/bin/lib.sh start_bg writes $STATE_DIR/supervisor/programs/NAME.conf).
#
# usage: deploy/bin/supervise.sh up start|stop|status
#   start   start supervisord (no programs yet) unless it runs; idempotent
#   stop    stop every program (services first, then Kafka, nginx, ...) and supervisord
#   status  every process: state, pid, uptime, restarts, health (deploy/bin/status.py)
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 2 ]] || die "usage: $0 up start|stop|status"
load_env "$1"
DIR="$(supervisor_dir)"
CONF="$DIR/supervisord.conf"

alive() { [[ -S "$DIR/supervisor.sock" ]] && supervisorctl_ pid >/dev/null 2>&1; }

start() {
    if alive; then
        return 0
    fi
    mkdir -p "$DIR"
    # A supervisord that died leaves its programs' configs: they are added again by `up`.
    rm -rf "$DIR/programs" "$DIR/supervisor.sock"
    mkdir -p "$DIR/programs"
    cat >"$CONF" <<EOF
; Written by deploy/bin/supervise.sh on every start: edit the script, not this file.
[unix_http_server]
file=$DIR/supervisor.sock
chmod=0700

[supervisord]
logfile=$STATE_DIR/logs/supervisord.log
logfile_maxbytes=10MB
pidfile=$STATE_DIR/pids/supervisord.pid
childlogdir=$STATE_DIR/logs
identifier=digituki-$DIGITUKI_ENV

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$DIR/supervisor.sock

[include]
files = programs/*.conf
EOF
    log "starting supervisord ($CONF)"
    # It daemonizes itself; fd 9 (infra.sh's lock) must not be inherited.
    "$REPO/.venv/bin/supervisord" -c "$CONF" 9>&-
    local i
    for ((i = 0; i < 100; i++)); do
        alive && return 0
        sleep 0.1
    done
    die "supervisord did not start (log: $STATE_DIR/logs/supervisord.log)"
}

stop() {
    alive || {
        rm -rf "$DIR/programs"
        return 0
    }
    local pid i
    pid="$(supervisorctl_ pid)"
    log "stopping supervisord and its programs"
    supervisorctl_ shutdown >/dev/null || true
    # Programs stop one priority group after the other, each within stopwaitsecs (15 s);
    # the last node of a Kafka cluster may use all of it.
    for ((i = 0; i < 1200; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && die "supervisord (pid $pid) still runs after 120 s"
    rm -rf "$DIR/programs" "$DIR/supervisor.sock"
}

case "$2" in
    start) start ;;
    stop) stop ;;
    status)
        if alive; then
            "$(venv_python)" "$REPO/deploy/bin/status.py" "$STATE_DIR"
        else
            echo "supervisord: not running"
            return 3 2>/dev/null || exit 3
        fi
        ;;
    *) die "unknown action '$2' (start|stop|status)" ;;
esac
