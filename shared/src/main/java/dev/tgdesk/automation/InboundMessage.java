package dev.tgdesk.automation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tgdesk.inbox.InboundEnvelope;

import java.io.IOException;

/** What the scenario function reads from the inbound FIFO queue: a recorded Telegram update or a control event. */
public sealed interface InboundMessage {

    record Update(InboundEnvelope envelope) implements InboundMessage {
    }

    record Control(ControlEnvelope envelope) implements InboundMessage {
    }

    /** @throws IllegalArgumentException for a body that is neither (it goes to the dead-letter queue) */
    static InboundMessage parse(ObjectMapper json, String body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) throw new IllegalArgumentException("queue message is not a JSON object");
            if (node.has("kind") && !node.has("update")) return new Control(json.treeToValue(node, ControlEnvelope.class));
            return new Update(json.treeToValue(node, InboundEnvelope.class));
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable queue message: " + e.getClass().getSimpleName(), e);
        }
    }
}
