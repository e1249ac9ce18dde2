package dev.tgdesk.scenario;

import java.util.List;

/**
 * The outcome of one engine turn.
 *
 * @param run        state to store after this turn; null when there is no run
 * @param runChanged whether {@code run} differs from the input run (store only then)
 * @param actions    what to do, in order
 * @param log        run log lines, in order
 */
public record Turn(RunState run, boolean runChanged, List<Action> actions, List<LogLine> log) {
    public Turn {
        actions = actions == null ? List.of() : List.copyOf(actions);
        log = log == null ? List.of() : List.copyOf(log);
    }
}
