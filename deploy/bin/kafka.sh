#!/usr/bin/env bash
# Kafka (KRaft) from Maven Central jars: one node by default (broker+controller in one JVM),
# or with KAFKA_NODES=3 a cluster of three such nodes on this machine (a controller quorum
# of three, replication factor 3, min.insync.replicas 2). Node I listens on KAFKA_PORT and
# KAFKA_CONTROLLER_PORT plus 100*(I-1).
#
# usage: deploy/bin/kafka.sh up|test install|start|stop|status|fresh-start
#   install      copy kafka_2.13 and its runtime jars into $CACHE_DIR/kafka-$KAFKA_VERSION/libs
#   start        write each node's server.properties, format its storage once, start the
#                nodes that do not run, wait until each answers a metadata request
#   stop         stop every node (harmless when none runs)
#   status       one line per node (exit 3 when one is not running)
#   fresh-start  stop, delete the nodes' state (all topics and offsets), start
#   stop-node I / start-node I   one node of a cluster (tests kill and restart one)
set -euo pipefail

# shellcheck source=deploy/bin/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[[ $# -ge 2 ]] || die "usage: $0 up|test install|start|stop|status|fresh-start|stop-node I|start-node I"
load_env "$1"
action="$2"

KAFKA_HOME="$CACHE_DIR/kafka-$KAFKA_VERSION"
LIBS="$KAFKA_HOME/libs"
# The stamp holds a hash of the pom: a changed pom (new version, other binding) re-copies.
STAMP="$KAFKA_HOME/.libs-complete"
POM="$REPO/deploy/kafka/pom.xml"
# mvn may leave a target/ folder beside the pom; nothing in it is needed.
POM_TARGET="$REPO/deploy/kafka/target"
NODES="${KAFKA_NODES:-1}"
[[ "$NODES" == 1 || "$NODES" == 3 ]] || die "KAFKA_NODES must be 1 or 3 (not $NODES)"
# The single node keeps the layout of earlier versions; a cluster has its own folders (a node
# formatted alone cannot join a quorum of three).
if [[ "$NODES" == 1 ]]; then KAFKA_STATE="$STATE_DIR/kafka"; else KAFKA_STATE="$STATE_DIR/kafka-cluster"; fi
BOOTSTRAP="$(kafka_bootstrap)"
# Replication: 3 copies, a write needs 2 (acks=all) in a cluster; 1 and 1 on a single node.
if [[ "$NODES" == 1 ]]; then RF=1 MIN_ISR=1; else RF=3 MIN_ISR=2; fi

node_state() { if [[ "$NODES" == 1 ]]; then echo "$KAFKA_STATE"; else echo "$KAFKA_STATE/node-$1"; fi; }
node_props() { echo "$(node_state "$1")/server.properties"; }

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
    # shellcheck disable=SC2086 # KAFKA_JVM_EXTRA: JVM options, split on purpose
    java -Xmx256m ${KAFKA_JVM_EXTRA:-} -cp "$LIBS/*" \
        -Dlog4j2.configurationFile="$REPO/deploy/kafka/log4j2.properties" \
        kafka.tools.StorageTool "$@"
}

write_props() {
    local i="$1" port cport state voters quorum n
    port="$(kafka_node_port "$i")"
    cport="$(kafka_node_controller_port "$i")"
    state="$(node_state "$i")"
    mkdir -p "$state/data"
    if [[ "$NODES" == 1 ]]; then
        # --standalone formatting needs the bootstrap form, not controller.quorum.voters.
        quorum="controller.quorum.bootstrap.servers=127.0.0.1:$cport"
    else
        voters=""
        for n in $(kafka_nodes); do voters+="${voters:+,}$n@127.0.0.1:$(kafka_node_controller_port "$n")"; done
        # A static quorum of three voters: any two elect a leader, so one node may die.
        quorum="controller.quorum.voters=$voters"
    fi
    cat >"$(node_props "$i")" <<EOF
# Written by deploy/bin/kafka.sh on every start: edit the script, not this file.
process.roles=broker,controller
node.id=$i
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$cport
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
$quorum
log.dirs=$state/data
# Topics are created on purpose (with their partitions and compaction), never by accident.
auto.create.topics.enable=false
num.partitions=6
default.replication.factor=$RF
min.insync.replicas=$MIN_ISR
offsets.topic.replication.factor=$RF
offsets.topic.min.isr=$MIN_ISR
transaction.state.log.replication.factor=$RF
transaction.state.log.min.isr=$MIN_ISR
share.coordinator.state.topic.replication.factor=$RF
share.coordinator.state.topic.min.isr=$MIN_ISR
# A leader lost with a node comes back to its preferred replica when the node does.
auto.leader.rebalance.enable=true
# Tests start consumers often: do not wait 3 s for more members before the first assignment.
group.initial.rebalance.delay.ms=0
EOF
}

ensure_cluster_id() {
    local id_file="$KAFKA_STATE/cluster.id"
    mkdir -p "$KAFKA_STATE"
    if [[ ! -s "$id_file" ]]; then
        # What `kafka-storage random-uuid` prints (16 random bytes, base64url, no padding,
        # not starting with "-"), without starting a JVM for it.
        "$(venv_python)" -c 'import base64, uuid
while (i := base64.urlsafe_b64encode(uuid.uuid4().bytes).rstrip(b"=").decode())[0] == "-": pass
print(i)' >"$id_file"
    fi
}

format_storage() {
    local i="$1" mode=()
    # Formatted once; a later start keeps the data (and saves a JVM start).
    [[ -f "$(node_state "$i")/data/meta.properties" ]] && return 0
    ensure_cluster_id
    if [[ "$NODES" == 1 ]]; then mode=(--standalone); fi
    java_tool format -t "$(<"$KAFKA_STATE/cluster.id")" -c "$(node_props "$i")" "${mode[@]}" \
        --ignore-formatted >>"$STATE_DIR/logs/kafka-format.log" 2>&1 \
        || die "kafka storage format failed (see $STATE_DIR/logs/kafka-format.log)"
}

# Start node I unless it runs; does not wait (a cluster answers only once a quorum is up).
start_node() {
    local i="$1" name port
    name="$(kafka_node_name "$i")"
    port="$(kafka_node_port "$i")"
    if is_running "$name"; then
        log "$name already running (pid $(<"$STATE_DIR/pids/$name.pid")) on 127.0.0.1:$port"
        return 0
    fi
    require_free_port "$port" "Kafka ($DIGITUKI_ENV broker $i)"
    require_free_port "$(kafka_node_controller_port "$i")" "Kafka ($DIGITUKI_ENV controller $i)"
    write_props "$i"
    format_storage "$i"
    log "starting $name on 127.0.0.1:$port"
    # Server-class JVM options as in Kafka's own kafka-server-start.sh, smaller heap;
    # KAFKA_JVM_EXTRA from the environment's file (deploy/env/test.env says why).
    # shellcheck disable=SC2086 # JVM options, split on purpose
    start_bg "$name" java -Xms256m -Xmx768m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
        ${KAFKA_JVM_EXTRA:-} -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$REPO/deploy/kafka/log4j2.properties" \
        -cp "$LIBS/*" kafka.Kafka "$(node_props "$i")"
}

# Ready = the node answers a metadata request (not merely an open port).
wait_node() {
    local i="$1" name py
    name="$(kafka_node_name "$i")"
    py="$(venv_python)"
    if ! "$py" "$REPO/deploy/bin/kafka_ready.py" "127.0.0.1:$(kafka_node_port "$i")" 90 \
        --pid "$(<"$STATE_DIR/pids/$name.pid")"; then
        tail -n 30 "$STATE_DIR/logs/$name.log" >&2 || true
        stop_bg "$name"
        die "$name did not become ready (log: $STATE_DIR/logs/$name.log)"
    fi
}

start() {
    local i
    install
    venv_python >/dev/null
    # Formatting is a JVM start per node: the nodes' in parallel.
    local pids=()
    ensure_cluster_id
    for i in $(kafka_nodes); do
        if ! is_running "$(kafka_node_name "$i")"; then
            (write_props "$i" && format_storage "$i") &
            pids+=($!)
        fi
    done
    for i in "${pids[@]}"; do wait "$i" || die "formatting a Kafka node failed"; done
    for i in $(kafka_nodes); do start_node "$i"; done
    for i in $(kafka_nodes); do wait_node "$i"; done
    log "kafka ready on $BOOTSTRAP ($NODES node(s), replication factor $RF, min ISR $MIN_ISR)"
}

stop() {
    local pf name
    # Every node this environment may run (also those of another KAFKA_NODES than now).
    for pf in "$STATE_DIR"/pids/kafka.pid "$STATE_DIR"/pids/kafka-[0-9]*.pid; do
        [[ -e "$pf" ]] || continue
        name="$(basename "$pf" .pid)"
        if is_running "$name"; then log "stopping $name"; fi
        stop_bg "$name"
    done
}

status() {
    local i name rc=0
    for i in $(kafka_nodes); do
        name="$(kafka_node_name "$i")"
        if is_running "$name"; then
            echo "$name: running (pid $(<"$STATE_DIR/pids/$name.pid")) on 127.0.0.1:$(kafka_node_port "$i")"
        else
            echo "$name: not running"
            rc=3
        fi
    done
    return "$rc"
}

case "$action" in
    install) install ;;
    start) start ;;
    stop) stop ;;
    status) status ;;
    fresh-start)
        stop
        rm -rf "$STATE_DIR/kafka" "$STATE_DIR/kafka-cluster"
        start
        ;;
    stop-node) stop_bg "$(kafka_node_name "${3:?node number}")" ;;
    start-node)
        start_node "${3:?node number}"
        wait_node "$3"
        ;;
    *) die "unknown action '$action' (install|start|stop|status|fresh-start|stop-node|start-node)" ;;
esac
