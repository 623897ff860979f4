#!/usr/bin/env bash
# Single-node Kafka (KRaft, broker+controller in one JVM) from Maven Central jars.
#
# usage: deploy/bin/kafka.sh up|test install|start|stop|status|fresh-start
#   install      copy kafka_2.13 and its runtime jars into $CACHE_DIR/kafka-$KAFKA_VERSION/libs
#   start        write $STATE_DIR/kafka/server.properties, format storage once, start, wait
#                until a metadata request is answered (no-op when already running)
#   stop         stop the broker (harmless when it is not running)
#   status       print running/not running (exit 3 when not running)
#   fresh-start  stop, delete $STATE_DIR/kafka (all topics and offsets), start
set -euo pipefail

# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -eq 2 ]] || die "usage: $0 up|test install|start|stop|status|fresh-start"
load_env "$1"
action="$2"

KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
# The stamp holds a hash of the pom: a changed pom (new version, other binding) re-copies.
STAMP="$KAFKA_HOME/.libs-complete"
POM="$REPO/deploy/kafka/pom.xml"
# mvn may leave a target/ folder beside the pom; nothing in it is needed.
POM_TARGET="$REPO/deploy/kafka/target"
KAFKA_STATE="$STATE_DIR/kafka"
PROPS="$KAFKA_STATE/server.properties"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

stamp_value() { printf '%s %s\n' "$KAFKA_VERSION" "$(sha256sum "$POM" | cut -d' ' -f1)"; }

ensure_java_maven() {
    local missing=()
    command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
    command -v mvn >/dev/null || missing+=(maven)
    if ((${#missing[@]})); then apt_install "${missing[@]}"; fi
}

install() {
    if [[ -f "$STAMP" && "$(<"$STAMP")" == "$(stamp_value)" ]]; then
        return 0
    fi
    ensure_java_maven
    log "copying Kafka $KAFKA_VERSION jars from Maven into $LIBS"
    mkdir -p "$KAFKA_HOME"
    # Copy into a fresh folder and swap it in, so an interrupted run never looks complete
    # and jars of an older version or binding do not linger on the classpath.
    local tmp="$KAFKA_HOME/libs.tmp"
    rm -rf "$tmp"
    mvn -B -q -Dstyle.color=never -f "$POM" package \
        -Dkafka.version="$KAFKA_VERSION" -Dkafka.libs="$tmp" \
        || die "mvn could not copy the Kafka jars (see the output above)"
    ls "$tmp"/kafka_2.13-"$KAFKA_VERSION".jar >/dev/null \
        || die "kafka_2.13-$KAFKA_VERSION.jar missing after the copy"
    rm -rf "$LIBS" "$POM_TARGET"
    mv "$tmp" "$LIBS"
    stamp_value >"$STAMP"
    log "Kafka jars ready: $(find "$LIBS" -name '*.jar' | wc -l) jars"
}

java_tool() {
    java -Xmx256m -cp "$LIBS/*" -Dlog4j2.configurationFile="$REPO/deploy/kafka/log4j2.properties" \
        kafka.tools.StorageTool "$@"
}

write_props() {
    mkdir -p "$KAFKA_STATE/data"
    cat >"$PROPS" <<EOF
# Written by deploy/bin/kafka.sh on every start: edit the script, not this file.
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
# --standalone formatting needs the bootstrap form, not controller.quorum.voters.
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
log.dirs=$KAFKA_STATE/data
# Topics are created on purpose (with their partitions and compaction), never by accident.
auto.create.topics.enable=false
num.partitions=6
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.min.isr=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# Tests start consumers often: do not wait 3 s for more members before the first assignment.
group.initial.rebalance.delay.ms=0
EOF
}

format_storage() {
    local id_file="$KAFKA_STATE/cluster.id" cluster_id
    if [[ ! -s "$id_file" ]]; then
        java_tool random-uuid | tail -n1 >"$id_file"
    fi
    cluster_id="$(<"$id_file")"
    # --ignore-formatted: a second start on the same data folder keeps its data.
    java_tool format -t "$cluster_id" -c "$PROPS" --standalone --ignore-formatted \
        >>"$STATE_DIR/logs/kafka-format.log" 2>&1 \
        || die "kafka storage format failed (see $STATE_DIR/logs/kafka-format.log)"
}

start() {
    if is_running kafka; then
        log "kafka already running (pid $(<"$STATE_DIR/pids/kafka.pid")) on $BOOTSTRAP"
        return 0
    fi
    require_free_port "$KAFKA_PORT" "Kafka ($DIGITUKI_ENV broker)"
    require_free_port "$KAFKA_CONTROLLER_PORT" "Kafka ($DIGITUKI_ENV controller)"
    install
    local py
    py="$(venv_python)"
    write_props
    format_storage
    log "starting kafka on $BOOTSTRAP"
    # Server-class JVM options as in Kafka's own kafka-server-start.sh, smaller heap.
    start_bg kafka java -Xms256m -Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$REPO/deploy/kafka/log4j2.properties" \
        -cp "$LIBS/*" kafka.Kafka "$PROPS"
    # Ready = the broker answers a metadata request (not merely an open port).
    if ! "$py" "$REPO/deploy/bin/kafka_ready.py" "$BOOTSTRAP" 90 \
        --pid "$(<"$STATE_DIR/pids/kafka.pid")"; then
        tail -n 30 "$STATE_DIR/logs/kafka.log" >&2 || true
        stop_bg kafka
        die "kafka did not become ready (log: $STATE_DIR/logs/kafka.log)"
    fi
    log "kafka ready on $BOOTSTRAP"
}

stop() {
    if is_running kafka; then
        log "stopping kafka"
    fi
    stop_bg kafka
}

status() {
    if is_running kafka; then
        echo "kafka: running (pid $(<"$STATE_DIR/pids/kafka.pid")) on $BOOTSTRAP"
    else
        echo "kafka: not running"
        return 3
    fi
}

case "$action" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    fresh-start)
        stop
        rm -rf "$KAFKA_STATE"
        start
        ;;
    *) die "unknown action '$action' (install|start|stop|status|fresh-start)" ;;
esac
