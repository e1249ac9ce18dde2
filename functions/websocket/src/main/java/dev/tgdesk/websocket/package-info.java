/** The WebSocket API's Lambda: {@code $connect} (ticket check), {@code $disconnect}, {@code $default} (heartbeat). */
package dev.tgdesk.websocket;
