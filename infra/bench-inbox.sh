#!/usr/bin/env bash
# Inbox read cost benchmark (not a test): one inbox page for an admin and for an agent in two teams, with 1,000 and
# 20,000 dialogs in the table. Usage: infra/bench-inbox.sh [sizes=1000,20000] [page=30]
# Builds bench and what it needs from this checkout (a reactor build; nothing is installed into ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
mvn -B -q -pl bench -am -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -cp "bench/target/classes:$(cat bench/target/classpath.txt)" dev.tgdesk.bench.InboxBench "$@"
