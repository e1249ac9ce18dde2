package dev.tgdesk.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tgdesk.domain.Json;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.tgdesk.outbound.OutgoingMessage.Format.HTML;
import static dev.tgdesk.outbound.OutgoingMessage.Format.PLAIN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TelegramRequestsTest {

    static OutgoingMessage msg(String text, OutgoingMessage.Format format) {
        return new OutgoingMessage("42", null, text, format, null, List.of(), null, false);
    }

    @Test
    void plainTextIsEscapedAndSentAsHtml() {
        List<BotApiCall> calls = TelegramRequests.calls(msg("1 < 2 & 3 > 2 <b>", PLAIN));
        assertEquals(1, calls.size());
        assertEquals("sendMessage", calls.get(0).method());
        assertEquals("1 &lt; 2 &amp; 3 &gt; 2 &lt;b&gt;", calls.get(0).params().get("text").asText());
        assertEquals("HTML", calls.get(0).params().get("parse_mode").asText());
        assertFalse(calls.get(0).params().has("chat_id"));
    }

    @Test
    void htmlTextIsPassedThrough() {
        List<BotApiCall> calls = TelegramRequests.calls(msg("<b>Hi</b> &amp; bye", HTML));
        assertEquals("<b>Hi</b> &amp; bye", calls.get(0).params().get("text").asText());
    }

    @Test
    void limitCountsVisibleCharactersNotEscapes() {
        String text = "&".repeat(4096); // 4096 visible, 20480 escaped
        assertEquals(1, TelegramRequests.calls(msg(text, PLAIN)).size());
        assertEquals(2, TelegramRequests.calls(msg(text + "&", PLAIN)).size());
    }

    @Test
    void longTextSplitsOnParagraphsFirstAndKeepsEverything() {
        String p1 = "a".repeat(3000);
        String p2 = "b".repeat(3000);
        String p3 = "c".repeat(100);
        List<BotApiCall> calls = TelegramRequests.calls(msg(p1 + "\n\n" + p2 + "\n" + p3, PLAIN));
        assertEquals(2, calls.size());
        assertEquals(p1, calls.get(0).params().get("text").asText());
        assertEquals(p2 + "\n" + p3, calls.get(1).params().get("text").asText());
    }

    @Test
    void splitsOnLinesThenSentencesThenWordsThenHard() {
        String lines = ("x".repeat(2500) + "\n").repeat(3);
        List<String> parts = TelegramRequests.splitHtml(lines, 4096);
        assertEquals(List.of("x".repeat(2500), "x".repeat(2500), "x".repeat(2500)), parts);

        String sentences = "Word word word. ".repeat(400); // 6400 chars
        parts = TelegramRequests.splitHtml(sentences, 4096);
        assertEquals(2, parts.size());
        assertTrue(parts.get(0).endsWith("."), parts.get(0).substring(parts.get(0).length() - 10));
        assertEquals(sentences.strip(), (parts.get(0) + " " + parts.get(1)).strip());

        String words = "word ".repeat(1000); // no sentence ends
        parts = TelegramRequests.splitHtml(words, 4096);
        assertTrue(parts.get(0).endsWith("word"));
        assertEquals(words.strip(), parts.get(0) + " " + parts.get(1));

        String solid = "z".repeat(5000);
        parts = TelegramRequests.splitHtml(solid, 4096);
        assertEquals(4096, parts.get(0).length());
        assertEquals(904, parts.get(1).length());
    }

    @Test
    void neverCutsASurrogatePairAndCountsCodePoints() {
        String emoji = "😀".repeat(5000); // 10000 UTF-16 units, 5000 characters
        List<String> parts = TelegramRequests.splitHtml(emoji, 4096);
        assertEquals(2, parts.size());
        assertEquals(4096, parts.get(0).codePointCount(0, parts.get(0).length()));
        assertEquals(emoji, parts.get(0) + parts.get(1));
    }

    @Test
    void htmlIsCutOutsideTagsAndEntitiesAndTagsAreReopened() {
        String html = "<b>" + "x".repeat(10) + " <a href=\"https://e.x/\">link &amp; more</a> tail</b>";
        List<String> parts = TelegramRequests.splitHtml(html, 20);
        for (String p : parts) {
            assertTrue(TelegramRequests.visibleLength(p) <= 20, p);
            assertEquals(count(p, "<b>"), count(p, "</b>"), p);
            assertEquals(count(p, "<a "), count(p, "</a>"), p);
            assertFalse(p.matches("(?s).*&[a-z]*$"), p);
        }
        assertTrue(parts.get(0).startsWith("<b>"));
        assertTrue(parts.get(1).startsWith("<b>"), parts.get(1));
        String visible = String.join(" ", parts.stream().map(TelegramRequests::visibleText).toList());
        assertEquals(TelegramRequests.visibleText(html), visible);
    }

    @Test
    void buttonsGoOnTheLastPartAndThreadOnEvery() {
        var buttons = List.of(List.of(OutgoingMessage.InlineButton.callback("Yes", "y"),
                OutgoingMessage.InlineButton.link("Site", "https://example.org")));
        var m = new OutgoingMessage("-100123", 77L, "a".repeat(5000), PLAIN, null, buttons, null, false);
        List<BotApiCall> calls = TelegramRequests.calls(m);
        assertEquals(2, calls.size());
        assertNull(calls.get(0).params().get("reply_markup"));
        JsonNode kb = calls.get(1).params().get("reply_markup").get("inline_keyboard");
        assertEquals("y", kb.get(0).get(0).get("callback_data").asText());
        assertEquals("https://example.org", kb.get(0).get(1).get("url").asText());
        calls.forEach(c -> assertEquals(77, c.params().get("message_thread_id").asLong()));
    }

    @Test
    void replyKeyboardAndRemoveKeyboard() {
        var kb = new OutgoingMessage.ReplyKeyboard(List.of(List.of("A", "B")), true, true);
        var calls = TelegramRequests.calls(new OutgoingMessage("1", null, "pick", PLAIN, null, List.of(), kb, false));
        JsonNode markup = calls.get(0).params().get("reply_markup");
        assertEquals("B", markup.get("keyboard").get(0).get(1).get("text").asText());
        assertTrue(markup.get("one_time_keyboard").asBoolean());
        calls = TelegramRequests.calls(new OutgoingMessage("1", null, "bye", PLAIN, null, List.of(), null, true));
        assertTrue(calls.get(0).params().get("reply_markup").get("remove_keyboard").asBoolean());
    }

    @Test
    void mediaWithCaptionOrWithTextAfter() {
        var photo = new OutgoingMessage.Media(OutgoingMessage.MediaKind.PHOTO, "AgACAgIAAxkBAAIfile");
        var buttons = List.of(List.of(OutgoingMessage.InlineButton.callback("Ok", "ok")));
        var calls = TelegramRequests.calls(new OutgoingMessage("1", null, "a & b", PLAIN, photo, buttons, null, false));
        assertEquals(1, calls.size());
        assertEquals("sendPhoto", calls.get(0).method());
        assertEquals("AgACAgIAAxkBAAIfile", calls.get(0).params().get("photo").asText());
        assertEquals("a &amp; b", calls.get(0).params().get("caption").asText());
        assertTrue(calls.get(0).params().has("reply_markup"));

        calls = TelegramRequests.calls(new OutgoingMessage("1", null, "c".repeat(1025), PLAIN, photo, buttons, null, false));
        assertEquals(List.of("sendPhoto", "sendMessage"), calls.stream().map(BotApiCall::method).toList());
        assertFalse(calls.get(0).params().has("caption"));
        assertFalse(calls.get(0).params().has("reply_markup"));
        assertTrue(calls.get(1).params().has("reply_markup"));

        var note = new OutgoingMessage.Media(OutgoingMessage.MediaKind.VIDEO_NOTE, "DQACAgIAAxkBAAInote");
        calls = TelegramRequests.calls(new OutgoingMessage("1", null, "hi", PLAIN, note, List.of(), null, false));
        assertEquals(List.of("sendVideoNote", "sendMessage"), calls.stream().map(BotApiCall::method).toList());
        assertEquals("DQACAgIAAxkBAAInote", calls.get(0).params().get("video_note").asText());

        var sticker = new OutgoingMessage.Media(OutgoingMessage.MediaKind.STICKER, "CAACAgIAAxkBAAIstick");
        calls = TelegramRequests.calls(new OutgoingMessage("1", null, null, PLAIN, sticker, List.of(), null, false));
        assertEquals(1, calls.size());
        assertEquals("sendSticker", calls.get(0).method());
    }

    @Test
    void nothingToSendIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> TelegramRequests.calls(msg("  ", PLAIN)));
        assertThrows(IllegalArgumentException.class, () -> TelegramRequests.calls(msg(null, PLAIN)));
    }

    @Test
    void previewAndDisplayJson() throws Exception {
        var doc = new OutgoingMessage.Media(OutgoingMessage.MediaKind.DOCUMENT, "BQACAgIAAxkBAAIdoc");
        var m = new OutgoingMessage("1", null, "<b>Invoice</b>\nattached", HTML, doc,
                List.of(List.of(OutgoingMessage.InlineButton.callback("Pay", "pay:1"))), null, false);
        assertEquals("[document] Invoice attached", TelegramRequests.preview(m));
        assertEquals("x".repeat(160) + "…", TelegramRequests.preview(msg("x".repeat(500), PLAIN)));
        JsonNode d = Json.mapper().readTree(TelegramRequests.displayJson(m));
        assertEquals("<b>Invoice</b>\nattached", d.get("text").asText());
        assertEquals("html", d.get("format").asText());
        assertEquals("document", d.get("media").get("kind").asText());
        assertEquals("pay:1", d.get("inline_buttons").get(0).get(0).get("callback_data").asText());
    }

    @Test
    void editAndAnswerCalls() {
        var edit = new OutboundCommand.Edit("b", "1", "d", 3, 1, "new <text>",
                List.of(List.of(OutgoingMessage.InlineButton.callback("A", "a"))));
        BotApiCall call = TelegramRequests.edit(edit, 55);
        assertEquals("editMessageText", call.method());
        assertEquals(55, call.params().get("message_id").asLong());
        assertEquals("new &lt;text&gt;", call.params().get("text").asText());
        var markupOnly = TelegramRequests.edit(new OutboundCommand.Edit("b", "1", "d", 3, 2, null, List.of()), 55);
        assertEquals("editMessageReplyMarkup", markupOnly.method());
        assertEquals(0, markupOnly.params().get("reply_markup").get("inline_keyboard").size());
        var answer = TelegramRequests.answerCallback(new OutboundCommand.AnswerCallback("b", "1", "q1", "Done", true));
        assertEquals("answerCallbackQuery", answer.method());
        assertTrue(answer.params().get("show_alert").asBoolean());
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }
}
