package dev.tgdesk.operatorapi;

import dev.tgdesk.operator.api.Router;

/** Builds the router with every area's endpoints from the environment (filled in as the areas land). */
final class OperatorApiWiring {

    private OperatorApiWiring() {
    }

    static Router fromEnvironment() {
        throw new IllegalStateException("operator API wiring is assembled when the endpoint areas land");
    }
}
