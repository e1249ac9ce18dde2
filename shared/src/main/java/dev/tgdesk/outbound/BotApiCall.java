package dev.tgdesk.outbound;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One Bot API call an outgoing message becomes ({@code sendMessage}, {@code sendPhoto}, …), with its
 * parameters except {@code chat_id}: the target is kept apart so a send can be redirected (a group that
 * migrated to a supergroup) without touching the rest.
 */
public record BotApiCall(String method, ObjectNode params) {
}
