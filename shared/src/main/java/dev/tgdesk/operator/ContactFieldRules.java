package dev.tgdesk.operator;

import dev.tgdesk.operator.api.ApiException;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Contact field rules: what a definition may look like ({@link #checkDefinition}) and what a value of a field may
 * be ({@link #validate}). The error's {@code field} is the contact field's name for values, the request
 * field for definitions.
 */
public final class ContactFieldRules {

    public static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    public static final int MAX_LABEL = 100;
    public static final int MAX_OPTIONS = 50;
    public static final int MAX_OPTION = 100;
    public static final int MAX_TEXT = 1000;
    public static final int MAX_FIELDS = 100;
    /** Names scenarios already use for the contact's own profile ({@code {{first_name}}} …). */
    public static final Set<String> RESERVED = Set.of("first_name", "last_name", "username", "language_code", "user_id", "chat_id");

    private ContactFieldRules() {
    }

    /**
     * The normalised value to store for {@code definition}, or null to clear the field (null or blank input).
     * text: trimmed, at most 1000 characters, no control characters except line breaks and tabs;
     * number: a decimal such as {@code -12.5} (no exponent, no thousands separators), stored without trailing zeros;
     * date: {@code YYYY-MM-DD}; choice: one of the options (case-insensitive; stored as the option is spelled).
     */
    public static String validate(ContactFieldDefinition definition, String value) {
        if (value == null || value.isBlank()) return null;
        String v = value.strip();
        String field = definition.name();
        return switch (definition.type()) {
            case TEXT -> {
                if (v.length() > MAX_TEXT) throw ApiException.badRequest(field, "at most " + MAX_TEXT + " characters");
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                        throw ApiException.badRequest(field, "control characters are not allowed");
                    }
                }
                yield v;
            }
            case NUMBER -> {
                if (v.length() > 40 || !v.matches("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)")) {
                    throw ApiException.badRequest(field, "must be a number such as 42 or -12.5");
                }
                BigDecimal n = new BigDecimal(v).stripTrailingZeros();
                yield n.signum() == 0 ? "0" : n.toPlainString();
            }
            case DATE -> {
                try {
                    yield LocalDate.parse(v).toString();
                } catch (DateTimeParseException e) {
                    throw ApiException.badRequest(field, "must be a date as YYYY-MM-DD");
                }
            }
            case CHOICE -> {
                for (String option : definition.options()) if (option.equals(v)) yield option;
                for (String option : definition.options()) if (option.equalsIgnoreCase(v)) yield option;
                throw ApiException.badRequest(field, "must be one of " + String.join(", ", definition.options()));
            }
        };
    }

    /** A definition as stored: name, label, type and options checked and normalised (options trimmed). */
    public static ContactFieldDefinition checkDefinition(String name, String label, String type, List<String> options) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.badRequest("name", "1–40 characters: lower-case letters, digits and _, starting with a letter");
        }
        if (RESERVED.contains(name)) throw ApiException.badRequest("name", name + " is a built-in contact attribute");
        if (label == null || label.isBlank()) throw ApiException.badRequest("label", "required");
        if (label.strip().length() > MAX_LABEL) throw ApiException.badRequest("label", "at most " + MAX_LABEL + " characters");
        ContactFieldDefinition.Type t = ContactFieldDefinition.Type.parse(type);
        if (t == null) throw ApiException.badRequest("type", "one of text, number, date, choice");
        List<String> cleaned = List.of();
        if (t == ContactFieldDefinition.Type.CHOICE) {
            if (options == null || options.isEmpty()) throw ApiException.badRequest("options", "a choice field needs at least one option");
            if (options.size() > MAX_OPTIONS) throw ApiException.badRequest("options", "at most " + MAX_OPTIONS + " options");
            Set<String> seen = new HashSet<>();
            cleaned = new java.util.ArrayList<>();
            for (String o : options) {
                if (o == null || o.isBlank()) throw ApiException.badRequest("options", "options must not be empty");
                String s = o.strip();
                if (s.length() > MAX_OPTION) throw ApiException.badRequest("options", "an option has at most " + MAX_OPTION + " characters");
                if (!seen.add(s.toLowerCase(Locale.ROOT))) throw ApiException.badRequest("options", "duplicate option " + s);
                cleaned.add(s);
            }
        } else if (options != null && !options.isEmpty()) {
            throw ApiException.badRequest("options", "only choice fields have options");
        }
        return new ContactFieldDefinition(name, label.strip(), t, cleaned);
    }
}
