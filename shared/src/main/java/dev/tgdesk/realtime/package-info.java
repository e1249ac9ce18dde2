/**
 * Real-time: turning table changes into per-dialog events, journaling them with a gapless per-dialog sequence,
 * pushing them to the operators allowed to see the dialog, publishing them to the customer's event bus, and
 * admitting WebSocket connections with single-use tickets. No AWS types: the ports are implemented in
 * {@code storage} (DynamoDB) and in {@code functions/push} (API Gateway, EventBridge).
 */
package dev.tgdesk.realtime;
