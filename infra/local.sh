#!/usr/bin/env bash
# Runs the local stack: emulated AWS (moto + ElasticMQ, or AWS_ENDPOINT_URL), the real Lambda handlers
# behind a local API Gateway, and Telegram (simulated, or real with TELEGRAM_BOT_TOKEN).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
mvn -B -q -DskipTests install
mvn -B -q -pl infra/local dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -cp "infra/local/target/classes:$(cat infra/local/target/classpath.txt)" dev.tgdesk.local.LocalRunner "$@"
