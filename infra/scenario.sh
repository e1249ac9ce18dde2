#!/usr/bin/env bash
# Validate scenario files, or upload them into a deployment's table (see docs/scenarios.md):
#   infra/scenario.sh validate scenarios/*.json
#   infra/scenario.sh upload scenarios/customer-opinion.json --table <DataTableName> --bot-id <bot id> --activate [--chat <group id>]
# Uses your AWS credentials and region (or AWS_ENDPOINT_URL for emulators).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
mvn -B -q -DskipTests -pl infra/local -am install
mvn -B -q -pl infra/local dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -cp "infra/local/target/classes:$(cat infra/local/target/classpath.txt)" dev.tgdesk.local.ScenarioCli "$@"
