/**
 * The local AWS stack (DynamoDB + SQS) for integration tests and the local runner.
 *
 * <pre>{@code
 * LocalAws aws = LocalAws.shared();                          // or LocalAws.start() in a main; close() it
 * LocalResources res = TemplateResources.create(aws);        // tables + queues from template.yaml
 * Map<String, String> env = res.environment();               // TABLE_NAME, INBOUND_QUEUE_URL, ...
 * DynamoDbClient dynamoDb = aws.dynamoDb(callCounter);       // optional ExecutionInterceptors
 * SqsClient sqs = aws.sqs();
 * }</pre>
 *
 * <p>Modes ({@link dev.tgdesk.emulators.aws.LocalAws.Mode}): endpoints from {@code AWS_ENDPOINT_URL*};
 * LocalStack via Testcontainers when {@code TGDESK_LOCALSTACK=1} or Docker is reachable
 * ({@code TGDESK_LOCALSTACK=0} skips the probe); otherwise moto ({@code MOTO_PYTHON}, default
 * {@code python3}, needs {@code moto[server]}) plus embedded ElasticMQ. Only the last supports fault
 * injection ({@code stopDynamoDb()/startDynamoDb()/stopSqs()/startSqs()/reset()}).
 */
package dev.tgdesk.emulators.aws;
