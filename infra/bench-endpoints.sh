#!/usr/bin/env bash
# AWS calls per operator API endpoint (not a test): infra/bench-endpoints.sh
# Builds bench and what it needs from this checkout (a reactor build; nothing is installed into ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
mvn -B -q -pl bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.tgdesk.bench.EndpointCallsBench "$@"
