package dev.tgdesk.outbound;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tgdesk.domain.Json;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns an {@link OutgoingMessage} into the Bot API calls that deliver it, and describes it for operators.
 *
 * <ul>
 * <li>Text goes with {@code parse_mode=HTML}: {@link OutgoingMessage.Format#PLAIN} text is escaped ({@code & < >}),
 *     HTML text is passed through.</li>
 * <li>Telegram counts the 4096-character limit (1024 for captions) in characters <em>after</em> entity parsing,
 *     i.e. in Unicode code points of the visible text. Longer texts are split on the best boundary that leaves a
 *     part at least half full: paragraph, line, sentence, word, else a hard cut between code points. HTML is
 *     never cut inside a tag or an entity, and tags open at a cut are closed at the end of the part and opened
 *     again at the start of the next.</li>
 * <li>Buttons and keyboards ({@code reply_markup}) go on the last call, so they sit under the end of the text;
 *     {@code message_thread_id} goes on every call.</li>
 * <li>Media go by {@code file_id} with the text as caption when it fits; a longer text (or any text with a
 *     sticker or video note, which take no caption) follows as separate {@code sendMessage} calls.</li>
 * </ul>
 */
public final class TelegramRequests {

    public static final int MAX_TEXT = 4096;
    public static final int MAX_CAPTION = 1024;
    public static final int PREVIEW_LENGTH = 160;

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern TAG = Pattern.compile("</?([A-Za-z][A-Za-z0-9-]*)\\b[^<>]*>");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});");

    private TelegramRequests() {
    }

    // ================================================================ calls

    /**
     * The calls, in order, that send {@code m} (each without {@code chat_id}).
     *
     * @throws IllegalArgumentException when there is nothing to send (no media, no visible text)
     */
    public static List<BotApiCall> calls(OutgoingMessage m) {
        String html = m.text() == null ? null : (m.format() == OutgoingMessage.Format.HTML ? m.text() : escapeHtml(m.text()));
        boolean hasText = html != null && !visibleText(html).isBlank();
        List<BotApiCall> calls = new ArrayList<>();
        List<String> textParts = List.of();
        if (m.media() != null) {
            ObjectNode media = NODES.objectNode();
            media.put(mediaField(m.media().kind()), m.media().fileId());
            boolean captionFits = hasText && takesCaption(m.media().kind()) && visibleLength(html) <= MAX_CAPTION;
            if (captionFits) {
                media.put("caption", html);
                media.put("parse_mode", "HTML");
            } else if (hasText) {
                textParts = splitHtml(html, MAX_TEXT);
            }
            calls.add(new BotApiCall(mediaMethod(m.media().kind()), media));
        } else {
            if (!hasText) throw new IllegalArgumentException("an outgoing message needs a text or a media file");
            textParts = splitHtml(html, MAX_TEXT);
        }
        for (String part : textParts) {
            ObjectNode p = NODES.objectNode();
            p.put("text", part);
            p.put("parse_mode", "HTML");
            calls.add(new BotApiCall("sendMessage", p));
        }
        if (m.threadId() != null) {
            for (BotApiCall c : calls) c.params().put("message_thread_id", m.threadId());
        }
        ObjectNode markup = replyMarkup(m.inlineButtons(), m.replyKeyboard(), m.removeKeyboard());
        if (markup != null) {
            calls.get(calls.size() - 1).params().set("reply_markup", markup);
            if (markup.has("inline_keyboard") && m.replyKeyboard() != null && calls.size() > 1) {
                // one reply_markup per message: the keyboard rides on the first part, the buttons on the last
                calls.get(0).params().set("reply_markup", replyMarkup(List.of(), m.replyKeyboard(), false));
            }
        }
        return calls;
    }

    /** {@code editMessageText} (or {@code editMessageReplyMarkup} when the edit has no text) of a sent message. */
    public static BotApiCall edit(OutboundCommand.Edit edit, long messageId) {
        ObjectNode p = NODES.objectNode();
        p.put("message_id", messageId);
        ObjectNode markup = replyMarkup(edit.inlineButtons() == null ? List.of() : edit.inlineButtons(), null, false);
        if (edit.text() == null) {
            p.set("reply_markup", markup == null ? NODES.objectNode().set("inline_keyboard", NODES.arrayNode()) : markup);
            return new BotApiCall("editMessageReplyMarkup", p);
        }
        String html = splitHtml(escapeHtml(edit.text()), MAX_TEXT).get(0); // an edit cannot add parts
        p.put("text", html);
        p.put("parse_mode", "HTML");
        if (markup != null) p.set("reply_markup", markup);
        return new BotApiCall("editMessageText", p);
    }

    /** {@code answerCallbackQuery}. */
    public static BotApiCall answerCallback(OutboundCommand.AnswerCallback a) {
        ObjectNode p = NODES.objectNode();
        p.put("callback_query_id", a.callbackQueryId());
        if (a.text() != null) p.put("text", a.text().length() > 200 ? a.text().substring(0, 199) + "…" : a.text());
        if (a.showAlert()) p.put("show_alert", true);
        return new BotApiCall("answerCallbackQuery", p);
    }

    public static String mediaMethod(OutgoingMessage.MediaKind kind) {
        return switch (kind) {
            case PHOTO -> "sendPhoto";
            case DOCUMENT -> "sendDocument";
            case VIDEO -> "sendVideo";
            case VOICE -> "sendVoice";
            case AUDIO -> "sendAudio";
            case ANIMATION -> "sendAnimation";
            case STICKER -> "sendSticker";
            case VIDEO_NOTE -> "sendVideoNote";
        };
    }

    /** The parameter that carries the file: {@code photo}, {@code document}, … {@code video_note}. */
    public static String mediaField(OutgoingMessage.MediaKind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }

    private static boolean takesCaption(OutgoingMessage.MediaKind kind) {
        return kind != OutgoingMessage.MediaKind.STICKER && kind != OutgoingMessage.MediaKind.VIDEO_NOTE;
    }

    private static ObjectNode replyMarkup(List<List<OutgoingMessage.InlineButton>> inline,
                                          OutgoingMessage.ReplyKeyboard keyboard, boolean remove) {
        if (inline != null && !inline.isEmpty()) {
            ObjectNode markup = NODES.objectNode();
            ArrayNode rows = markup.putArray("inline_keyboard");
            for (List<OutgoingMessage.InlineButton> row : inline) {
                ArrayNode r = rows.addArray();
                for (OutgoingMessage.InlineButton b : row) {
                    ObjectNode button = r.addObject().put("text", b.text());
                    if (b.url() != null) button.put("url", b.url());
                    else button.put("callback_data", b.callbackData());
                }
            }
            return markup;
        }
        if (keyboard != null && !keyboard.rows().isEmpty()) {
            ObjectNode markup = NODES.objectNode();
            ArrayNode rows = markup.putArray("keyboard");
            for (List<String> row : keyboard.rows()) {
                ArrayNode r = rows.addArray();
                for (String label : row) r.addObject().put("text", label);
            }
            if (keyboard.oneTime()) markup.put("one_time_keyboard", true);
            if (keyboard.resize()) markup.put("resize_keyboard", true);
            return markup;
        }
        if (remove) return NODES.objectNode().put("remove_keyboard", true);
        return null;
    }

    // ================================================================ display

    /** One line for inbox rows and the stored entry: visible text (or caption) or a media label, shortened. */
    public static String preview(OutgoingMessage m) {
        String text = m.text() == null ? "" : (m.format() == OutgoingMessage.Format.HTML ? visibleText(m.text()) : m.text());
        String flat = text.replaceAll("\\s+", " ").strip();
        if (m.media() != null) {
            String label = "[" + m.media().kind().name().toLowerCase(Locale.ROOT).replace('_', ' ') + "]";
            flat = flat.isEmpty() ? label : label + " " + flat;
        }
        if (flat.length() <= PREVIEW_LENGTH) return flat;
        int cut = PREVIEW_LENGTH;
        if (Character.isHighSurrogate(flat.charAt(cut - 1))) cut--;
        return flat.substring(0, cut) + "…";
    }

    /**
     * The content as operators see it in the history, like inbound entries' {@code data}:
     * {@code {"text","format","media":{"kind","file_id"},"inline_buttons":[[…]],"reply_keyboard":…,"remove_keyboard"}}.
     */
    public static String displayJson(OutgoingMessage m) {
        ObjectNode d = NODES.objectNode();
        if (m.text() != null) {
            d.put("text", m.text());
            d.put("format", m.format().name().toLowerCase(Locale.ROOT));
        }
        if (m.threadId() != null) d.put("thread_id", m.threadId());
        if (m.media() != null) {
            d.putObject("media").put("kind", m.media().kind().name().toLowerCase(Locale.ROOT)).put("file_id", m.media().fileId());
        }
        if (!m.inlineButtons().isEmpty()) {
            ArrayNode rows = d.putArray("inline_buttons");
            for (List<OutgoingMessage.InlineButton> row : m.inlineButtons()) {
                ArrayNode r = rows.addArray();
                for (OutgoingMessage.InlineButton b : row) {
                    ObjectNode button = r.addObject().put("text", b.text());
                    if (b.url() != null) button.put("url", b.url());
                    if (b.callbackData() != null) button.put("callback_data", b.callbackData());
                }
            }
        }
        if (m.replyKeyboard() != null) {
            ObjectNode k = d.putObject("reply_keyboard");
            ArrayNode rows = k.putArray("rows");
            m.replyKeyboard().rows().forEach(row -> {
                ArrayNode r = rows.addArray();
                row.forEach(r::add);
            });
            k.put("one_time", m.replyKeyboard().oneTime()).put("resize", m.replyKeyboard().resize());
        }
        if (m.removeKeyboard()) d.put("remove_keyboard", true);
        return Json.write(Json.mapper(), d);
    }

    // ================================================================ HTML text

    /** Escapes {@code & < >} for {@code parse_mode=HTML} (quotes need no escaping outside attributes). */
    public static String escapeHtml(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** What Telegram shows for an HTML text: tags removed, entities decoded. */
    public static String visibleText(String html) {
        StringBuilder out = new StringBuilder(html.length());
        for (Unit u : units(html)) if (!u.tag()) out.appendCodePoint(u.visible());
        return out.toString();
    }

    /** Characters Telegram counts for the length limits: code points of the visible text. */
    public static int visibleLength(String html) {
        int n = 0;
        for (Unit u : units(html)) if (!u.tag()) n++;
        return n;
    }

    /**
     * Splits an HTML text into parts of at most {@code limit} visible characters each (see the class comment).
     * A text that fits comes back unchanged as the only part.
     */
    public static List<String> splitHtml(String html, int limit) {
        if (limit < 2) throw new IllegalArgumentException("limit too small: " + limit);
        List<Unit> units = units(html);
        int visibleCount = 0;
        for (Unit u : units) if (!u.tag()) visibleCount++;
        if (visibleCount <= limit) return List.of(html);

        List<String> parts = new ArrayList<>();
        Deque<Unit> open = new ArrayDeque<>(); // open tags, innermost last
        int i = 0;
        while (i < units.size()) {
            // visible characters from i: collect up to limit + 1 to see what follows the window
            StringBuilder window = new StringBuilder();
            List<Integer> unitOfChar = new ArrayList<>();
            int j = i;
            while (j < units.size() && unitOfChar.size() <= limit) {
                Unit u = units.get(j);
                if (!u.tag()) {
                    window.appendCodePoint(u.visible());
                    unitOfChar.add(j);
                }
                j++;
            }
            int end; // unit index (exclusive) where this part ends
            if (unitOfChar.size() <= limit) {
                end = units.size();
            } else {
                int cut = cutPoint(window, unitOfChar.size(), limit); // in code points, 1..limit
                end = unitOfChar.get(cut);
            }
            StringBuilder part = new StringBuilder();
            for (Unit t : open) part.append(t.raw());
            int lastVisible = end - 1;
            while (lastVisible >= i && !units.get(lastVisible).tag() && Character.isWhitespace(units.get(lastVisible).visible())) {
                lastVisible--;
            }
            boolean anyVisible = false;
            for (int k = i; k < end; k++) {
                Unit u = units.get(k);
                if (u.tag()) {
                    part.append(u.raw());
                    track(open, u);
                } else if (k <= lastVisible) {
                    part.append(u.raw());
                    if (!Character.isWhitespace(u.visible())) anyVisible = true;
                }
            }
            Iterator<Unit> closing = open.descendingIterator();
            while (closing.hasNext()) part.append("</").append(closing.next().name()).append('>');
            if (anyVisible) parts.add(part.toString());
            i = end;
        }
        return parts;
    }

    /**
     * Where to cut a window of visible text (code points; {@code length} = limit + 1 so the character after the
     * limit is known): the best boundary at or after half the limit, else a hard cut at the limit.
     */
    private static int cutPoint(StringBuilder window, int length, int limit) {
        int[] cps = window.codePoints().toArray();
        int min = limit / 2;
        // paragraph: after a blank line
        for (int k = limit; k >= min; k--) if (k >= 2 && cps[k - 1] == '\n' && cps[k - 2] == '\n') return k;
        // line
        for (int k = limit; k >= min; k--) if (cps[k - 1] == '\n') return k;
        // sentence: after . ! ? … followed by whitespace
        for (int k = limit; k >= min; k--) {
            if (k < length && Character.isWhitespace(cps[k]) && isSentenceEnd(cps[k - 1])) return k;
            if (k >= 2 && Character.isWhitespace(cps[k - 1]) && isSentenceEnd(cps[k - 2])) return k;
        }
        // word: after whitespace
        for (int k = limit; k >= min; k--) if (Character.isWhitespace(cps[k - 1])) return k;
        return limit;
    }

    private static boolean isSentenceEnd(int cp) {
        return cp == '.' || cp == '!' || cp == '?' || cp == '…' || cp == '。';
    }

    private static void track(Deque<Unit> open, Unit tag) {
        if (tag.raw().startsWith("</")) {
            // close the innermost tag of that name (well-formed input closes the last one)
            Iterator<Unit> it = open.descendingIterator();
            while (it.hasNext()) {
                if (it.next().name().equals(tag.name())) {
                    it.remove();
                    return;
                }
            }
        } else if (!tag.raw().endsWith("/>")) {
            open.addLast(tag);
        }
    }

    /** A tag (no visible width) or one visible code point (written as itself or as an entity). */
    private record Unit(String raw, boolean tag, String name, int visible) {
    }

    private static List<Unit> units(String html) {
        List<Unit> units = new ArrayList<>(html.length());
        Matcher tag = TAG.matcher(html);
        Matcher entity = ENTITY.matcher(html);
        int i = 0;
        while (i < html.length()) {
            char c = html.charAt(i);
            if (c == '<' && tag.find(i) && tag.start() == i) {
                units.add(new Unit(tag.group(), true, tag.group(1).toLowerCase(Locale.ROOT), 0));
                i = tag.end();
            } else if (c == '&' && entity.find(i) && entity.start() == i) {
                units.add(new Unit(entity.group(), false, null, decodeEntity(entity.group(1))));
                i = entity.end();
            } else {
                int cp = html.codePointAt(i);
                int n = Character.charCount(cp);
                units.add(new Unit(html.substring(i, i + n), false, null, cp));
                i += n;
            }
        }
        return units;
    }

    private static int decodeEntity(String name) {
        if (name.startsWith("#")) {
            int cp;
            try {
                cp = name.startsWith("#x") || name.startsWith("#X")
                        ? Integer.parseInt(name.substring(2), 16) : Integer.parseInt(name.substring(1));
            } catch (NumberFormatException e) {
                return '?';
            }
            return Character.isValidCodePoint(cp) && !Character.isSurrogate((char) cp) || cp > 0xFFFF && Character.isValidCodePoint(cp) ? cp : '?';
        }
        return switch (name) {
            case "lt" -> '<';
            case "gt" -> '>';
            case "amp" -> '&';
            case "quot" -> '"';
            case "nbsp" -> ' ';
            default -> '?';
        };
    }
}
