# shellcheck shell=bash
# Helpers sourced by the deploy/bin/*.sh scripts. Not meant to be run by itself.
#
#   load_env up|test          set REPO, source deploy/env/<env>.env, create the state folders
#   die MSG                   print to stderr and exit 1
#   port_in_use PORT          true when something listens on 127.0.0.1/any address:PORT
#   require_free_port PORT WHAT   exit 1 with a message naming what holds PORT
#   start_bg NAME CMD...      run CMD detached in its own session, log + pid under STATE_DIR
#   stop_bg NAME              TERM the process group, KILL after 10 s, remove the pid file
#   is_running NAME           true when the pid file names a live process
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
        CONTACTS_WEB_PORT NEWSLETTER_WEB_PORT SURVEYS_WEB_PORT KAFKA_VERSION CACHE_DIR
        KEYCLOAK_PORT KEYCLOAK_VERSION)
    # Values inherited from the *other* environment (a shell or script that loaded "up"
    # calling a "test" script) must not leak in: `test up` would else drop up's cluster.
    if [[ -n "${DIGITUKI_ENV:-}" && "$DIGITUKI_ENV" != "$env" ]]; then
        unset "${vars[@]}"
    fi
    # shellcheck source=/dev/null
    source "$REPO/deploy/env/${env}.env"
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

# Alive = the pid exists, is not a zombie (a child that died while our script still runs)
# and still leads its own session (so a recycled pid of some other program does not count).
is_running() {
    local pf pid stat sid
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
    # setsid: own session and process group, so stop_bg can kill the whole tree and the
    # process survives the calling shell; nohup: ignore SIGHUP when the terminal closes.
    printf '\n==== %s start %s: %s\n' "$(date -Is)" "$name" "$*" >>"$logf"
    setsid nohup "$@" >>"$logf" 2>&1 </dev/null &
    echo "$!" >"$pf"
}

stop_bg() {
    local name="$1" pf pid i
    pf="$(pid_file "$name")"
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
