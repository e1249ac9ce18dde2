#!/usr/bin/env bash
# Real-time push benchmark (not a test): webhook → operator WebSocket latency p50/p99 and AWS calls per pushed event
# per connected operator, on the local stack. Usage: infra/bench-realtime.sh [updates=300] [operators=3] [chats=30] [rate=20]
# Builds bench and what it needs from this checkout (a reactor build; nothing is installed into ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
mvn -B -q -pl bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.tgdesk.bench.RealtimeBench "$@"
