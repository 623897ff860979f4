#!/usr/bin/env bash
# A real OpenID Connect provider for the staff sign-in tests (tests/integration/
# test_staff_oidc_keycloak.py): Keycloak's server distribution from Maven Central, in dev
# mode with an in-memory database and the realm of deploy/keycloak/realm-digituki-test.json.
# Not for production: there the organisation's own provider is used (docs/sign-in.md).
#
# usage: deploy/bin/keycloak.sh up|test install|start|stop|status|issuer
#   install  unpack org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION into
#            $CACHE_DIR/keycloak-$KEYCLOAK_VERSION (needs Java 17+ and Maven; idempotent)
#   start    a fresh server home under $STATE_DIR/keycloak (the unpacked jars are shared,
#            read-only), import the realm, start on 127.0.0.1:$KEYCLOAK_PORT, wait until the
#            realm's discovery document answers (no-op when already running)
#   stop     stop it (harmless when it is not running)
#   issuer   print the realm's issuer URL
set -euo pipefail

# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 2 ]] || die "usage: $0 up|test install|start|stop|status|issuer"
load_env "$1"
action="$2"

KC_CACHE="$CACHE_DIR/keycloak-$KEYCLOAK_VERSION"
DIST="$KC_CACHE/keycloak-$KEYCLOAK_VERSION"
POM="$REPO/deploy/keycloak/pom.xml"
STAMP="$KC_CACHE/.complete"
REALM_FILE="$REPO/deploy/keycloak/realm-digituki-test.json"
KC_HOME="$STATE_DIR/keycloak"
ISSUER="http://127.0.0.1:$KEYCLOAK_PORT/realms/digituki-test"
# Build-time options: changing them makes Keycloak re-build itself (about a minute).
BUILD_OPTS=(--db=dev-mem)
# The build Keycloak does at its first start, kept so later starts skip it.
BUILT="$KC_CACHE/quarkus-$(printf '%s' "${BUILD_OPTS[*]}" | sha256sum | cut -c1-12)"

ensure_java_maven() {
    local missing=() major
    command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
    command -v mvn >/dev/null || missing+=(maven)
    if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
    # `openjdk version "17.0.15"` -> 17 (Java 8 said "1.8.0": major 1).
    major="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n1)"
    ((${major:-0} >= 17)) || die "Keycloak $KEYCLOAK_VERSION needs Java 17 or newer (found: ${major:-none})"
}

install() {
    if [[ -f "$STAMP" && "$(<"$STAMP")" == "$KEYCLOAK_VERSION" ]]; then
        return 0
    fi
    ensure_java_maven
    log "unpacking Keycloak $KEYCLOAK_VERSION from Maven Central into $KC_CACHE"
    mkdir -p "$KC_CACHE"
    # Unpack into a fresh folder and swap it in: an interrupted run never looks complete.
    local tmp="$KC_CACHE/unpack.tmp.$$"
    rm -rf "$tmp"
    mvn -B -q -Dstyle.color=never -f "$POM" package \
        -Dkeycloak.version="$KEYCLOAK_VERSION" -Dkeycloak.dir="$tmp" \
        || die "mvn could not fetch org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION"
    [[ -f "$tmp/keycloak-$KEYCLOAK_VERSION/lib/quarkus-run.jar" ]] \
        || die "keycloak-$KEYCLOAK_VERSION/lib/quarkus-run.jar missing after unpacking"
    rm -rf "$DIST" "$REPO/deploy/keycloak/target"
    mv "$tmp/keycloak-$KEYCLOAK_VERSION" "$DIST"
    rm -rf "$tmp"
    echo "$KEYCLOAK_VERSION" >"$STAMP"
    log "Keycloak $KEYCLOAK_VERSION ready in $DIST"
}

# A server home of this environment: its own conf, data and build, the jars shared.
make_home() {
    rm -rf "$KC_HOME"
    mkdir -p "$KC_HOME/lib" "$KC_HOME/data/import"
    cp -r "$DIST/bin" "$DIST/conf" "$DIST/themes" "$DIST/providers" "$KC_HOME/"
    cp -r "$DIST/lib/app" "$DIST/lib/quarkus-run.jar" "$KC_HOME/lib/"
    ln -s "$DIST/lib/lib" "$KC_HOME/lib/lib"
    if [[ -d "$BUILT" ]]; then
        cp -r "$BUILT" "$KC_HOME/lib/quarkus"
    else
        cp -r "$DIST/lib/quarkus" "$KC_HOME/lib/quarkus"
    fi
    cp "$REALM_FILE" "$KC_HOME/data/import/"
}

keep_build() {
    [[ -d "$BUILT" ]] && return 0
    local tmp="$BUILT.tmp.$$"
    cp -r "$KC_HOME/lib/quarkus" "$tmp" && mv -T "$tmp" "$BUILT" 2>/dev/null || rm -rf "$tmp"
}

start() {
    if is_running keycloak; then
        # Started by another test worker a moment ago: it may still be importing the realm
        # (minutes on a loaded machine), so wait for it exactly as its starter does.
        log "keycloak already running (pid $(<"$STATE_DIR/pids/keycloak.pid")) at $ISSUER"
        wait_http "$ISSUER/.well-known/openid-configuration" 600 "keycloak" keycloak
        return 0
    fi
    require_free_port "$KEYCLOAK_PORT" "Keycloak ($DIGITUKI_ENV)"
    install
    make_home
    log "starting keycloak $KEYCLOAK_VERSION on 127.0.0.1:$KEYCLOAK_PORT"
    # A small heap: the machine is shared with PostgreSQL, Kafka and the services.
    # KEYCLOAK_JVM_EXTRA: extra JVM options of the environment (deploy/env/test.env).
    JAVA_OPTS_KC_HEAP="-Xms64m -Xmx512m" JAVA_OPTS_APPEND="${KEYCLOAK_JVM_EXTRA:-}" \
        start_bg keycloak bash "$KC_HOME/bin/kc.sh" \
        start-dev "${BUILD_OPTS[@]}" --http-host=127.0.0.1 --http-port="$KEYCLOAK_PORT" \
        --import-realm
    wait_http "$ISSUER/.well-known/openid-configuration" 600 "keycloak" keycloak
    keep_build
    log "keycloak ready: issuer $ISSUER"
}

status() {
    if is_running keycloak; then
        echo "keycloak: running (pid $(<"$STATE_DIR/pids/keycloak.pid")) at $ISSUER"
    else
        echo "keycloak: not running"
        return 3
    fi
}

case "$action" in
    install) install ;;
    start) start ;;
    stop) stop_bg keycloak ;;
    status) status ;;
    issuer) echo "$ISSUER" ;;
    *) die "unknown action '$action' (install|start|stop|status|issuer)" ;;
esac
