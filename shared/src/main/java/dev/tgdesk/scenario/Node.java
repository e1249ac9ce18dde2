package dev.tgdesk.scenario;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;

/**
 * One step of a scenario. The JSON {@code type} names the kind; field names are the document's
 * (snake_case). Documents are checked by {@link ScenarioDocument#parse}, so the engine can rely on
 * required fields being present and values being in range.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Node.Message.class, name = "message"),
        @JsonSubTypes.Type(value = Node.Question.class, name = "question"),
        @JsonSubTypes.Type(value = Node.Condition.class, name = "condition"),
        @JsonSubTypes.Type(value = Node.SetVariable.class, name = "set_variable"),
        @JsonSubTypes.Type(value = Node.SetContactField.class, name = "set_contact_field"),
        @JsonSubTypes.Type(value = Node.Delay.class, name = "delay"),
        @JsonSubTypes.Type(value = Node.WriteToChat.class, name = "write_to_chat"),
        @JsonSubTypes.Type(value = Node.Handoff.class, name = "handoff"),
        @JsonSubTypes.Type(value = Node.Close.class, name = "close"),
        @JsonSubTypes.Type(value = Node.Jump.class, name = "jump")})
public sealed interface Node {

    String id();

    /** The document's name of this node type, e.g. "write_to_chat". */
    default String type() {
        return ScenarioDocument.typeName(this);
    }

    /** What a message or question shows: text (caption with media), buttons or keyboard, media. */
    interface Presentation {
        Text text();

        String format();

        List<List<Button>> buttons();

        Keyboard keyboard();

        Boolean removeKeyboard();

        Media media();
    }

    record Message(String id, Text text, String format, List<List<Button>> buttons, Keyboard keyboard,
                   Boolean removeKeyboard, Media media) implements Node, Presentation {
    }

    /**
     * Asks and waits for an answer.
     *
     * @param input   text | number | email | phone | choice
     * @param as      for choice: "buttons" (inline, default) or "keyboard" (reply keyboard)
     * @param columns for choice: options per row (default: one row for up to 5 short options, else one per row)
     * @param retries re-asks after an invalid answer (default 2)
     */
    record Question(String id, Text text, String format, List<List<Button>> buttons, Keyboard keyboard,
                    Boolean removeKeyboard, Media media, String input, Double min, Double max, Integer minLength,
                    Integer maxLength, List<Option> options, String as, Integer columns, SaveTo saveTo,
                    Integer retries, Text retryText) implements Node, Presentation {
        public static final int DEFAULT_RETRIES = 2;

        public int retriesOrDefault() {
            return retries == null ? DEFAULT_RETRIES : retries;
        }

        public boolean asKeyboard() {
            return "keyboard".equals(as);
        }
    }

    /** @param match "all" (default) or "any" */
    record Condition(String id, String match, List<Rule> rules) implements Node {
    }

    record SetVariable(String id, String variable, String value) implements Node {
    }

    record SetContactField(String id, String field, String value) implements Node {
    }

    /** @param duration ISO-8601, 1 second to 365 days */
    record Delay(String id, String duration) implements Node {
    }

    /**
     * @param target normalised chat id ("@name" or a number), or exactly "{{variable}}"
     * @param threadId forum topic, from the link or the document's thread_id
     */
    record WriteToChat(String id, String target, Long threadId, Text text, String format) implements Node {
    }

    record Handoff(String id, String team, String manager, Text text, String format) implements Node {
    }

    record Close(String id, Text text, String format) implements Node {
    }

    record Jump(String id, String to) implements Node {
    }

    /** An inline button: exactly one of {@code data} (a {@code button} trigger's data) and {@code url}. */
    record Button(Text text, String data, String url) {
    }

    record Keyboard(List<List<Text>> rows, Boolean oneTime, Boolean resize) {
    }

    /** @param kind photo | document | video | voice | audio | animation | sticker */
    record Media(String kind, String fileId) {
    }

    record Option(String value, Text text) {
    }

    /** Exactly one of the two. */
    record SaveTo(String variable, String contactField) {
    }

    /** @param op eq ne gt gte lt lte contains not_contains starts_with is_set is_empty matches */
    record Rule(String left, String op, String right) {
    }
}
