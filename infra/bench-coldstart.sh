#!/usr/bin/env bash
# Cold-start benchmark (not a test): for each function, a fresh JVM loading its shaded jar and answering a first event,
# against a fresh JVM that only builds the same AWS SDK clients; medians over interleaved rounds, and each jar's size.
# Usage: infra/bench-coldstart.sh [rounds=7] [warmup=1] [functions=webhook,scenario,…]   (figures: docs/performance.md)
# Builds the function jars and bench from this checkout (a reactor build; nothing is installed into ~/.m2).
# Needs what the tests need: python3 with moto[server] (or AWS_ENDPOINT_URL / Docker for LocalStack).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
FUNCTIONS=functions/webhook,functions/scenario,functions/sender,functions/operator-api,functions/autoclose,functions/websocket,functions/push
mvn -B -q -pl "$FUNCTIONS,bench" -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.tgdesk.bench.ColdStartBench "$@"
