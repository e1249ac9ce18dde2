package dev.tgdesk.scenario;

/** A connection from one node's port ("next" unless given) to another node. */
public record Edge(String from, String to, String port) {
    public static final String NEXT = "next";

    public Edge {
        port = port == null || port.isBlank() ? NEXT : port;
    }
}
