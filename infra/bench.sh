#!/usr/bin/env bash
# Benchmarks (not tests): prints figures. Usage: infra/bench.sh [chats=300] [perChat=2] [concurrency=5] [latencyMs=80]
# Needs what the tests need: python3 with moto[server] (or AWS_ENDPOINT_URL / Docker for LocalStack).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
mvn -B -q -pl bench -am -DskipTests install
mvn -B -q -pl bench dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.tgdesk.bench.SenderBench "$@"
