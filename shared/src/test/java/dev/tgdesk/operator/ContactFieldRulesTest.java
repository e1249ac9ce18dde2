package dev.tgdesk.operator;

import dev.tgdesk.operator.api.ApiException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ContactFieldRulesTest {

    static final ContactFieldDefinition TEXT = ContactFieldRules.checkDefinition("city", "City", "text", null);
    static final ContactFieldDefinition NUMBER = ContactFieldRules.checkDefinition("orders", "Orders", "number", List.of());
    static final ContactFieldDefinition DATE = ContactFieldRules.checkDefinition("birthday", "Birthday", "date", null);
    static final ContactFieldDefinition CHOICE = ContactFieldRules.checkDefinition("tier", "Tier", "choice", List.of(" Gold ", "Silver"));

    @Test
    void textIsTrimmedAndBounded() {
        assertEquals("Berlin", ContactFieldRules.validate(TEXT, "  Berlin "));
        assertEquals("two\nlines", ContactFieldRules.validate(TEXT, "two\nlines"));
        assertNull(ContactFieldRules.validate(TEXT, "   "));
        assertNull(ContactFieldRules.validate(TEXT, null));
        assertField("city", () -> ContactFieldRules.validate(TEXT, "x".repeat(1001)));
        assertField("city", () -> ContactFieldRules.validate(TEXT, "bell\u0007"));
    }

    @Test
    void numbersAreDecimalsNormalised() {
        assertEquals("42", ContactFieldRules.validate(NUMBER, "42"));
        assertEquals("-12.5", ContactFieldRules.validate(NUMBER, "-12.50"));
        assertEquals("0", ContactFieldRules.validate(NUMBER, "0.000"));
        assertEquals("1000", ContactFieldRules.validate(NUMBER, "1000"));
        assertEquals("0.5", ContactFieldRules.validate(NUMBER, ".5"));
        for (String bad : new String[] {"1,5", "1e10", "NaN", "Infinity", "12 apples", "--1", "1.2.3", "0x10"}) {
            assertField("orders", () -> ContactFieldRules.validate(NUMBER, bad));
        }
    }

    @Test
    void datesAreIsoCalendarDates() {
        assertEquals("2024-02-29", ContactFieldRules.validate(DATE, "2024-02-29"));
        for (String bad : new String[] {"2023-02-29", "29.02.2024", "2024-2-1", "2024-13-01", "tomorrow"}) {
            assertField("birthday", () -> ContactFieldRules.validate(DATE, bad));
        }
    }

    @Test
    void choicesMustBeAnOptionSpelledAsDefined() {
        assertEquals(List.of("Gold", "Silver"), CHOICE.options());
        assertEquals("Gold", ContactFieldRules.validate(CHOICE, "gold"));
        assertEquals("Silver", ContactFieldRules.validate(CHOICE, "Silver"));
        assertField("tier", () -> ContactFieldRules.validate(CHOICE, "Bronze"));
    }

    @Test
    void definitionsAreChecked() {
        assertField("name", () -> ContactFieldRules.checkDefinition("City", "City", "text", null));
        assertField("name", () -> ContactFieldRules.checkDefinition("1city", "City", "text", null));
        assertField("name", () -> ContactFieldRules.checkDefinition("a".repeat(41), "A", "text", null));
        assertField("name", () -> ContactFieldRules.checkDefinition("first_name", "First name", "text", null));
        assertEquals("a".repeat(40), ContactFieldRules.checkDefinition("a".repeat(40), "A", "text", null).name());
        assertField("label", () -> ContactFieldRules.checkDefinition("city", " ", "text", null));
        assertField("type", () -> ContactFieldRules.checkDefinition("city", "City", "string", null));
        assertField("options", () -> ContactFieldRules.checkDefinition("tier", "Tier", "choice", List.of()));
        assertField("options", () -> ContactFieldRules.checkDefinition("tier", "Tier", "choice", List.of("a", "A")));
        assertField("options", () -> ContactFieldRules.checkDefinition("tier", "Tier", "choice", List.of("a", " ")));
        assertField("options", () -> ContactFieldRules.checkDefinition("city", "City", "text", List.of("a")));
    }

    static void assertField(String field, org.junit.jupiter.api.function.Executable call) {
        ApiException e = assertThrows(ApiException.class, call);
        assertEquals(400, e.status());
        assertEquals(field, e.field());
    }
}
