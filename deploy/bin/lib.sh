# shellcheck shell=bash
# Helpers sourced by the deploy/bin/*.sh scripts. Not meant to be run by itself.
#
#   load_env up|test          set REPO, source deploy/env/<env>.env, create the state folders
#   die MSG                   print to stderr and exit 1
#   port_in_use PORT          true when something listens on 127.0.0.1/any address:PORT
#   require_free_port PORT WHAT   exit 1 with a message naming what holds PORT
#   start_bg NAME CMD...      run CMD detached in its own session, log + pid under STATE_DIR;
#                             under `make up` (supervised) as a supervisord program instead
#   stop_bg NAME              TERM the process group, KILL after 10 s, remove the pid file
#   is_running NAME           true when the pid file names a live process (or supervisord
#                             has the program starting or running)
#   kafka_nodes, kafka_node_name I, kafka_node_port I, kafka_node_controller_port I,
#   kafka_bootstrap           the Kafka nodes of KAFKA_NODES (1 or 3), their ports and names
#   wait_tcp PORT SECONDS WHAT [NAME]   wait until 127.0.0.1:PORT accepts connections
#   wait_http URL SECONDS WHAT [NAME]   wait until URL answers with a 2xx/3xx status
#   (with NAME, give up at once, showing its log, when that start_bg process has died)

# Repository root, from this file's location (deploy/bin/lib.sh), so scripts work from any cwd.
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export REPO

log() { printf '[%s] %s\n' "${DIGITUKI_ENV:-?}" "$*"; }

die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

load_env() {
    local env="${1:-}"
    case "$env" in
        up | test) ;;
        *) die "unknown environment '${env}' (expected: up or test)" ;;
    esac
    local vars=(DIGITUKI_ENV STATE_DIR KAFKA_PORT KAFKA_CONTROLLER_PORT PG_CLUSTER PG_PORT
        MAILCATCHER_SMTP_PORT MAILCATCHER_HTTP_PORT SMTP_SINK_PORT PROXY_PORT
        CONTACTS_WEB_PORT NEWSLETTER_WEB_PORT SURVEYS_WEB_PORT EVENTS_WEB_PORT KAFKA_VERSION CACHE_DIR
        KEYCLOAK_PORT KEYCLOAK_VERSION KAFKA_NODES WORKERS PG_DURABILITY)
    # Values inherited from the *other* environment (a shell or script that loaded "up"
    # calling a "test" script) must not leak in: `test up` would else drop up's cluster.
    if [[ -n "${DIGITUKI_ENV:-}" && "$DIGITUKI_ENV" != "$env" ]]; then
        unset "${vars[@]}"
    fi
    # shellcheck source=/dev/null
    source "$REPO/deploy/env/${env}.env"
    # Which environment this script loaded (DIGITUKI_ENV may be renamed for the services).
    LOADED_ENV="$env"
    export "${vars[@]}"
    mkdir -p "$STATE_DIR/pids" "$STATE_DIR/logs"
}

# The venv's python (created by `pip install -e '.[dev]'`); the catcher and the Kafka
# readiness check need its packages.
venv_python() {
    local py="$REPO/.venv/bin/python"
    [[ -x "$py" ]] ||
        die "no virtualenv at $REPO/.venv (python3 -m venv .venv; .venv/bin/pip install -e '.[dev]')"
    printf '%s\n' "$py"
}

port_in_use() {
    local port="$1"
    # Any listening TCP socket on that port, whatever the address (0.0.0.0, 127.0.0.1, ::).
    ss -Hltn "sport = :${port}" 2>/dev/null | grep -q .
}

# Who listens on PORT, as "name (pid N)" from `ss -ltnp` (empty if ss cannot tell).
port_holder() {
    local port="$1"
    ss -Hltnp "sport = :${port}" 2>/dev/null |
        grep -o '"[^"]*",pid=[0-9]*' |
        sed 's/^"\(.*\)",pid=\([0-9]*\)$/\1 (pid \2)/' |
        sort -u | paste -sd, - || true
}

require_free_port() {
    local port="$1" what="$2" holder
    if port_in_use "$port"; then
        holder="$(port_holder "$port")"
        die "port ${port} needed for ${what} is already in use${holder:+ by ${holder}}" \
            "(see: ss -ltnp 'sport = :${port}')"
    fi
}

# The installation's proxy secret (nginx -> web processes), made once per state folder.
proxy_secret() {
    local file="$STATE_DIR/proxy-secret"
    if [[ ! -s "$file" ]]; then
        (umask 077 && head -c 36 /dev/urandom | base64 | tr '+/' '-_' >"$file")
    fi
    cat "$file"
}

pid_file() { printf '%s/pids/%s.pid\n' "$STATE_DIR" "$1"; }

# ---- Kafka nodes: node 1 is the single-node default; KAFKA_NODES=3 adds nodes whose ports
# are node 1's plus 100 and 200 (9092, 9192, 9292; controllers 9093, 9193, 9293).
kafka_nodes() { seq 1 "${KAFKA_NODES:-1}"; }
kafka_node_name() { if [[ "${KAFKA_NODES:-1}" == 1 ]]; then echo kafka; else echo "kafka-$1"; fi; }
kafka_node_port() { echo $((KAFKA_PORT + 100 * ($1 - 1))); }
kafka_node_controller_port() { echo $((KAFKA_CONTROLLER_PORT + 100 * ($1 - 1))); }
kafka_bootstrap() {
    local i out=()
    for i in $(kafka_nodes); do out+=("127.0.0.1:$(kafka_node_port "$i")"); done
    (
        IFS=,
        echo "${out[*]}"
    )
}

# ---- supervisord (deploy/bin/supervise.sh) ------------------------------------------------
# Under `make up` every long-running process is a supervisord program: restarted within
# seconds when it dies, with backoff when it dies during start-up. The test stack keeps
# start_bg's plain detached processes (SUPERVISE=0 forces that for `up` too).
supervisor_dir() { printf '%s/supervisor\n' "$STATE_DIR"; }
supervised() {
    [[ "${LOADED_ENV:-}" == up && "${SUPERVISE:-1}" == 1 && -S "$(supervisor_dir)/supervisor.sock" ]]
}
supervisorctl_() { "$REPO/.venv/bin/supervisorctl" -c "$(supervisor_dir)/supervisord.conf" "$@"; }
is_program() { [[ -f "$(supervisor_dir)/programs/$1.conf" ]]; }

# Program NAME's state word (RUNNING, STARTING, BACKOFF, STOPPED, FATAL, ...), empty if unknown.
supervised_state() { supervisorctl_ status "$1" 2>/dev/null | awk 'NR==1 {print $2}' || true; }

supervise_add() {
    local name="$1"
    shift
    local conf arg cmd=""
    conf="$(supervisor_dir)/programs/$name.conf"
    # reap-and-exec.sh: leftovers of a killed start (nginx's workers) cannot block this one.
    for arg in "$REPO/deploy/bin/reap-and-exec.sh" "$STATE_DIR/pids/$name.pgid" "$@"; do
        cmd+="$(printf '%q ' "$arg")"
    done
    cmd="${cmd//%/%%}" # supervisord expands %(name)s in commands
    mkdir -p "$(supervisor_dir)/programs"
    # supervisord stops the highest priority first: the services before Kafka and nginx.
    local priority=100
    if [[ "$name" == *-web || "$name" == *-worker* ]]; then priority=900; fi
    cat >"$conf" <<EOF
[program:$name]
command=$cmd
priority=$priority
directory=$REPO
autostart=true
autorestart=true
; Dying within startsecs of a start means "failed to start": retried after 1, 2, 3, ... s
; (supervisord's backoff) and given up (FATAL) after startretries attempts.
startsecs=${SUPERVISE_STARTSECS:-3}
startretries=${SUPERVISE_STARTRETRIES:-15}
stopasgroup=true
killasgroup=true
stopwaitsecs=15
redirect_stderr=true
stdout_logfile=$STATE_DIR/logs/$name.log
stdout_logfile_maxbytes=50MB
stdout_logfile_backups=2
EOF
    # `update` adds the program and spawns it at once (autostart); the pid file is kept for
    # the scripts that read it and refreshed by is_running.
    supervisorctl_ update "$name" >/dev/null
    # An unchanged config is not restarted by `update`: a program given up earlier (FATAL)
    # or stopped by hand is started here.
    case "$(supervised_state "$name")" in
        RUNNING | STARTING | BACKOFF) ;;
        *) supervisorctl_ start "$name" >/dev/null 2>&1 || true ;;
    esac
    supervisorctl_ pid "$name" >"$(pid_file "$name")" 2>/dev/null || true
}

supervise_remove() {
    local name="$1"
    rm -f "$(supervisor_dir)/programs/$name.conf" "$(pid_file "$name")"
    # `update` stops and removes the programs whose config is gone.
    supervisorctl_ update "$name" >/dev/null 2>&1 || true
}

# Alive = the pid exists, is not a zombie (a child that died while our script still runs)
# and still leads its own session (so a recycled pid of some other program does not count).
is_running() {
    local pf pid stat sid
    if supervised && is_program "$1"; then
        case "$(supervised_state "$1")" in
            RUNNING | STARTING)
                supervisorctl_ pid "$1" >"$(pid_file "$1")" 2>/dev/null || true
                return 0
                ;;
            *) return 1 ;;
        esac
    fi
    pf="$(pid_file "$1")"
    [[ -s "$pf" ]] || return 1
    pid="$(<"$pf")"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 1
    read -r stat sid < <(ps -o stat=,sid= -p "$pid" 2>/dev/null) || return 1
    [[ "$stat" != Z* && "$sid" == "$pid" ]]
}

start_bg() {
    local name="$1"
    shift
    local pf logf
    pf="$(pid_file "$name")"
    logf="$STATE_DIR/logs/${name}.log"
    if is_running "$name"; then
        die "$name is already running (pid $(<"$pf"))"
    fi
    if supervised; then
        printf '\n==== %s start %s (supervised): %s\n' "$(date -Is)" "$name" "$*" >>"$logf"
        supervise_add "$name" "$@"
        return 0
    fi
    # setsid: own session and process group, so stop_bg can kill the whole tree and the
    # process survives the calling shell; nohup: ignore SIGHUP when the terminal closes.
    printf '\n==== %s start %s: %s\n' "$(date -Is)" "$name" "$*" >>"$logf"
    setsid nohup "$@" >>"$logf" 2>&1 </dev/null &
    echo "$!" >"$pf"
}

stop_bg() {
    local name="$1" pf pid i
    pf="$(pid_file "$name")"
    if supervised && is_program "$name"; then
        supervise_remove "$name"
        return 0
    fi
    if ! is_running "$name"; then
        rm -f "$pf"
        return 0
    fi
    pid="$(<"$pf")"
    # The pid is a session leader (setsid), so its pid is also the process group id.
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        log "$name did not stop within 10 s: sending KILL"
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
        sleep 0.2
    fi
    rm -f "$pf"
}

# Die with the tail of NAME's log when its process has exited (a crash at start-up).
check_alive() {
    local name="${1:-}" what="$2"
    [[ -n "$name" ]] || return 0
    if ! is_running "$name"; then
        tail -n 20 "$STATE_DIR/logs/${name}.log" >&2 || true
        die "${what} exited during start-up (log: $STATE_DIR/logs/${name}.log)"
    fi
}

wait_tcp() {
    local port="$1" seconds="$2" what="$3" name="${4:-}" deadline
    deadline=$((SECONDS + seconds))
    until (exec 3<>"/dev/tcp/127.0.0.1/${port}") 2>/dev/null; do
        check_alive "$name" "$what"
        ((SECONDS < deadline)) || die "${what} did not open 127.0.0.1:${port} within ${seconds} s"
        sleep 0.2
    done
}

wait_http() {
    local url="$1" seconds="$2" what="$3" name="${4:-}" deadline
    deadline=$((SECONDS + seconds))
    until curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null; do
        check_alive "$name" "$what"
        ((SECONDS < deadline)) || die "${what} did not answer ${url} within ${seconds} s"
        sleep 0.2
    done
}

# apt-get install the given packages, running `apt-get update` only when needed
# (the cached package lists may be missing on a fresh machine).
# Callers check first that something is missing, so the update runs only then.
apt_install() {
    export DEBIAN_FRONTEND=noninteractive
    log "installing Debian packages: $*"
    apt-get update -q
    apt-get install -y -q --no-install-recommends "$@"
}
