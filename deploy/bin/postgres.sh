#!/usr/bin/env bash
# The project's own PostgreSQL cluster, managed with Debian's postgresql-common tools.
#
# usage: deploy/bin/postgres.sh up|test install|start|stop|status|drop|psql [DB] [psql args...]
#   install  apt-get install postgresql when the server or pg_createcluster is missing
#   start    create cluster $PG_CLUSTER on 127.0.0.1:$PG_PORT if missing, start it, create
#            role digituki (password digituki) and the env's databases when missing
#   stop     stop the cluster (harmless when down)
#   status   print online/down (exit 3 when down)
#   drop     stop and delete the cluster with all its data (next start begins empty);
#            for ENV=up only with --yes
#   psql     open psql as digituki on a database (default: contacts / contacts_test)
#
# PostgreSQL refuses to run as root: pg_createcluster / pg_ctlcluster run it as the
# `postgres` user with its data under /var/lib/postgresql/<version>/<cluster>. The Debian
# default cluster `main` is never touched.
set -euo pipefail

# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 2 ]] || die "usage: $0 up|test install|start|stop|status|drop|psql [DB] [args...]"
load_env "$1"
action="$2"
shift 2

[[ "$PG_CLUSTER" != main ]] || die "PG_CLUSTER=main is the Debian default cluster: not ours"

DB_USER=digituki
DB_PASSWORD=digituki
if [[ "$DIGITUKI_ENV" == test ]]; then
    DATABASES=(contacts_test newsletter_test surveys_test events_test)
else
    DATABASES=(contacts newsletter surveys events)
fi

# Highest installed server major version, from /usr/lib/postgresql/<ver>/bin/postgres.
pg_version() {
    local bin ver best=""
    for bin in /usr/lib/postgresql/*/bin/postgres; do
        [[ -x "$bin" ]] || continue
        ver="${bin#/usr/lib/postgresql/}"
        ver="${ver%%/*}"
        if [[ -z "$best" || "$ver" -gt "$best" ]]; then best="$ver"; fi
    done
    printf '%s\n' "$best"
}

install() {
    if command -v pg_createcluster >/dev/null && [[ -n "$(pg_version)" ]]; then
        return 0
    fi
    # The Debian package may create and start its own `main` cluster on 5432; we leave it be.
    apt_install postgresql
    [[ -n "$(pg_version)" ]] || die "PostgreSQL server binaries still missing after install"
}

# Prints "online" / "down" for our cluster, nothing when it does not exist.
cluster_state() {
    pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VER" -v c="$PG_CLUSTER" \
        '$1 == v && $2 == c { print $4 }'
}

as_postgres_psql() {
    # Over the Unix socket as the superuser (peer auth): no password needed for setup.
    runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -h /var/run/postgresql \
        -p "$PG_PORT" -d postgres "$@"
}

configure() {
    local conf_dir="/etc/postgresql/$PG_VER/$PG_CLUSTER" hba
    # Written on every start, so a cluster made by an older version of this script catches
    # up. Debian's postgresql.conf includes conf.d/ at its end, so these values win.
    mkdir -p "$conf_dir/conf.d"
    cat >"$conf_dir/conf.d/digituki.conf" <<'CONF'
# Written by deploy/bin/postgres.sh on every start: edit the script, not this file.
listen_addresses = '127.0.0.1'
max_connections = 200
shared_buffers = 256MB
CONF
    if [[ "${PG_DURABILITY:-full}" == "test" ]]; then
        # The test cluster only (deploy/env/test.env): tests kill processes, brokers and
        # PostgreSQL itself, never the machine, so what reached the OS survives every crash
        # they make; waiting for the disk at each commit (2-5 ms here) bought them nothing.
        # `make up` keeps fsync on. docs/infrastructure.md, "Tests".
        printf '%s\n' "fsync = off" "full_page_writes = off" \
            >>"$conf_dir/conf.d/digituki.conf"
    fi
    chown postgres:postgres "$conf_dir/conf.d/digituki.conf"
    # The port stays in postgresql.conf itself, where pg_lsclusters / pg_ctlcluster read it.
    pg_conftool "$PG_VER" "$PG_CLUSTER" set port "$PG_PORT"
    hba="$conf_dir/pg_hba.conf"
    if ! grep -q '^host[[:space:]]\+all[[:space:]]\+digituki[[:space:]]' "$hba"; then
        # First matching line wins in pg_hba, so put ours before the defaults.
        local tmp
        tmp="$(mktemp)"
        {
            echo "# digituki: password login from the local machine (deploy/bin/postgres.sh)"
            echo "host    all             digituki        127.0.0.1/32            scram-sha-256"
            cat "$hba"
        } >"$tmp"
        cat "$tmp" >"$hba"
        rm -f "$tmp"
    fi
}

create_role_and_dbs() {
    as_postgres_psql <<SQL
SELECT 'CREATE ROLE $DB_USER LOGIN CREATEDB'
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER') \gexec
ALTER ROLE $DB_USER WITH LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
SQL
    local db
    for db in "${DATABASES[@]}"; do
        as_postgres_psql <<SQL
SELECT 'CREATE DATABASE $db OWNER $DB_USER'
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$db') \gexec
SQL
    done
}

start() {
    install
    PG_VER="$(pg_version)"
    local state
    state="$(cluster_state)"
    if [[ "$state" != online ]]; then
        require_free_port "$PG_PORT" "PostgreSQL cluster $PG_CLUSTER ($DIGITUKI_ENV)"
    fi
    if [[ -z "$state" ]]; then
        log "creating PostgreSQL $PG_VER cluster $PG_CLUSTER on port $PG_PORT"
        # start.conf manual: the system's postgresql service must not start it at boot.
        pg_createcluster "$PG_VER" "$PG_CLUSTER" --port "$PG_PORT" --start-conf manual \
            >>"$STATE_DIR/logs/postgres-create.log"
    fi
    configure
    if [[ "$state" != online ]]; then
        log "starting PostgreSQL cluster $PG_CLUSTER on 127.0.0.1:$PG_PORT"
        pg_ctlcluster "$PG_VER" "$PG_CLUSTER" start
    else
        # Pick up pg_hba / config changes without a restart.
        pg_ctlcluster "$PG_VER" "$PG_CLUSTER" reload
    fi
    local deadline=$((SECONDS + 30))
    until pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; do
        ((SECONDS < deadline)) || die "PostgreSQL on 127.0.0.1:$PG_PORT not ready within 30 s"
        sleep 0.2
    done
    # A setting changed on a running cluster (e.g. max_connections) needs a restart.
    local pending
    pending="$(as_postgres_psql -tAc 'SELECT count(*) FROM pg_settings WHERE pending_restart')"
    if [[ "$pending" != 0 ]]; then
        log "restarting PostgreSQL cluster $PG_CLUSTER to apply changed settings"
        pg_ctlcluster "$PG_VER" "$PG_CLUSTER" restart
    fi
    create_role_and_dbs
    log "PostgreSQL ready: postgresql://$DB_USER:$DB_PASSWORD@127.0.0.1:$PG_PORT/{$(
        IFS=,
        echo "${DATABASES[*]}"
    )}"
}

stop() {
    [[ -n "$PG_VER" && "$(cluster_state)" == online ]] || return 0
    log "stopping PostgreSQL cluster $PG_CLUSTER"
    pg_ctlcluster "$PG_VER" "$PG_CLUSTER" stop
}

status() {
    local state=""
    [[ -z "$PG_VER" ]] || state="$(cluster_state)"
    if [[ "$state" == online ]]; then
        echo "postgres: running (cluster $PG_VER/$PG_CLUSTER) on 127.0.0.1:$PG_PORT"
    else
        echo "postgres: not running (cluster $PG_CLUSTER: ${state:-does not exist})"
        return 3
    fi
}

drop() {
    # The test cluster is dropped on every test run; the development data only on request.
    if [[ "$DIGITUKI_ENV" != test && "${1:-}" != --yes ]]; then
        die "this deletes all data of cluster $PG_CLUSTER: run  $0 $DIGITUKI_ENV drop --yes"
    fi
    [[ -n "$PG_VER" && -n "$(cluster_state)" ]] || return 0
    log "dropping PostgreSQL cluster $PG_VER/$PG_CLUSTER and its data"
    pg_dropcluster --stop "$PG_VER" "$PG_CLUSTER"
}

run_psql() {
    local db="${1:-${DATABASES[0]}}"
    [[ $# -eq 0 ]] || shift
    PGPASSWORD="$DB_PASSWORD" exec psql -h 127.0.0.1 -p "$PG_PORT" -U "$DB_USER" -d "$db" "$@"
}

PG_VER="$(pg_version)"
case "$action" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    drop) drop "$@" ;;
    psql) run_psql "$@" ;;
    *) die "unknown action '$action' (install|start|stop|status|drop|psql)" ;;
esac
