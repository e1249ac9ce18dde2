package dev.tgdesk.scenario;

import dev.tgdesk.domain.Json;
import dev.tgdesk.outbound.OutgoingMessage;
import dev.tgdesk.outbound.OutgoingMessage.InlineButton;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScenarioEngineTest {

    final Scenario flow = ChatSim.fixture("flow");
    final Scenario questions = ChatSim.fixture("questions");

    // ---- triggers and message nodes -----------------------------------------------------------

    @Test
    void startSendsGreetingWithButtonsInContactLanguage() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/start");
        OutgoingMessage m = chat.sent().getFirst();
        assertEquals("555", m.chatId());
        assertEquals("Hello, Anna!", m.text());
        assertEquals(OutgoingMessage.Format.PLAIN, m.format());
        assertEquals(List.of(List.of(InlineButton.callback("More", "more"), InlineButton.link("Site", "https://example.com"))), m.inlineButtons());
        assertEquals(RunState.FINISHED, chat.status());
        assertEquals(3, chat.run.version());
        assertTrue(chat.last.runChanged());

        ChatSim ru = new ChatSim(flow);
        ru.language = "ru-RU";
        ru.firstName = null;
        ru.say("/start");
        assertEquals("Привет, друг!", ru.texts().getFirst());
        assertEquals("Ещё", ru.sent().getFirst().inlineButtons().getFirst().getFirst().text());

        ChatSim other = new ChatSim(flow);
        other.language = "de";
        other.say("/start");
        assertEquals("Hello, Anna!", other.texts().getFirst(), "falls back to default_language");
    }

    @Test
    void startPayloadSelectsTriggerAndIsStored() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/start promo");
        assertEquals(List.of("Promo promo"), chat.texts());
        assertEquals("promo", chat.run.vars().get("start_payload"));
        chat.say("/start other");
        assertEquals(List.of("Hello, Anna!"), chat.texts());
        assertEquals("other", chat.run.vars().get("start_payload"));
    }

    @Test
    void commandWithBotNameShowsKeyboard() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/help@my_bot");
        OutgoingMessage m = chat.sent().getFirst();
        assertEquals(new OutgoingMessage.ReplyKeyboard(List.of(List.of("A", "B"), List.of("C")), true, true), m.replyKeyboard());
        chat.say("/HELP");
        assertEquals(List.of("Choose"), chat.texts());
        chat.say("/unknown");
        assertTrue(chat.last.actions().isEmpty());
    }

    @Test
    void keywordTriggersContainsAndExact() {
        ChatSim chat = new ChatSim(flow);
        chat.say("What is the PRICE?");
        OutgoingMessage m = chat.sent().getFirst();
        assertEquals(new OutgoingMessage.Media(OutgoingMessage.MediaKind.PHOTO, "AgACPHOTO"), m.media());
        assertEquals("Price list", m.text());
        chat.say("Hi");
        assertEquals(List.of("Hi!"), chat.texts());
        assertTrue(chat.sent().getFirst().removeKeyboard());
        chat.say("hi there");
        assertTrue(chat.last.actions().isEmpty(), "exact keyword does not match a longer text");
    }

    @Test
    void buttonTriggerAnswersCallbackFirst() {
        ChatSim chat = new ChatSim(flow);
        chat.press("more");
        assertEquals(new Action.AnswerCallback("cb-1", null), chat.last.actions().getFirst());
        assertEquals(List.of("More info"), chat.texts());
        chat.press("nothing");
        assertEquals(List.of(new Action.AnswerCallback("cb-1", null)), chat.last.actions());
    }

    @Test
    void firstMessageOnlyForNewDialogs() {
        ChatSim chat = new ChatSim(flow);
        chat.say("hello?");
        assertTrue(chat.last.actions().isEmpty());
        assertNull(chat.last.run());
        assertTrue(chat.last.log().isEmpty());
        chat.newDialog = true;
        chat.say("hello?");
        assertEquals(List.of("Hello, Anna!"), chat.texts());
    }

    @Test
    void noBoundScenarioAndNoRunStaysSilent() {
        ChatSim chat = new ChatSim(null);
        chat.newDialog = true;
        Turn t = chat.say("/start");
        assertEquals(new Turn(null, false, List.of(), List.of()), t);
        t = chat.press("more");
        assertEquals(List.of(new Action.AnswerCallback("cb-1", null)), t.actions());
        assertNull(t.run());
    }

    @Test
    void htmlEscapesSubstitutedValuesOnly() {
        ChatSim chat = new ChatSim(flow);
        chat.firstName = "<Bob & \"Co\">";
        chat.say("/html");
        OutgoingMessage m = chat.sent().getFirst();
        assertEquals(OutgoingMessage.Format.HTML, m.format());
        assertEquals("<b>Hi</b> &lt;Bob &amp; &quot;Co&quot;&gt; & <i>you</i>", m.text());
    }

    // ---- conditions, variables, contact fields, write_to_chat ----------------------------------

    @Test
    void conditionAllComparesNumbersNumerically() {
        ChatSim chat = new ChatSim(flow);
        chat.fields.put("score", "42");
        chat.say("/cond");
        assertEquals(List.of("big 42"), chat.texts());
        assertEquals("42", chat.run.vars().get("score"));
        chat.fields.put("score", "9"); // "9" > "10" as strings, but not as numbers
        chat.say("/cond");
        assertEquals(List.of("any true"), chat.texts(), "Anna starts with 'an' (case-insensitive)");
        chat.fields.put("score", "100");
        chat.say("/cond");
        assertFalse(chat.texts().contains("big 100"), "lt 100 fails");
    }

    @Test
    void conditionAnyWithRegexAndStrings() {
        ChatSim chat = new ChatSim(flow);
        chat.firstName = "Boris";
        chat.fields.put("city", "Rome");
        chat.say("/cond");
        assertEquals(List.of("any true"), chat.texts());
        chat.fields.put("city", "Romer");
        chat.say("/cond");
        assertEquals(List.of("any false"), chat.texts());
    }

    @Test
    void writeToChatUsesVariableTargetAndLinkTopicThenSetsContactField() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/group");
        List<OutgoingMessage> sent = chat.sent();
        assertEquals("@flow_team", sent.get(0).chatId());
        assertNull(sent.get(0).threadId());
        assertEquals("New lead: Anna", sent.get(0).text());
        assertEquals("-1002111740617", sent.get(1).chatId());
        assertEquals(7L, sent.get(1).threadId());
        assertEquals("Lead 42", sent.get(1).text());
        assertEquals("555", sent.get(2).chatId());
        assertEquals("posted, lead=yes-Anna", sent.get(2).text(), "the field set in this turn is visible to later nodes");
        assertTrue(chat.last.actions().contains(new Action.SetContactFields(Map.of("lead", "yes-Anna"), "mark")));
        assertTrue(chat.logTexts().contains("wrote to @flow_team"));
        assertTrue(chat.logTexts().contains("wrote to -1002111740617 (topic 7)"));
    }

    @Test
    void writeToChatWithUnusableVariableLogsAnErrorAndGoesOn() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/badchat");
        assertEquals(List.of("after bad"), chat.texts());
        assertTrue(chat.last.log().stream().anyMatch(l -> l.level().equals("error") && l.nodeId().equals("post_bad")));
    }

    // ---- delay ------------------------------------------------------------------------------------

    @Test
    void delayStartsTimerAndContinuesOnlyOnItsToken() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/wait");
        var timer = assertInstanceOf(Action.StartTimer.class, chat.last.actions().getFirst());
        assertEquals(ChatSim.NOW.plus(Duration.ofHours(2)), timer.fireAt());
        assertEquals("flow.3." + ChatSim.NOW.toEpochMilli() + ".1", timer.token());
        assertEquals(RunState.WAITING_TIMER, chat.status());
        assertEquals(timer.token(), chat.run.waitFor().token());

        chat.event(new ScenarioEvent.TimerFired("flow.3.0.1"));
        assertTrue(chat.last.actions().isEmpty());
        assertFalse(chat.last.runChanged());
        assertEquals(RunState.WAITING_TIMER, chat.status());

        chat.say("random text");
        assertTrue(chat.last.actions().isEmpty());

        chat.event(new ScenarioEvent.TimerFired(timer.token()));
        assertEquals(List.of("Still there?"), chat.texts());
        assertEquals(RunState.FINISHED, chat.status());

        chat.event(new ScenarioEvent.TimerFired(timer.token()));
        assertTrue(chat.last.actions().isEmpty(), "a duplicate timer is ignored");
    }

    @Test
    void sameInputGivesSameTurn() {
        ChatSim a = new ChatSim(flow), b = new ChatSim(flow);
        assertEquals(a.say("/wait"), b.say("/wait"));
    }

    // ---- handoff, operator, resume, close -----------------------------------------------------

    @Test
    void handoffWaitsForOperatorAndResumes() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/handoff");
        assertEquals(List.of("Connecting you"), chat.texts());
        assertTrue(chat.last.actions().contains(new Action.Handoff("sales", null, "ho")));
        assertEquals(RunState.HANDED_OFF, chat.status());
        assertEquals("after_ho", chat.run.waitFor().resumeNode());

        chat.operatorActive = true;
        chat.say("/start");
        assertTrue(chat.last.actions().isEmpty(), "operator active: no trigger runs");
        assertEquals(List.of("operator is handling the dialog"), chat.logTexts());
        chat.press("more");
        assertEquals(List.of(new Action.AnswerCallback("cb-1", null)), chat.last.actions());

        chat.event(new ScenarioEvent.Resume());
        assertEquals(List.of("Welcome back"), chat.texts());
        assertEquals(RunState.FINISHED, chat.status());
    }

    @Test
    void handoffWithoutNextFinishesOnResume() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/handoff2");
        assertEquals(List.of(new Action.Handoff(null, null, "ho_end")), chat.last.actions());
        chat.event(new ScenarioEvent.Resume());
        assertTrue(chat.last.actions().isEmpty());
        assertEquals(RunState.FINISHED, chat.status());
        assertTrue(chat.last.runChanged());
    }

    @Test
    void closeSendsTextThenClosesDialog() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/close");
        assertEquals("Bye", ((Action.Send) chat.last.actions().get(0)).message().text());
        assertEquals(new Action.CloseDialog("bye"), chat.last.actions().get(1));
        assertEquals(RunState.FINISHED, chat.status());
    }

    @Test
    void jumpLoopIsStoppedAfterHundredNodes() {
        ChatSim chat = new ChatSim(flow);
        chat.say("/loop");
        assertEquals(RunState.FINISHED, chat.status());
        assertEquals(ScenarioEngine.MAX_NODES_PER_TURN, chat.run.steps());
        LogLine lastLine = chat.last.log().getLast();
        assertEquals("error", lastLine.level());
        assertTrue(lastLine.text().contains("100 steps"), lastLine.text());
    }

    // ---- questions ------------------------------------------------------------------------------

    @Test
    void textQuestionWithLengthLimitsAndInvalidPort() {
        ChatSim chat = new ChatSim(questions);
        chat.say("/text");
        assertEquals(RunState.WAITING_INPUT, chat.status());
        chat.say("Jo");
        assertEquals(List.of("no name then"), chat.texts(), "retries 0: first invalid answer goes to port invalid");
        chat.say("/text");
        chat.say("  Johnny ");
        assertEquals(List.of("got Johnny"), chat.texts());
        chat.say("/text");
        chat.say("Johnny Walker Jr");
        assertEquals(List.of("no name then"), chat.texts());
    }

    @Test
    void numberQuestionReasksThenEndsWithoutInvalidEdge() {
        ChatSim chat = new ChatSim(questions);
        chat.language = "ru";
        chat.say("/number");
        chat.say("many");
        assertEquals(List.of("Число от 1 до 10, пожалуйста"), chat.texts());
        assertTrue(chat.logTexts().contains("invalid answer 1/1, asked again"), chat.logTexts().toString());
        assertFalse(chat.logTexts().toString().contains("many"), "the client's text is not logged");
        assertEquals(1, chat.run.waitFor().attempts());
        chat.say("11");
        assertTrue(chat.texts().isEmpty());
        assertEquals(RunState.FINISHED, chat.status());
        assertEquals("warn", chat.last.log().getLast().level());

        chat.say("/number");
        chat.say("7,50");
        assertEquals(List.of("got 7.5"), chat.texts());
        assertEquals("7.5", chat.run.vars().get("answer"));
    }

    @Test
    void defaultRetriesResendQuestionWithoutRetryText() {
        ChatSim chat = new ChatSim(questions);
        chat.say("/email");
        chat.say("not an email");
        assertEquals(List.of("Email?"), chat.texts());
        chat.say("still not");
        assertEquals(List.of("Email?"), chat.texts());
        assertEquals(2, chat.run.waitFor().attempts());
        chat.say("anna@example.com");
        assertEquals(List.of("got "), chat.texts(), "saved to a contact field, not to variable answer");
        assertEquals("anna@example.com", chat.fields.get("email"));
    }

    @Test
    void phoneAcceptsTypedOrSharedContact() {
        ChatSim chat = new ChatSim(questions);
        chat.say("/phone");
        chat.say("+7 (900) 123-45-67");
        assertEquals(Map.of("phone", "+79001234567"), chat.fields);
        chat.say("/phone");
        chat.event(new ScenarioEvent.UserMessage(null, true, "79007654321"));
        assertEquals("+79007654321", chat.fields.get("phone"));
        assertEquals(RunState.FINISHED, chat.status());
    }

    @Test
    void choiceByButtonOrTypedTextWithPortPerOption() {
        ChatSim chat = new ChatSim(questions);
        chat.say("/choice");
        OutgoingMessage m = chat.sent().getFirst();
        assertEquals(List.of(
                List.of(InlineButton.callback("Red", "q:q_choice:red"), InlineButton.callback("Green", "q:q_choice:green")),
                List.of(InlineButton.callback("Menu", "menu"))), m.inlineButtons());
        chat.press("q:q_choice:red");
        assertEquals(new Action.AnswerCallback("cb-1", null), chat.last.actions().getFirst());
        assertEquals(List.of("red it is"), chat.texts());

        chat.language = "ru";
        chat.say("/choice");
        assertEquals("Красный", chat.sent().getFirst().inlineButtons().getFirst().getFirst().text());
        chat.say("зелёный");
        assertEquals(List.of("got green"), chat.texts(), "typed option text in any case; no edge for green: port next");
        chat.say("/choice");
        chat.say("GREEN");
        assertEquals(List.of("got green"), chat.texts(), "typed value or text of another language");
    }

    @Test
    void choiceAsKeyboardInColumns() {
        ChatSim chat = new ChatSim(questions);
        chat.say("/kb");
        var kb = chat.sent().getFirst().replyKeyboard();
        assertEquals(List.of(List.of("Small", "Medium"), List.of("Large")), kb.rows());
        assertTrue(kb.oneTime());
        chat.say("medium");
        assertEquals(List.of("got m"), chat.texts());
    }

    @Test
    void buttonOfStaleQuestionIsIgnoredButTriggersStillWork() {
        ChatSim chat = new ChatSim(questions);
        chat.say("/choice");
        chat.press("q:q_choice:red");
        chat.say("/kb");
        chat.press("q:q_choice:green");
        assertEquals(List.of(new Action.AnswerCallback("cb-1", null)), chat.last.actions());
        assertEquals(RunState.WAITING_INPUT, chat.status());
        assertEquals("q_kb", chat.run.waitFor().node());
        assertFalse(chat.last.runChanged());
        assertEquals(1, chat.last.log().size());

        chat.press("menu");
        assertEquals(List.of("menu"), chat.texts(), "a button trigger while waiting restarts");
        chat.press("q:q_choice:red");
        assertEquals(List.of(new Action.AnswerCallback("cb-1", null)), chat.last.actions());
    }

    @Test
    void startRestartsWhileWaitingAndDropsVariables() {
        ChatSim chat = new ChatSim(questions);
        chat.say("/number");
        chat.say("5");
        assertEquals("5", chat.run.vars().get("answer"));
        chat.say("/text");
        assertEquals(RunState.WAITING_INPUT, chat.status());
        ChatSim f = new ChatSim(flow);
        f.run = chat.run;
        f.runScenario = questions;
        f.say("/start");
        assertEquals(List.of("Hello, Anna!"), f.texts());
        assertEquals("flow", f.run.scenarioId());
        assertTrue(f.run.vars().isEmpty());
        assertTrue(f.logTexts().getFirst().contains("previous run was dropped"));
    }

    @Test
    void commandWhileWaitingRestartsAtTheCommandsNode() {
        Scenario both = questions;
        ChatSim chat = new ChatSim(both);
        chat.say("/text");
        chat.say("/number");
        assertEquals(List.of("How many?"), chat.texts());
        assertEquals("q_number", chat.run.waitFor().node());
    }

    // ---- JSON round trips -------------------------------------------------------------------------

    @Test
    void runStateAndTurnsRoundTripThroughJson() throws Exception {
        var mapper = Json.mapper();
        ChatSim chat = new ChatSim(flow);
        for (String command : List.of("/start", "/wait", "/handoff", "/close", "/group", "/help", "price")) {
            Turn turn = chat.say(command);
            String json = mapper.writeValueAsString(turn);
            assertEquals(turn, mapper.readValue(json, Turn.class), json);
            assertEquals(chat.run, mapper.readValue(mapper.writeValueAsString(chat.run), RunState.class));
        }
        chat = new ChatSim(questions);
        Turn turn = chat.say("/choice");
        assertEquals(turn, mapper.readValue(mapper.writeValueAsString(turn), Turn.class));
        String runJson = mapper.writeValueAsString(chat.run);
        assertTrue(runJson.contains("\"wait\":{\"kind\":\"input\""), runJson);
        assertTrue(runJson.contains("\"scenario_id\":\"questions\""), runJson);
        for (ScenarioEvent e : List.of(new ScenarioEvent.UserMessage("x", true, "+1"), new ScenarioEvent.ButtonPress("d", "c"),
                new ScenarioEvent.TimerFired("t"), new ScenarioEvent.Resume()))
            assertEquals(e, mapper.readValue(mapper.writeValueAsString(e), ScenarioEvent.class));
    }
}
