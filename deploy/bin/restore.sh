#!/usr/bin/env bash
# `make restore BACKUP=backups/<ts>`: put a backup of backup.sh back, into the same or an
# empty installation. Each service database is dropped (its connections closed), created
# again and filled with pg_restore; the sha256 of every dump is checked first. The compacted
# Kafka topics are produced again from kafka.jsonl when they are empty (a lost Kafka).
#
# usage: deploy/bin/restore.sh BACKUP_DIR [--yes]
# Targets are the `up` environment's databases unless <SERVICE>_DATABASE_URL is set (as in
# backup.sh); the database name comes from that URL, so a backup can go to other names.
# Without --yes it asks on a terminal and refuses otherwise. Afterwards rebuild the
# replicas (docs/backup.md): python -m newsletter.main rebuild-replica, and the same for surveys
# and events.
set -euo pipefail
# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
load_env up
# shellcheck source=deploy/bin/backup-lib.sh
source "$REPO/deploy/bin/backup-lib.sh"

[[ $# -ge 1 ]] || die "usage: $0 BACKUP_DIR [--yes]   (e.g. make restore BACKUP=backups/<ts>)"
source_dir="${1%/}"
confirmed="${2:-}"
[[ -f "$source_dir/manifest.json" ]] || die "$source_dir/manifest.json not found"

# The manifest's services and files, checked before anything is dropped.
mapfile -t rows < <("$(venv_python)" - "$source_dir/manifest.json" <<'PY'
import json, sys
for db in json.load(open(sys.argv[1]))["databases"]:
    print(db["service"], db["file"], db["sha256"])
PY
)
((${#rows[@]})) || die "the manifest lists no databases"
for row in "${rows[@]}"; do
    read -r service file sha <<<"$row"
    [[ -f "$source_dir/$file" ]] || die "$source_dir/$file is missing"
    [[ "$(sha256sum "$source_dir/$file" | cut -d' ' -f1)" == "$sha" ]] ||
        die "$source_dir/$file does not match its sha256 in the manifest"
done

# The Kafka topics' dump (backups made before it existed have none).
kafka_file="$("$(venv_python)" - "$source_dir/manifest.json" <<'PY'
import json, sys
kafka = json.load(open(sys.argv[1])).get("kafka")
print(f"{kafka['file']} {kafka['sha256']}" if kafka else "")
PY
)"
if [[ -n "$kafka_file" ]]; then
    read -r kafka_name kafka_sha <<<"$kafka_file"
    [[ -f "$source_dir/$kafka_name" ]] || die "$source_dir/$kafka_name is missing"
    [[ "$(sha256sum "$source_dir/$kafka_name" | cut -d' ' -f1)" == "$kafka_sha" ]] ||
        die "$source_dir/$kafka_name does not match its sha256 in the manifest"
fi

# Drop and create again. WITH (FORCE) closes the services' sessions, but PostgreSQL 15 lets no
# role but a superuser end an autovacuum worker, so it fails while one is on the database:
# retried for ten seconds, as the worker is gone within moments.
recreate_database() {
    local admin="$1" db="$2" attempt
    for attempt in $(seq 20); do
        psql -X -q -v ON_ERROR_STOP=1 -d "$admin" \
            -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" \
            -c "CREATE DATABASE \"$db\"" && return 0
        ((attempt < 20)) && sleep 0.5
    done
    return 1
}

targets=()
for row in "${rows[@]}"; do
    read -r service _ _ <<<"$row"
    targets+=("$(db_name "$(service_db_url "$service")")")
done
if [[ "$confirmed" != --yes ]]; then
    [[ -t 0 ]] || die "this replaces databases ${targets[*]}: add --yes"
    read -r -p "This deletes and replaces the databases ${targets[*]}. Type yes: " answer
    [[ "$answer" == yes ]] || die "not restored"
fi

for row in "${rows[@]}"; do
    read -r service file _ <<<"$row"
    url="$(service_db_url "$service")"
    db="$(db_name "$url")"
    admin="$(maintenance_url "$url")"
    log "restoring $service into database $db"
    recreate_database "$admin" "$db" ||
        die "could not recreate $db (is PostgreSQL running? deploy/bin/postgres.sh up start)"
    pg_restore --no-owner --no-privileges --exit-on-error --dbname="$url" "$source_dir/$file" ||
        die "pg_restore of $file into $db failed"
done
if [[ -n "$kafka_file" ]]; then
    # Into an empty Kafka (lost or new installation) the topics are produced again, before the
    # services start; a Kafka that still holds them is left alone.
    kafka="${KAFKA_BOOTSTRAP_SERVERS:-127.0.0.1:$KAFKA_PORT}"
    log "restoring the compacted Kafka topics into $kafka (only if they are empty)"
    (cd "$REPO" && KAFKA_BOOTSTRAP_SERVERS="$kafka" "$(venv_python)" -m shared.kafka_backup \
        restore --skip-if-not-empty "$(cd "$source_dir" && pwd)/$kafka_name") ||
        die "restoring the Kafka topics failed (is Kafka running? deploy/bin/infra.sh up start)"
fi
log "restored from $source_dir; now rebuild the replicas (docs/backup.md)"
