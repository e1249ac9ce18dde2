package dev.tgdesk.scenario;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A scenario text: one string for everyone, or one per language ({@code {"en": "Hi", "ru": "Привет"}}).
 * In JSON it is written back the way it was given (a string, or an object in the original key order).
 *
 * @param values texts by language code; a single-language text uses the key {@link #ANY}
 */
public record Text(Map<String, String> values) {

    /** The key of a text given as a plain string. */
    public static final String ANY = "";

    public Text {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    }

    public static Text of(String text) {
        return new Text(Map.of(ANY, text));
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static Text fromJson(Object json) {
        if (json instanceof Map<?, ?> map) {
            Map<String, String> values = new LinkedHashMap<>();
            map.forEach((k, v) -> values.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
            return new Text(values);
        }
        return of(json == null ? "" : String.valueOf(json));
    }

    @JsonValue
    Object json() {
        return isPlain() ? values.get(ANY) : values;
    }

    public boolean isPlain() {
        return values.size() == 1 && values.containsKey(ANY);
    }

    /** All variants, e.g. to accept an answer typed in any language. */
    public java.util.Collection<String> variants() {
        return values.values();
    }

    /**
     * The variant for a contact: the language of {@code languageCode} ("ru-RU" → "ru"), else
     * {@code defaultLanguage}, else the first variant.
     */
    public String pick(String languageCode, String defaultLanguage) {
        if (values.isEmpty()) return "";
        if (isPlain()) return values.get(ANY);
        String lang = language(languageCode);
        if (lang != null && values.containsKey(lang)) return values.get(lang);
        if (defaultLanguage != null && values.containsKey(defaultLanguage)) return values.get(defaultLanguage);
        return values.values().iterator().next();
    }

    /** The language part of a Telegram {@code language_code}: "pt-BR" → "pt"; null when absent. */
    public static String language(String languageCode) {
        if (languageCode == null || languageCode.isBlank()) return null;
        String s = languageCode.strip().toLowerCase(Locale.ROOT);
        int cut = s.indexOf('-');
        if (cut < 0) cut = s.indexOf('_');
        return cut < 0 ? s : s.substring(0, cut);
    }
}
