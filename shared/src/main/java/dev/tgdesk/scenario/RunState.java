package dev.tgdesk.scenario;

import java.util.List;
import java.util.Map;

/**
 * A dialog's scenario run, stored as JSON between turns.
 *
 * @param version   the scenario version the run is pinned to
 * @param status    running | waiting_input | waiting_timer | handed_off | finished
 * @param node      the node executed last (the waiting node while waiting)
 * @param vars      variables set during the run (defaults stay in the scenario)
 * @param waitFor   what the run waits for, or null (JSON field "wait"; a record component cannot be named
 *                  {@code wait} because of {@link Object#wait()})
 * @param stack     reserved for sub-flows; empty
 * @param steps     node executions since the run started
 * @param startedAt epoch millis
 * @param updatedAt epoch millis
 */
public record RunState(String scenarioId, int version, String status, String node, Map<String, String> vars,
                       @com.fasterxml.jackson.annotation.JsonProperty("wait") Wait waitFor,
                       List<String> stack, long steps, long startedAt, long updatedAt) {

    public static final String RUNNING = "running";
    public static final String WAITING_INPUT = "waiting_input";
    public static final String WAITING_TIMER = "waiting_timer";
    public static final String HANDED_OFF = "handed_off";
    public static final String FINISHED = "finished";

    public RunState {
        vars = vars == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(vars));
        stack = stack == null ? List.of() : List.copyOf(stack);
    }

    /**
     * @param kind       input | timer | handoff
     * @param node       the question, delay or handoff node
     * @param token      timer: the token {@link ScenarioEvent.TimerFired} must carry
     * @param attempts   input: invalid answers so far
     * @param fireAt     timer: epoch millis
     * @param resumeNode handoff: where to continue when the dialog is given back (null: finish)
     */
    public record Wait(String kind, String node, String token, int attempts, Long fireAt, String resumeNode) {
        public static final String INPUT = "input";
        public static final String TIMER = "timer";
        public static final String HANDOFF = "handoff";
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isFinished() {
        return FINISHED.equals(status);
    }
}
