# shellcheck shell=bash
# Exports the environment every service process reads, from a loaded deploy/env/*.env.
# Sourced after load_env; the names are the ones the pydantic settings read.
export KAFKA_BOOTSTRAP_SERVERS="$(kafka_bootstrap)"  # every node of KAFKA_NODES
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:${PROXY_PORT}}"
export CONTACTS_DATABASE_URL="postgresql+asyncpg://digituki:digituki@127.0.0.1:${PG_PORT}/${DB_PREFIX}contacts${DB_SUFFIX}"
export NEWSLETTER_DATABASE_URL="postgresql+asyncpg://digituki:digituki@127.0.0.1:${PG_PORT}/${DB_PREFIX}newsletter${DB_SUFFIX}"
export SURVEYS_DATABASE_URL="postgresql+asyncpg://digituki:digituki@127.0.0.1:${PG_PORT}/${DB_PREFIX}surveys${DB_SUFFIX}"
export EVENTS_DATABASE_URL="postgresql+asyncpg://digituki:digituki@127.0.0.1:${PG_PORT}/${DB_PREFIX}events${DB_SUFFIX}"
export CONTACTS_WEB_PORT NEWSLETTER_WEB_PORT SURVEYS_WEB_PORT EVENTS_WEB_PORT
export MAILCATCHER_URL="http://127.0.0.1:${MAILCATCHER_HTTP_PORT}"
export SMTP_HOST=127.0.0.1 SMTP_PORT="${MAILCATCHER_SMTP_PORT}" MAILCATCHER_SMTP_PORT
