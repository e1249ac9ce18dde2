package dev.tgdesk.scenario;

import dev.tgdesk.outbound.OutgoingMessage;
import dev.tgdesk.outbound.OutgoingMessage.InlineButton;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shipped template scenarios/customer-opinion.json, both ways, in English and Russian. */
class CustomerOpinionTest {

    final Scenario scenario = ChatSim.shipped("customer-opinion");

    static boolean ru(String lang) {
        return lang.startsWith("ru");
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "ru-RU"})
    void yesRatingCommentThanks(String lang) {
        ChatSim chat = new ChatSim(scenario);
        chat.language = lang;
        chat.newDialog = true;
        chat.say("hello");
        OutgoingMessage greet = chat.sent().getFirst();
        assertEquals(ru(lang) ? "Здравствуйте, Anna! Оставите короткий отзыв о нашем сервисе?"
                : "Hi, Anna! Would you give us a little feedback about our service?", greet.text());
        assertEquals(List.of(List.of(InlineButton.callback(ru(lang) ? "Да" : "Yes", "q:greet:yes"),
                InlineButton.callback(ru(lang) ? "Нет" : "No", "q:greet:no"))), greet.inlineButtons());

        chat.press("q:greet:yes");
        assertEquals(5, chat.sent().getFirst().inlineButtons().getFirst().size());
        assertEquals("q:ask_rating:4", chat.sent().getFirst().inlineButtons().getFirst().get(3).callbackData());

        chat.say("seven");
        assertEquals(List.of(ru(lang) ? "Пожалуйста, выберите число от 1 до 5." : "Please choose a number from 1 to 5."), chat.texts());
        chat.say("4"); // typed instead of pressed
        assertEquals(List.of(ru(lang) ? "Спасибо! Что нам стоит улучшить? Напишите пару слов."
                : "Thank you! What could we do better? Write a few words."), chat.texts());
        chat.say("Faster replies, please");
        assertEquals(List.of(ru(lang) ? "Спасибо за отзыв, Anna! Это очень нам помогает."
                : "Thank you for your feedback, Anna! It helps us a lot."), chat.texts());
        assertEquals(Map.of("feedback_rating", "4", "feedback_comment", "Faster replies, please"), chat.fields);
        assertEquals(RunState.FINISHED, chat.status());
    }

    @ParameterizedTest
    @ValueSource(strings = {"en", "ru"})
    void noTellsTeamAndHandsOff(String lang) {
        ChatSim chat = new ChatSim(scenario);
        chat.language = lang;
        chat.say("/start");
        chat.say(ru(lang) ? "нет" : "No");
        List<Action> actions = chat.last.actions();
        assertEquals(3, actions.size(), actions.toString());
        OutgoingMessage bye = ((Action.Send) actions.get(0)).message();
        assertEquals("555", bye.chatId());
        assertEquals(ru(lang) ? "Будем рады видеть вас снова!" : "We'll be glad to see you again!", bye.text());
        OutgoingMessage team = ((Action.Send) actions.get(1)).message();
        assertEquals("@tgdesk_local_team", team.chatId());
        assertEquals("Anna (@anna_p) declined the survey — is everything ok?", team.text());
        assertEquals(new Action.Handoff(null, null, "to_operators"), actions.get(2));
        assertEquals(RunState.HANDED_OFF, chat.status());

        chat.operatorActive = true;
        chat.say("are you there?");
        assertTrue(chat.last.actions().isEmpty());
        chat.event(new ScenarioEvent.Resume());
        assertEquals(RunState.FINISHED, chat.status());
        assertTrue(chat.last.actions().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"/survey", "/start"})
    void surveyCommandAndStartRestart(String command) {
        ChatSim chat = new ChatSim(scenario);
        chat.say(command);
        chat.press("q:greet:yes");
        chat.say(command);
        assertEquals("greet", chat.run.waitFor().node());
        assertEquals(1, chat.sent().size());
    }
}
