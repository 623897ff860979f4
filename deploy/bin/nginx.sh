#!/usr/bin/env bash
# The local reverse proxy in front of the three web services (contacts, newsletter, surveys, events).
# Our own nginx master, not Debian's system service: config, pid, logs and temp files live
# in $STATE_DIR/nginx, rendered from deploy/nginx/digituki.conf.template.
#
# usage: deploy/bin/nginx.sh up|test install|start|stop|status|reload
set -euo pipefail

# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 2 ]] || die "usage: $0 up|test install|start|stop|status|reload"
load_env "$1"

NGINX_DIR="$STATE_DIR/nginx"
CONF="$NGINX_DIR/nginx.conf"
TEMPLATE="$REPO/deploy/nginx/digituki.conf.template"
# Only these are substituted: nginx's own $variables in the template stay as they are.
# shellcheck disable=SC2016
SUBST_VARS='${PROXY_PORT} ${PROXY_SECRET} ${CONTACTS_UPSTREAM} ${NEWSLETTER_UPSTREAM} ${SURVEYS_UPSTREAM} ${EVENTS_UPSTREAM}'
# The secret nginx shows the web processes (they ignore staff headers without it).
PROXY_SECRET="${PROXY_SECRET:-$(proxy_secret)}"
export PROXY_SECRET
# Locally every web process listens on 127.0.0.1; docker-compose points these at containers.
export CONTACTS_UPSTREAM="127.0.0.1:${CONTACTS_WEB_PORT}"
export NEWSLETTER_UPSTREAM="127.0.0.1:${NEWSLETTER_WEB_PORT}"
export SURVEYS_UPSTREAM="127.0.0.1:${SURVEYS_WEB_PORT}"
export EVENTS_UPSTREAM="127.0.0.1:${EVENTS_WEB_PORT}"

install() {
    local missing=()
    command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
    command -v envsubst >/dev/null || missing+=(gettext-base)
    ((${#missing[@]})) || return 0
    # Keep the package from starting its system service (its default site takes port 80):
    # a policy-rc.d that answers 101 ("action forbidden") for the length of the install.
    local policy=/usr/sbin/policy-rc.d made_policy=""
    if [[ ! -e "$policy" ]]; then
        printf '#!/bin/sh\n# temporary, deploy/bin/nginx.sh\nexit 101\n' >"$policy"
        chmod 755 "$policy"
        made_policy=1
    fi
    local rc=0
    apt_install "${missing[@]}" || rc=$?
    if [[ -n "$made_policy" ]]; then rm -f "$policy"; fi
    ((rc == 0)) || die "apt-get install ${missing[*]} failed"
    # On a machine with systemd, also keep the service from starting at boot.
    if [[ " ${missing[*]} " == *" nginx "* ]] && [[ -d /run/systemd/system ]]; then
        systemctl disable --now nginx.service >/dev/null 2>&1 || true
    fi
}

nginx_bin() { command -v nginx || echo /usr/sbin/nginx; }

render() {
    mkdir -p "$NGINX_DIR"/{logs,temp}
    envsubst "$SUBST_VARS" <"$TEMPLATE" >"$CONF.new"
    # -e: error log of the start-up phase into our log folder, not /var/log/nginx.
    "$(nginx_bin)" -t -q -p "$NGINX_DIR/" -e "$NGINX_DIR/logs/error.log" -c "$CONF.new" \
        || die "nginx rejects the rendered config $CONF.new"
    mv "$CONF.new" "$CONF"
}

case "$2" in
    install) install ;;
    start)
        if is_running nginx; then
            log "nginx already running (pid $(<"$STATE_DIR/pids/nginx.pid"))"
            exit 0
        fi
        require_free_port "$PROXY_PORT" "the nginx proxy ($DIGITUKI_ENV)"
        install
        render
        start_bg nginx "$(nginx_bin)" -p "$NGINX_DIR/" -e "$NGINX_DIR/logs/error.log" \
            -c "$CONF" -g 'daemon off;'
        wait_tcp "$PROXY_PORT" 10 "nginx" nginx
        log "nginx ready on http://127.0.0.1:$PROXY_PORT/"
        ;;
    stop)
        if is_running nginx; then log "stopping nginx"; fi
        stop_bg nginx
        ;;
    status)
        if is_running nginx; then
            echo "nginx: running (pid $(<"$STATE_DIR/pids/nginx.pid")) on 127.0.0.1:$PROXY_PORT"
        else
            echo "nginx: not running"
            exit 3
        fi
        ;;
    reload)
        is_running nginx || die "nginx is not running ($0 $1 start)"
        render
        # SIGHUP: the master re-reads the config and replaces its workers gracefully.
        kill -HUP "$(<"$STATE_DIR/pids/nginx.pid")"
        log "nginx reloaded"
        ;;
    *) die "unknown action '$2' (install|start|stop|status|reload)" ;;
esac
