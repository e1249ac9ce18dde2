package dev.tgdesk.scenario;

import java.util.List;

/**
 * What starts a run, and at which node.
 *
 * @param type     first_message | start | command | keyword | button
 * @param payload  start: match only {@code /start <payload>}
 * @param command  command: the name without "/" (lower case)
 * @param keywords keyword: words or phrases, matched case-insensitively
 * @param match    keyword: "contains" (default) or "exact"
 * @param data     button: the inline button's callback data
 */
public record Trigger(String type, String node, String payload, String command, List<String> keywords, String match,
                      String data) {
}
