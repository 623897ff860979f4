#!/usr/bin/env bash
# The CPU (in clock ticks, 1/100 s) one test broker spends to start, to create the topics of
# three test workers, and to idle 30 s, under the JVM options given as $1 (bench/jvm-tiers.md).
#   bench/jvm_tiers_kafka.sh "-XX:+UseG1GC -XX:MaxGCPauseMillis=20"
#   bench/jvm_tiers_kafka.sh "-XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:TieredStopAtLevel=1"
# Needs the Kafka jars `make up`/`make test` installed; ports 29592/29593, state in /tmp.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
FLAGS="${1:-}"
LIBS="/var/cache/digituki/kafka-${KAFKA_VERSION:-4.4.0}/libs"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cat >"$WORK/server.properties" <<P
process.roles=broker,controller
node.id=1
listeners=PLAINTEXT://127.0.0.1:29592,CONTROLLER://127.0.0.1:29593
advertised.listeners=PLAINTEXT://127.0.0.1:29592,CONTROLLER://127.0.0.1:29593
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.bootstrap.servers=127.0.0.1:29593
log.dirs=$WORK/data
auto.create.topics.enable=false
num.partitions=6
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
P
LOG4J="-Dlog4j2.configurationFile=$REPO/deploy/kafka/log4j2.properties"
java -Xmx256m -cp "$LIBS/*" "$LOG4J" kafka.tools.StorageTool format \
    -t AAAAAAAAAAAAAAAAAAAAAA -c "$WORK/server.properties" --standalone >/dev/null
# shellcheck disable=SC2086 # JVM options, split on purpose
java -Xms256m -Xmx768m $FLAGS -Djava.awt.headless=true "$LOG4J" -cp "$LIBS/*" kafka.Kafka \
    "$WORK/server.properties" >"$WORK/kafka.log" 2>&1 &
pid=$!
cpu() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
cd "$REPO"
.venv/bin/python deploy/bin/kafka_ready.py 127.0.0.1:29592 90 --pid "$pid" >/dev/null
echo "ready  cpu=$(cpu)"
.venv/bin/python -c "
import asyncio
from shared.kafka import ensure_topics
async def main():
    for prefix in ('a_', 'b_', 'c_'):
        await ensure_topics('127.0.0.1:29592', prefix)
asyncio.run(main())"
echo "topics cpu=$(cpu)"
sleep 30
echo "idle30 cpu=$(cpu)"
kill "$pid"
wait "$pid" 2>/dev/null || true
