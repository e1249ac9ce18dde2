package dev.tgdesk.scenario;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A parsed, validated scenario document ({@link ScenarioDocument#parse}).
 *
 * @param version   assigned by storage on upload; 0 when the document has none
 * @param variables scenario variables with their default values
 * @param json      the original document text, for storage
 */
public record Scenario(String id, int version, String name, String defaultLanguage, Map<String, String> variables,
                      List<Trigger> triggers, List<Node> nodes, List<Edge> edges, String json) {

    public Scenario {
        variables = variables == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(variables));
        triggers = triggers == null ? List.of() : List.copyOf(triggers);
        nodes = nodes == null ? List.of() : List.copyOf(nodes);
        edges = edges == null ? List.of() : List.copyOf(edges);
    }

    public Scenario withVersion(int v) {
        return new Scenario(id, v, name, defaultLanguage, variables, triggers, nodes, edges, json);
    }

    /** The node with this id, or null. */
    public Node node(String nodeId) {
        for (Node n : nodes) if (n.id().equals(nodeId)) return n;
        return null;
    }

    /** Where {@code port} of node {@code from} leads, if an edge is drawn. */
    public Optional<String> next(String from, String port) {
        for (Edge e : edges) if (e.from().equals(from) && e.port().equals(port)) return Optional.of(e.to());
        return Optional.empty();
    }
}
