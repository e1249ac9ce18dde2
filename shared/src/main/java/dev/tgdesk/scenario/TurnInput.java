package dev.tgdesk.scenario;

/**
 * Everything one engine turn needs.
 *
 * @param run            the dialog's stored run, or null when there is none
 * @param runScenario    the scenario version the run is pinned to (null if no run)
 * @param boundScenario  the scenario attached to this chat now, or null (then no new run starts)
 */
public record TurnInput(ScenarioEvent event, RunState run, Scenario runScenario, Scenario boundScenario,
                        ContactView contact, DialogView dialog) {
}
