#!/usr/bin/env bash
# Postfix's smtp-sink (a fast SMTP server that accepts and discards mail) and smtp-source
# (a fast SMTP client) for sending benchmarks, run from the unpacked Debian package without
# installing postfix itself (no MTA, no system service, nothing on port 25).
#
# usage: deploy/bin/smtp-sink.sh up|test install|start|stop|status|path-source
#   install      apt-get download postfix into $CACHE_DIR and unpack it to $CACHE_DIR/postfix
#   start        smtp-sink on 127.0.0.1:$SMTP_SINK_PORT (log: $STATE_DIR/logs/smtp-sink.log)
#   stop         stop it (harmless when not running)
#   path-source  print the path of an smtp-source wrapper that runs as is, e.g.
#                "$(deploy/bin/smtp-sink.sh up path-source)" -s 16 -m 10000 127.0.0.1:2525
set -euo pipefail

# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 2 ]] || die "usage: $0 up|test install|start|stop|status|path-source"
load_env "$1"

PF_DIR="$CACHE_DIR/postfix"
PF_LIBS="$PF_DIR/usr/lib/postfix"
SINK="$PF_DIR/usr/sbin/smtp-sink"
# Wrappers that set LD_LIBRARY_PATH: the binaries need Postfix's private shared libraries.
WRAP_DIR="$PF_DIR/bin"

install() {
    if [[ -x "$SINK" && -x "$WRAP_DIR/smtp-source" && -x "$WRAP_DIR/smtp-sink" ]]; then
        return 0
    fi
    log "fetching the postfix package for smtp-sink / smtp-source"
    mkdir -p "$CACHE_DIR/debs"
    rm -f "$CACHE_DIR"/debs/postfix_*.deb
    # apt-get download writes into the current folder. The package lists may be missing on
    # a fresh machine: update only then.
    # APT::Sandbox::User=root: the _apt user may not write to this folder.
    local get=(apt-get download -q -o APT::Sandbox::User=root postfix)
    if ! (cd "$CACHE_DIR/debs" && "${get[@]}"); then
        apt-get update -q
        (cd "$CACHE_DIR/debs" && "${get[@]}")
    fi
    local deb tmp="$PF_DIR.tmp"
    deb="$(find "$CACHE_DIR/debs" -maxdepth 1 -name 'postfix_*.deb' | head -n1)"
    [[ -n "$deb" ]] || die "apt-get download postfix left no .deb in $CACHE_DIR/debs"
    rm -rf "$tmp"
    dpkg-deb -x "$deb" "$tmp"
    mkdir -p "$tmp/bin"
    local tool
    for tool in smtp-sink smtp-source; do
        cat >"$tmp/bin/$tool" <<WRAP
#!/bin/sh
# Runs Postfix's $tool from the unpacked package (written by deploy/bin/smtp-sink.sh).
LD_LIBRARY_PATH="$PF_LIBS\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" \\
    exec "$PF_DIR/usr/sbin/$tool" "\$@"
WRAP
        chmod 755 "$tmp/bin/$tool"
    done
    rm -rf "$PF_DIR"
    mv "$tmp" "$PF_DIR"
    # Check that it links and runs (catches a missing system library early): an unknown
    # option makes it print its usage line.
    local out
    out="$("$WRAP_DIR/smtp-source" -Z 2>&1 || true)"
    [[ "$out" == *usage* ]] || die "smtp-source from $PF_DIR does not run: $out"
}

case "$2" in
    install) install ;;
    start)
        if is_running smtp-sink; then
            log "smtp-sink already running (pid $(<"$STATE_DIR/pids/smtp-sink.pid"))"
            exit 0
        fi
        require_free_port "$SMTP_SINK_PORT" "smtp-sink ($DIGITUKI_ENV)"
        install
        # -u nobody: required as root, drops privileges after binding. -c: running counters
        # (sessions, mails) in the log. -4: IPv4 only. -m: up to 1024 sessions at once, and a
        # listen backlog of 1024 (last argument) so benchmarks with many clients are not refused.
        start_bg smtp-sink "$WRAP_DIR/smtp-sink" -u nobody -c -4 -m 1024 \
            "127.0.0.1:$SMTP_SINK_PORT" 1024
        wait_tcp "$SMTP_SINK_PORT" 10 "smtp-sink" smtp-sink
        log "smtp-sink ready on 127.0.0.1:$SMTP_SINK_PORT"
        ;;
    stop)
        if is_running smtp-sink; then log "stopping smtp-sink"; fi
        stop_bg smtp-sink
        ;;
    status)
        if is_running smtp-sink; then
            echo "smtp-sink: running (pid $(<"$STATE_DIR/pids/smtp-sink.pid"))" \
                "on 127.0.0.1:$SMTP_SINK_PORT"
        else
            echo "smtp-sink: not running"
            exit 3
        fi
        ;;
    path-source)
        install >&2
        printf '%s\n' "$WRAP_DIR/smtp-source"
        ;;
    *) die "unknown action '$2' (install|start|stop|status|path-source)" ;;
esac
