#!/usr/bin/env bash
# Operator accounts from the command line (see docs/operators.md):
#   TGDESK_ADMIN_PASSWORD=… infra/operators.sh create-admin --table <DataTableName> --bot-id <bot id> --email a@b.c --name Ann
#   infra/operators.sh reset-password --table <DataTableName> --bot-id <bot id> --email a@b.c   (password on stdin)
# The password is never an argument. Uses your AWS credentials and region (or AWS_ENDPOINT_URL for emulators).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
mvn -B -q -DskipTests -pl infra/local -am install >&2
mvn -B -q -pl infra/local dependency:build-classpath -Dmdep.outputFile=target/classpath.txt >/dev/null
exec "$JAVA_HOME/bin/java" -cp "infra/local/target/classes:$(cat infra/local/target/classpath.txt)" dev.tgdesk.local.OperatorCli "$@"
