package dev.tgdesk.scenario;

/**
 * A run log line shown to operators; never contains what the client typed.
 *
 * @param level info | warn | error
 */
public record LogLine(String level, String nodeId, String text) {
    public static LogLine info(String nodeId, String text) {
        return new LogLine("info", nodeId, text);
    }

    public static LogLine warn(String nodeId, String text) {
        return new LogLine("warn", nodeId, text);
    }

    public static LogLine error(String nodeId, String text) {
        return new LogLine("error", nodeId, text);
    }
}
