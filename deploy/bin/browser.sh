#!/usr/bin/env bash
# What the browser tests need: headless Chromium from Debian and axe-core from npm.
#
# usage: deploy/bin/browser.sh install   apt-get chromium + chromium-driver when missing, and
#                                        npm axe-core@4 into $CACHE_DIR/npm (idempotent)
#        deploy/bin/browser.sh axe-path  print the path of axe.min.js
#        deploy/bin/browser.sh status    say what is present; exit 3 when something is missing
set -euo pipefail

# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

CACHE_DIR="${CACHE_DIR:-/var/cache/digituki}"
NPM_DIR="$CACHE_DIR/npm"
AXE_JS="$NPM_DIR/node_modules/axe-core/axe.min.js"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

install() {
    local missing=()
    [[ -x "$CHROMIUM" ]] || missing+=(chromium)
    command -v chromedriver >/dev/null || missing+=(chromium-driver)
    command -v npm >/dev/null || missing+=(npm)
    if ((${#missing[@]})); then
        apt_install "${missing[@]}" || die "apt-get install ${missing[*]} failed"
    fi
    if [[ ! -s "$AXE_JS" ]]; then
        mkdir -p "$NPM_DIR"
        log "installing axe-core@4 into $NPM_DIR"
        npm install --prefix "$NPM_DIR" --no-audit --no-fund --loglevel=error axe-core@4 \
            || die "npm install axe-core@4 failed"
    fi
    [[ -s "$AXE_JS" ]] || die "axe-core installed but $AXE_JS is missing"
}

status() {
    local rc=0
    if [[ -x "$CHROMIUM" ]]; then
        echo "chromium: $("$CHROMIUM" --version 2>/dev/null || echo present)"
    else
        echo "chromium: missing ($CHROMIUM)"
        rc=3
    fi
    if [[ -s "$AXE_JS" ]]; then
        echo "axe-core: $AXE_JS"
    else
        echo "axe-core: missing ($AXE_JS)"
        rc=3
    fi
    return "$rc"
}

case "${1:-}" in
    install) install ;;
    axe-path) echo "$AXE_JS" ;;
    status) status ;;
    *) die "usage: $0 install|axe-path|status" ;;
esac
