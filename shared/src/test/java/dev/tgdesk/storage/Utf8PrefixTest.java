package dev.tgdesk.storage;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Utf8PrefixTest {

    @Test
    void cutsByEncodedSizeWithoutSplittingCharacters() {
        String cyrillic = "ж".repeat(1000);             // 2 bytes each
        String cut = DynamoInboxStore.utf8Prefix(cyrillic, 1001);
        assertEquals(500, cut.length());
        String emoji = "👍".repeat(10);                  // 4 bytes, two UTF-16 units each
        String e = DynamoInboxStore.utf8Prefix(emoji, 10);
        assertEquals("👍👍", e);
        assertTrue(e.getBytes(StandardCharsets.UTF_8).length <= 10);
        assertEquals("short", DynamoInboxStore.utf8Prefix("short", 100));
    }
}
