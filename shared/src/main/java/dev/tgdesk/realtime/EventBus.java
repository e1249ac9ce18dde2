package dev.tgdesk.realtime;

import java.util.List;

/** The customer-facing event bus (port; EventBridge). Throws when an event could not be published. */
public interface EventBus {

    void publish(String botId, List<DialogEvent> events);

    EventBus NONE = (botId, events) -> {
    };
}
