#!/usr/bin/env bash
# The test suite: template checks (cfn-lint + SAM transform) and every module's tests against real
# emulators (moto + ElasticMQ started by the tests; LocalStack or AWS_ENDPOINT_URL when available).
set -euo pipefail
cd "$(dirname "$0")/.."
JAVA_HOME=$(sh infra/java-home.sh); export JAVA_HOME
echo "== template: cfn-lint and SAM transform"
python3 infra/check-template.py template.yaml
java_version=$("$JAVA_HOME/bin/java" -version 2>&1)
echo "== build and test with ${java_version%%$'\n'*}"
mvn -B -ntp verify "$@"
