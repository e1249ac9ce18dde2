/** The data table's stream consumer: dialog changes → per-dialog journal, WebSocket pushes, EventBridge events. */
package dev.tgdesk.push;
