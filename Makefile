# Used by `sam build` (template.yaml: Metadata.BuildMethod = makefile). Each function is one Maven
# module; its shaded jar is unpacked into the artifacts directory SAM zips and uploads.
# Needs a JDK >= 21: JAVA_HOME is taken from the environment, or found by infra/java-home.sh.

JAVA_HOME ?= $(shell sh infra/java-home.sh)
export JAVA_HOME
MVN = mvn -B -q -DskipTests

build-WebhookFunction:
	$(MVN) -pl functions/webhook -am package
	cd "$(ARTIFACTS_DIR)" && unzip -qo "$(CURDIR)"/functions/webhook/target/tgdesk-function-webhook-*-lambda.jar

build-ScenarioFunction:
	$(MVN) -pl functions/scenario -am package
	cd "$(ARTIFACTS_DIR)" && unzip -qo "$(CURDIR)"/functions/scenario/target/tgdesk-function-scenario-*-lambda.jar

build-SenderFunction:
	$(MVN) -pl functions/sender -am package
	cd "$(ARTIFACTS_DIR)" && unzip -qo "$(CURDIR)"/functions/sender/target/tgdesk-function-sender-*-lambda.jar

build-OperatorApiFunction:
	$(MVN) -pl functions/operator-api -am package
	cd "$(ARTIFACTS_DIR)" && unzip -qo "$(CURDIR)"/functions/operator-api/target/tgdesk-function-operator-api-*-lambda.jar

build-AutocloseFunction:
	$(MVN) -pl functions/autoclose -am package
	cd "$(ARTIFACTS_DIR)" && unzip -qo "$(CURDIR)"/functions/autoclose/target/tgdesk-function-autoclose-*-lambda.jar

build-WebSocketFunction:
	$(MVN) -pl functions/websocket -am package
	cd "$(ARTIFACTS_DIR)" && unzip -qo "$(CURDIR)"/functions/websocket/target/tgdesk-function-websocket-*-lambda.jar

build-PushFunction:
	$(MVN) -pl functions/push -am package
	cd "$(ARTIFACTS_DIR)" && unzip -qo "$(CURDIR)"/functions/push/target/tgdesk-function-push-*-lambda.jar

build-SetupFunction:
	$(MVN) -pl functions/setup -am package
	cd "$(ARTIFACTS_DIR)" && unzip -qo "$(CURDIR)"/functions/setup/target/tgdesk-function-setup-*-lambda.jar
