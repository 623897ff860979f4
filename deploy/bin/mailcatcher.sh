#!/usr/bin/env bash
# Development mail catcher (deploy/mailcatcher/catcher.py): SMTP on
# 127.0.0.1:$MAILCATCHER_SMTP_PORT, web page and JSON API on
# http://127.0.0.1:$MAILCATCHER_HTTP_PORT/, mails in $STATE_DIR/mail/.
#
# usage: deploy/bin/mailcatcher.sh up|test start|stop|status
set -euo pipefail

# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 2 ]] || die "usage: $0 up|test start|stop|status"
load_env "$1"

API="http://127.0.0.1:$MAILCATCHER_HTTP_PORT/api/messages"
WHERE="smtp 127.0.0.1:$MAILCATCHER_SMTP_PORT, web http://127.0.0.1:$MAILCATCHER_HTTP_PORT/"

case "$2" in
    start)
        if is_running mailcatcher; then
            log "mailcatcher already running (pid $(<"$STATE_DIR/pids/mailcatcher.pid"))"
            exit 0
        fi
        require_free_port "$MAILCATCHER_SMTP_PORT" "the mail catcher's SMTP ($DIGITUKI_ENV)"
        require_free_port "$MAILCATCHER_HTTP_PORT" "the mail catcher's web page ($DIGITUKI_ENV)"
        py="$(venv_python)"
        mkdir -p "$STATE_DIR/mail"
        # -u: unbuffered, so the log shows each stored mail at once.
        start_bg mailcatcher "$py" -u "$REPO/deploy/mailcatcher/catcher.py" "$STATE_DIR/mail" \
            --smtp-port "$MAILCATCHER_SMTP_PORT" --http-port "$MAILCATCHER_HTTP_PORT"
        wait_http "$API" 30 "mail catcher" mailcatcher
        wait_tcp "$MAILCATCHER_SMTP_PORT" 10 "mail catcher SMTP" mailcatcher
        log "mailcatcher ready: $WHERE"
        ;;
    stop)
        if is_running mailcatcher; then log "stopping mailcatcher"; fi
        stop_bg mailcatcher
        ;;
    status)
        if is_running mailcatcher; then
            echo "mailcatcher: running (pid $(<"$STATE_DIR/pids/mailcatcher.pid")) $WHERE"
        else
            echo "mailcatcher: not running"
            exit 3
        fi
        ;;
    *) die "unknown action '$2' (start|stop|status)" ;;
esac
