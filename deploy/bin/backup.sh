#!/usr/bin/env bash
# `make backup`: a pg_dump (custom format) of every service database into
# backups/<UTC timestamp>/, the compacted Kafka topics as kafka.jsonl, plus manifest.json
# (what, from where, sizes, sha256, alembic heads, records per topic).
#
# usage: deploy/bin/backup.sh [DIR]     DIR defaults to $REPO/backups/<timestamp>
# The databases are those of the `up` environment, unless CONTACTS_DATABASE_URL,
# NEWSLETTER_DATABASE_URL, SURVEYS_DATABASE_URL are set (the services' own variables; a
# `+asyncpg` driver suffix is dropped), which is how the tests point it at their stack.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env up
# shellcheck source=deploy/bin/backup-lib.sh
source "$REPO/deploy/bin/backup-lib.sh"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
target="${1:-$REPO/backups/$stamp}"
[[ ! -e "$target" ]] || die "$target exists already"
# Written next to the target and renamed at the end: a half-written backup never looks done.
partial="$target.partial"
rm -rf "$partial"
mkdir -p "$partial"
trap 'rm -rf "$partial"' EXIT

entries=()
for service in "${BACKUP_SERVICES[@]}"; do
    url="$(service_db_url "$service")"
    db="$(db_name "$url")"
    file="$service.dump"
    log "dumping $service (database $db)"
    pg_dump --format=custom --no-owner --no-privileges --file="$partial/$file" --dbname="$url" ||
        die "pg_dump of $db failed (is PostgreSQL running? deploy/bin/postgres.sh up status)"
    revision="$(psql -X -q -tA -d "$url" \
        -c "SELECT string_agg(version_num, ',' ORDER BY version_num) FROM alembic_version" 2>/dev/null || true)"
    size="$(stat -c %s "$partial/$file")"
    sha="$(sha256sum "$partial/$file" | cut -d' ' -f1)"
    entries+=("$(printf '    {"service": "%s", "database": "%s", "file": "%s", "bytes": %s, "sha256": "%s", "alembic": "%s"}' \
        "$service" "$db" "$file" "$size" "$sha" "$revision")")
done

# The compacted topics the replicas are rebuilt from (contacts.contact.v1, contacts.segment.v1):
# beginning to end, as JSON lines (docs/backup.md). The services may keep running.
kafka="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}"
log "dumping the compacted Kafka topics from $kafka"
kafka_out="$(cd "$REPO" && KAFKA_BOOTSTRAP_SERVERS="$kafka" \
    "$(venv_python)" -m shared.kafka_backup dump "$(cd "$partial" && pwd)/kafka.jsonl")" ||
    die "the Kafka dump failed (is Kafka running? deploy/bin/infra.sh up status)"
kafka_records="$("$(venv_python)" -c 'import json, sys; print(json.dumps(json.loads(sys.argv[1])["records"]))' "$kafka_out")"
kafka_entry="$(printf '{"file": "kafka.jsonl", "bytes": %s, "sha256": "%s", "records": %s}' \
    "$(stat -c %s "$partial/kafka.jsonl")" "$(sha256sum "$partial/kafka.jsonl" | cut -d' ' -f1)" \
    "$kafka_records")"

commit="$(git -C "$REPO" rev-parse HEAD 2>/dev/null || echo unknown)"
{
    printf '{\n  "created_at": "%s",\n  "git_commit": "%s",\n  "format": "pg_dump custom",\n' \
        "$stamp" "$commit"
    printf '  "databases": [\n'
    (IFS=$'\n'; printf '%s\n' "${entries[*]}" | sed '$!s/$/,/')
    printf '  ],\n  "kafka": %s\n}\n' "$kafka_entry"
} >"$partial/manifest.json"

mv "$partial" "$target"
trap - EXIT
log "backup written to $target"
