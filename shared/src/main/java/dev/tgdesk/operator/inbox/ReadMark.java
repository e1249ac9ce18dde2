package dev.tgdesk.operator.inbox;

/** How far one operator has read a dialog: up to {@code seq}, when the dialog had {@code inboundCount} client messages. */
public record ReadMark(long seq, long inboundCount) {
}
