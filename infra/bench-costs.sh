#!/usr/bin/env bash
# AWS calls and DynamoDB units per operation (not a test): inbound message, photo, operator reply, note, inbox and
# history pages, assignment, close, auto-close, WebSocket pushes per connected operator — the whole stack on the local
# emulators, each function with its own counting SDK clients. Prints Markdown tables (figures: docs/performance.md).
# Usage: infra/bench-costs.sh [operators=3] [reps=5] [clients=40] [extra=5] [askCapacity=true]
# Builds bench and what it needs from this checkout (a reactor build; nothing is installed into ~/.m2).
# Needs what the tests need: python3 with moto[server] (or AWS_ENDPOINT_URL / Docker for LocalStack).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
mvn -B -q -pl bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.tgdesk.bench.OperationCostBench "$@"
