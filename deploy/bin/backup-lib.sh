# shellcheck shell=bash
# Helpers shared by backup.sh and restore.sh (sourced after lib.sh and `load_env up`).
#   service_db_url SERVICE   libpq URL of that service's database: $<SERVICE>_DATABASE_URL
#                            when set (driver suffix dropped), else the `up` environment's
#   db_name URL              the database name of a URL
#   maintenance_url URL      the same server, database `postgres`

# shellcheck disable=SC2034  # used by the scripts that source this file
BACKUP_SERVICES=(contacts newsletter surveys events)

service_db_url() {
    local service="$1" var url
    var="$(printf '%s_DATABASE_URL' "$service" | tr '[:lower:]' '[:upper:]')"
    url="${!var:-}"
    if [[ -z "$url" ]]; then
        url="postgresql://digituki:digituki@127.0.0.1:$PG_PORT/$service"
    fi
    printf '%s\n' "${url/+asyncpg/}"
}

db_name() {
    local rest="${1##*/}"
    printf '%s\n' "${rest%%\?*}"
}

maintenance_url() {
    local url="$1" rest query=""
    rest="${url##*/}"
    [[ "$rest" == *\?* ]] && query="?${rest#*\?}"
    printf '%s/postgres%s\n' "${url%/*}" "$query"
}
