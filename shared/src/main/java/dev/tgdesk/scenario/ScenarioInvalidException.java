package dev.tgdesk.scenario;

import java.util.List;

/** A scenario document that cannot be used; {@link #errors()} lists every problem with its location. */
public final class ScenarioInvalidException extends RuntimeException {
    private final List<String> errors;

    public ScenarioInvalidException(List<String> errors) {
        super("scenario is invalid (" + errors.size() + (errors.size() == 1 ? " problem" : " problems") + "):\n - "
                + String.join("\n - ", errors));
        this.errors = List.copyOf(errors);
    }

    public List<String> errors() {
        return errors;
    }
}
