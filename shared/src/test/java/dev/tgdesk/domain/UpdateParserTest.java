package dev.tgdesk.domain;

import dev.tgdesk.domain.TelegramUpdate.CallbackUpdate;
import dev.tgdesk.domain.TelegramUpdate.MembershipUpdate;
import dev.tgdesk.domain.TelegramUpdate.MessageUpdate;
import dev.tgdesk.domain.TelegramUpdate.Unsupported;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Parsing of a corpus of updates written from the Bot API documentation (src/test/resources/updates). */
class UpdateParserTest {

    private final UpdateParser parser = new UpdateParser(Json.mapper());

    static byte[] corpus(String name) {
        try (InputStream in = UpdateParserTest.class.getResourceAsStream("/updates/" + name + ".json")) {
            if (in == null) throw new IllegalArgumentException("no corpus file " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private TelegramUpdate parse(String name) {
        UpdateParser.Outcome outcome = parser.parse(corpus(name));
        return assertInstanceOf(UpdateParser.Outcome.Parsed.class, outcome, name).update();
    }

    private Message message(String name) {
        return assertInstanceOf(MessageUpdate.class, parse(name)).message();
    }

    @Test
    void startCommandWithPayload() {
        MessageUpdate u = assertInstanceOf(MessageUpdate.class, parse("text_start_payload"));
        assertEquals(900000001L, u.updateId());
        assertEquals("message", u.kind());
        Message m = u.message();
        assertEquals("/start promo_2026", m.text());
        assertEquals("start", m.command());
        assertEquals(5123456789L, m.from().id());
        assertEquals("Анна", m.from().firstName());
        assertEquals("ru", m.from().languageCode());
        assertEquals(TelegramChat.ChatType.PRIVATE, m.chat().type());
        assertEquals(DialogKind.PRIVATE, m.chat().dialogKind());
    }

    @Test
    void textKeepsEntitiesAndMarkupAsPlainText() {
        Message m = message("text_with_entities");
        assertEquals("Hello <b>bold</b> & https://example.com", m.text());
        assertEquals(1, m.entities().size());
        assertEquals("url", m.entities().get(0).type());
        assertNull(m.command());
    }

    @Test
    void photoKeepsLargestSizeCaptionAndAlbum() {
        Message m = message("photo_caption");
        assertEquals(1, m.media().size());
        MediaRef photo = m.media().get(0);
        assertEquals(MediaRef.Kind.PHOTO, photo.kind());
        assertEquals("AgACAgIAAxkBAAIBlarge", photo.fileId());
        assertEquals(1280, photo.width());
        assertEquals("my receipt", m.caption());
        assertEquals("bold", m.captionEntities().get(0).type());
        assertEquals("13629837492834", m.mediaGroupId());
        assertEquals("my receipt", m.preview());
    }

    @Test
    void documentKeepsNameMimeAndSize() {
        MediaRef doc = message("document").media().get(0);
        assertEquals(MediaRef.Kind.DOCUMENT, doc.kind());
        assertEquals("invoice #12.pdf", doc.fileName());
        assertEquals("application/pdf", doc.mimeType());
        assertEquals(345678L, doc.fileSize());
        assertEquals("[document]", message("document").preview());
    }

    @ParameterizedTest
    @ValueSource(strings = {"voice", "video", "video_note", "audio", "sticker"})
    void everyMediaKindHasAFileReference(String name) {
        Message m = message(name);
        assertEquals(1, m.media().size(), name);
        MediaRef ref = m.media().get(0);
        assertEquals(name.toUpperCase(), ref.kind().name());
        assertFalse(ref.fileId().isBlank());
        assertTrue(ref.fileSize() > 0);
    }

    @Test
    void voiceAndStickerDetails() {
        assertEquals(7, message("voice").media().get(0).durationSeconds());
        assertEquals("audio/ogg", message("voice").media().get(0).mimeType());
        assertEquals("👍", message("sticker").media().get(0).emoji());
        assertEquals(240, message("video_note").media().get(0).width());
    }

    @Test
    void locationVenueAndContact() {
        assertEquals(55.751244, message("location").location().latitude(), 1e-9);
        assertEquals("Red Square", message("venue").location().venueTitle());
        assertEquals("[venue] Red Square", message("venue").preview());
        assertEquals("+79001234567", message("contact").contact().phoneNumber());
        assertEquals(5123456789L, message("contact").contact().userId());
    }

    @Test
    void replyInForumTopic() {
        Message m = message("reply_in_forum_topic");
        assertEquals(42L, m.threadId());
        assertEquals(12L, m.replyToMessageId());
        assertTrue(m.chat().isForum());
        assertEquals(-1002111740617L, m.chat().id());
        assertEquals(DialogKind.GROUP, m.chat().dialogKind());
    }

    @Test
    void editedMessage() {
        MessageUpdate u = assertInstanceOf(MessageUpdate.class, parse("edited_message"));
        assertTrue(u.edited());
        assertEquals(2L, u.message().messageId());
        assertEquals(1764160500L, u.message().editDate());
    }

    @Test
    void channelPostHasSenderChatAndNoFrom() {
        MessageUpdate u = assertInstanceOf(MessageUpdate.class, parse("channel_post"));
        assertEquals("channel_post", u.kind());
        assertNull(u.message().from());
        assertEquals(DialogKind.CHANNEL, u.message().chat().dialogKind());
        assertEquals("News", u.message().senderChat().title());
    }

    @Test
    void callbackQueries() {
        CallbackQuery q = assertInstanceOf(CallbackUpdate.class, parse("callback_query")).query();
        assertEquals("fb:yes", q.data());
        assertEquals(20L, q.messageId());
        assertEquals(5123456789L, q.chat().id());
        CallbackQuery inline = assertInstanceOf(CallbackUpdate.class, parse("callback_query_inline")).query();
        assertNull(inline.chat());
        assertEquals("AAAAAKx3AQDxrg", inline.inlineMessageId());
    }

    @Test
    void myChatMemberChanges() {
        ChatMemberChange blocked = assertInstanceOf(MembershipUpdate.class, parse("my_chat_member_blocked")).change();
        assertEquals("kicked", blocked.newStatus());
        assertFalse(blocked.botIsPresent());
        ChatMemberChange unblocked = assertInstanceOf(MembershipUpdate.class, parse("my_chat_member_unblocked")).change();
        assertTrue(unblocked.botIsPresent());
        ChatMemberChange added = assertInstanceOf(MembershipUpdate.class, parse("my_chat_member_group_added")).change();
        assertEquals("administrator", added.newStatus());
        assertEquals(TelegramChat.ChatType.SUPERGROUP, added.chat().type());
        assertEquals(123456789L, added.member().id());
    }

    @Test
    void serviceMessages() {
        ServiceEvent joined = message("new_chat_members").service();
        assertEquals(ServiceEvent.Type.MEMBERS_JOINED, joined.type());
        assertEquals(5123456789L, joined.members().get(0).id());
        assertEquals(ServiceEvent.Type.MEMBER_LEFT, message("left_chat_member").service().type());
        ServiceEvent to = message("migrate_to_chat_id").service();
        assertEquals(ServiceEvent.Type.MIGRATED_TO, to.type());
        assertEquals(-1002111740617L, to.migrateToChatId());
        ServiceEvent from = message("migrate_from_chat_id").service();
        assertEquals(-4012345678L, from.migrateFromChatId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown_kind_message_reaction", "unknown_kind_inline_query", "unknown_kind_future"})
    void unknownKindsAreAcknowledgedNotRejected(String name) {
        Unsupported u = assertInstanceOf(Unsupported.class, parse(name));
        assertTrue(u.updateId() > 0);
        assertFalse(u.kind().isBlank());
    }

    @Test
    void knownKindWithUnusableContentIsUnsupportedNotAnError() {
        Unsupported u = assertInstanceOf(Unsupported.class, parse("message_without_chat"));
        assertEquals("message", u.kind());
        assertEquals("message has no chat", u.reason());
    }

    @Test
    void sixtyFourBitIdsAndUnknownFields() {
        Message m = message("wide_ids_and_unknown_fields");
        assertEquals(9007199254740991L, m.chat().id());
        assertEquals(9007199254740991L, m.from().id());
        String big = "{\"update_id\":9223372036854775807,\"message\":{\"message_id\":1,\"date\":1,"
                + "\"chat\":{\"id\":-9223372036854775808,\"type\":\"supergroup\",\"title\":\"x\"},\"text\":\"hi\"}}";
        Message extreme = assertInstanceOf(MessageUpdate.class,
                ((UpdateParser.Outcome.Parsed) parser.parse(big.getBytes(StandardCharsets.UTF_8))).update()).message();
        assertEquals(Long.MIN_VALUE, extreme.chat().id());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "\"text\"", "{\"message\":{}}", "{\"update_id\":\"12\"}",
            "{\"update_id\":1.5}", "{\"update_id\":99999999999999999999999}", "{\"update_id\":1,", "null"})
    void malformedBodiesAreRejectedWithAReason(String body) {
        UpdateParser.Outcome outcome = parser.parse(body.getBytes(StandardCharsets.UTF_8));
        UpdateParser.Outcome.NotAnUpdate bad = assertInstanceOf(UpdateParser.Outcome.NotAnUpdate.class, outcome, body);
        assertFalse(bad.error().isBlank());
    }

    @Test
    void normalisedUpdatesRoundTripThroughJson() throws IOException {
        for (String name : new String[]{"photo_caption", "callback_query", "my_chat_member_blocked", "migrate_to_chat_id"}) {
            TelegramUpdate u = parse(name);
            String text = Json.mapper().writeValueAsString(u);
            assertEquals(u, Json.mapper().readValue(text, TelegramUpdate.class), name);
        }
    }
}
