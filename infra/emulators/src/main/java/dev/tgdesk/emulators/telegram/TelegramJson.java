package dev.tgdesk.emulators.telegram;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds Bot API objects the way Telegram serializes them (field names, optional fields omitted). */
final class TelegramJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    // Entities Telegram detects in plain text. Offsets and lengths are UTF-16 code units, like Java's.
    private static final Pattern BOT_COMMAND =
            Pattern.compile("(?<![^\\s])/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?(?![A-Za-z0-9_@/])");
    private static final Pattern MENTION = Pattern.compile("(?<![^\\s])@[A-Za-z][A-Za-z0-9_]{3,31}(?![A-Za-z0-9_])");
    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"]+[^\\s<>\".,;:!?)]");

    private record Detector(Pattern pattern, String type) {
    }

    private static final List<Detector> DETECTORS = List.of(
            new Detector(BOT_COMMAND, "bot_command"), new Detector(MENTION, "mention"), new Detector(URL, "url"));

    private static final Pattern MD_LINK = Pattern.compile("\\[([^\\]]*)]\\([^)]*\\)");

    private TelegramJson() {
    }

    static ObjectNode user(FakeUser user) {
        ObjectNode node = NODES.objectNode()
                .put("id", user.id())
                .put("is_bot", false)
                .put("first_name", user.firstName());
        putIfNotNull(node, "last_name", user.lastName());
        putIfNotNull(node, "username", user.username());
        putIfNotNull(node, "language_code", user.languageCode());
        return node;
    }

    static ObjectNode botUser(FakeBot bot) {
        return NODES.objectNode()
                .put("id", bot.id())
                .put("is_bot", true)
                .put("first_name", bot.firstName())
                .put("username", bot.username());
    }

    /** The private chat of a bot with {@code user}. */
    static ObjectNode privateChat(FakeUser user) {
        ObjectNode node = NODES.objectNode()
                .put("id", user.id())
                .put("first_name", user.firstName());
        putIfNotNull(node, "last_name", user.lastName());
        putIfNotNull(node, "username", user.username());
        return node.put("type", "private");
    }

    static ObjectNode groupChat(FakeGroup group) {
        ObjectNode node = NODES.objectNode()
                .put("id", group.id())
                .put("title", group.title());
        putIfNotNull(node, "username", group.username());
        node.put("type", group.type().json());
        if (group.type() == FakeGroup.Type.GROUP) {
            node.put("all_members_are_administrators", true); // legacy field Telegram still sends for basic groups
        }
        if (group.isForum()) {
            node.put("is_forum", true);
        }
        return node;
    }

    /** The user Telegram shows as the sender of messages "from the group itself". */
    static ObjectNode groupAnonymousBot() {
        return NODES.objectNode()
                .put("id", 1087968824L)
                .put("is_bot", true)
                .put("first_name", "Group")
                .put("username", "GroupAnonymousBot");
    }

    /** {@code bot_command}, {@code mention} and {@code url} entities, or null when there are none. */
    static ArrayNode detectEntities(String text) {
        record Found(int offset, int length, String type) {
        }
        List<Found> found = new ArrayList<>();
        for (Detector detector : DETECTORS) {
            Matcher m = detector.pattern().matcher(text);
            while (m.find()) {
                found.add(new Found(m.start(), m.end() - m.start(), detector.type()));
            }
        }
        if (found.isEmpty()) {
            return null;
        }
        found.sort(Comparator.comparingInt(Found::offset));
        ArrayNode entities = NODES.arrayNode();
        int end = 0;
        for (Found f : found) {
            if (f.offset() >= end) { // overlapping matches: the earlier one wins
                entities.addObject().put("offset", f.offset()).put("length", f.length()).put("type", f.type());
                end = f.offset() + f.length();
            }
        }
        return entities;
    }

    /**
     * The text a user sees once {@code parse_mode} markup is removed, which is what Telegram's
     * length limit applies to. An approximation: tags and escapes are stripped, not validated.
     */
    static String visibleText(String text, String parseMode) {
        if (parseMode == null) {
            return text;
        }
        return switch (parseMode.toLowerCase(Locale.ROOT)) {
            case "html" -> HtmlText.visible(text);
            case "markdownv2" -> stripMarkdown(text, true);
            case "markdown" -> stripMarkdown(text, false);
            default -> throw ApiError.badRequest("unsupported parse_mode");
        };
    }

    private static String stripMarkdown(String text, boolean v2) {
        String unlinked = MD_LINK.matcher(text).replaceAll(m -> Matcher.quoteReplacement(m.group(1)));
        StringBuilder out = new StringBuilder(unlinked.length());
        for (int i = 0; i < unlinked.length(); i++) {
            char c = unlinked.charAt(i);
            if (v2 && c == '\\' && i + 1 < unlinked.length()) {
                out.append(unlinked.charAt(++i));
            } else if (c != '*' && c != '_' && c != '`' && !(v2 && (c == '~' || c == '|'))) {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** A file_id shaped like Telegram's: a type-specific prefix and URL-safe base64. */
    static String fileId(String prefix, int randomBytes) {
        return prefix + randomBase64(randomBytes);
    }

    static String randomBase64(int bytes) {
        byte[] random = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private static void putIfNotNull(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
