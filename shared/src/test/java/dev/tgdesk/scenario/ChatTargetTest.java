package dev.tgdesk.scenario;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ChatTargetTest {

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
            "@support_team; @support_team; ",
            "  @Support_Team ; @support_team; ",
            "t.me/support_team; @support_team; ",
            "https://t.me/support_team; @support_team; ",
            "http://telegram.me/support_team/; @support_team; ",
            "https://t.me/support_team?start=x; @support_team; ",
            "https://t.me/support_team/42; @support_team; 42",
            "https://t.me/c/2111740617/7; -1002111740617; 7",
            "t.me/c/2111740617; -1002111740617; ",
            "-1002111740617; -1002111740617; ",
            "5123456789; 5123456789; ",
            "-4012345678; -4012345678; "})
    void acceptedForms(String input, String chatId, Long threadId) {
        ChatTarget target = ChatTarget.parse(input);
        assertEquals(chatId, target.chatId());
        assertEquals(threadId, target.threadId());
    }

    @Test
    void numericTargetsKeep64Bits() {
        ChatTarget t = ChatTarget.parse("-1002111740617");
        assertFalse(t.isUsername());
        assertEquals(-1002111740617L, t.numericId());
        assertTrue(ChatTarget.parse("@abcde").isUsername());
        assertNull(ChatTarget.parse("@abcde").numericId());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   ", "@", "@abc", "@1abcde", "@abcde_", "@ab__cd", "support team", "https://example.com/x",
            "t.me/+AbCdEf123", "https://t.me/joinchat/AAAA", "t.me/c/abc/1", "t.me/support_team/zero",
            "99999999999999999999", "0", "https://t.me/"})
    void rejectedFormsSayWhy(String input) {
        ChatTarget.InvalidTarget e = assertThrows(ChatTarget.InvalidTarget.class, () -> ChatTarget.parse(input));
        assertFalse(e.getMessage().isBlank());
    }

    @Test
    void inviteLinksExplainWhatToDoInstead() {
        var e = assertThrows(ChatTarget.InvalidTarget.class, () -> ChatTarget.parse("https://t.me/+AbCdEf123"));
        assertTrue(e.getMessage().contains("invite link"), e.getMessage());
    }
}
