package dev.tgdesk.operator.identity;

import java.util.Set;
import java.util.TreeSet;

/** A team ({@code B#{bot}#TEAM#{id} / TEAM}); its members' operator items list it in their teams, kept in step. */
public record Team(String botId, String id, String name, Set<String> memberIds, long createdAt, long version) {

    public Team {
        memberIds = memberIds == null ? Set.of() : Set.copyOf(memberIds);
    }

    public java.util.Map<String, Object> view() {
        var m = new java.util.LinkedHashMap<String, Object>();
        m.put("id", id);
        m.put("name", name);
        m.put("members", new TreeSet<>(memberIds));
        m.put("created_at", java.time.Instant.ofEpochMilli(createdAt).toString());
        return m;
    }
}
