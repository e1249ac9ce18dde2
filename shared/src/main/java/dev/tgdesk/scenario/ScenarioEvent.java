package dev.tgdesk.scenario;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/** What happened in the dialog that the engine reacts to. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = ScenarioEvent.UserMessage.class, name = "user_message"),
        @JsonSubTypes.Type(value = ScenarioEvent.ButtonPress.class, name = "button_press"),
        @JsonSubTypes.Type(value = ScenarioEvent.TimerFired.class, name = "timer_fired"),
        @JsonSubTypes.Type(value = ScenarioEvent.Resume.class, name = "resume")})
public sealed interface ScenarioEvent {

    /** @param sharedPhone the phone number of a shared contact, or null */
    record UserMessage(String text, boolean hasMedia, String sharedPhone) implements ScenarioEvent {
    }

    record ButtonPress(String data, String callbackQueryId) implements ScenarioEvent {
    }

    record TimerFired(String token) implements ScenarioEvent {
    }

    /** An operator gave the dialog back to the bot. */
    record Resume() implements ScenarioEvent {
    }
}
