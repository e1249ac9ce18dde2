package dev.tgdesk.scenario;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.tgdesk.outbound.OutgoingMessage;

import java.time.Instant;
import java.util.Map;

/** Something the glue is to carry out after a turn, in order. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Action.Send.class, name = "send"),
        @JsonSubTypes.Type(value = Action.AnswerCallback.class, name = "answer_callback"),
        @JsonSubTypes.Type(value = Action.SetContactFields.class, name = "set_contact_fields"),
        @JsonSubTypes.Type(value = Action.StartTimer.class, name = "start_timer"),
        @JsonSubTypes.Type(value = Action.Handoff.class, name = "handoff"),
        @JsonSubTypes.Type(value = Action.CloseDialog.class, name = "close_dialog")})
public sealed interface Action {

    /** {@code message.chatId()} is always set: the dialog's chat or a write_to_chat target. */
    record Send(OutgoingMessage message, String nodeId) implements Action {
    }

    /** Answer the button press (stops the spinner); {@code text} null for a silent answer. */
    record AnswerCallback(String callbackQueryId, String text) implements Action {
    }

    record SetContactFields(Map<String, String> fields, String nodeId) implements Action {
    }

    /** Deliver {@link ScenarioEvent.TimerFired} with this token at {@code fireAt}. */
    record StartTimer(String token,
                      @com.fasterxml.jackson.databind.annotation.JsonSerialize(using = InstantJson.Write.class)
                      @com.fasterxml.jackson.databind.annotation.JsonDeserialize(using = InstantJson.Read.class)
                      Instant fireAt, String nodeId) implements Action {
    }

    /** Hand the dialog to operators (team and manager may be null). */
    record Handoff(String team, String manager, String nodeId) implements Action {
    }

    record CloseDialog(String nodeId) implements Action {
    }
}
