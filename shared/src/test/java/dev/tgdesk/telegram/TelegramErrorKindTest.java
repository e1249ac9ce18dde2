package dev.tgdesk.telegram;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TelegramErrorKindTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            429 | Too Many Requests: retry after 5                                 | RATE_LIMITED
            500 | Internal Server Error                                            | SERVER
            502 | Bad Gateway                                                      | SERVER
            403 | Forbidden: bot was blocked by the user                           | BLOCKED_BY_USER
            403 | Forbidden: user is deactivated                                   | USER_DEACTIVATED
            403 | Forbidden: bot is not a member of the supergroup chat            | NOT_MEMBER
            403 | Forbidden: bot is not a member of the channel chat               | NOT_MEMBER
            403 | Forbidden: bot was kicked from the group chat                    | KICKED
            403 | Forbidden: bot was kicked from the supergroup chat               | KICKED
            403 | Forbidden: bot can't initiate conversation with a user           | CANT_INITIATE
            403 | Forbidden: not enough rights to send text messages to the chat   | FORBIDDEN
            400 | Bad Request: chat not found                                      | CHAT_NOT_FOUND
            400 | Bad Request: message thread not found                            | THREAD_NOT_FOUND
            400 | Bad Request: message is too long                                 | TOO_LONG
            400 | Bad Request: message caption is too long                         | TOO_LONG
            400 | Bad Request: group chat was upgraded to a supergroup chat        | CHAT_MIGRATED
            400 | Bad Request: message text is empty                               | BAD_REQUEST
            401 | Unauthorized                                                     | UNAUTHORIZED
            404 | Not Found                                                        | NOT_FOUND
            409 | Conflict: terminated by other getUpdates request                 | CONFLICT
            418 | I'm a teapot                                                     | UNKNOWN
            """)
    void classifiesTelegramTexts(int code, String description, TelegramErrorKind expected) {
        assertEquals(expected, TelegramErrorKind.classify(code, description, null));
    }

    @ParameterizedTest
    @CsvSource({"429,true", "500,true", "503,true", "400,false", "403,false", "404,false", "409,false"})
    void retryableAre429And5xx(int code, boolean retryable) {
        assertEquals(retryable, new TelegramApiException("sendMessage", code, null, null, null).isRetryable());
    }

    @org.junit.jupiter.api.Test
    void unreachableChats() {
        assertTrue(TelegramErrorKind.BLOCKED_BY_USER.isChatUnreachable());
        assertTrue(TelegramErrorKind.CHAT_NOT_FOUND.isChatUnreachable());
        assertFalse(TelegramErrorKind.TOO_LONG.isChatUnreachable());
        assertFalse(TelegramErrorKind.RATE_LIMITED.isChatUnreachable());
        assertEquals(TelegramErrorKind.CHAT_MIGRATED, TelegramErrorKind.classify(400, null, -100L));
        assertEquals(TelegramErrorKind.BAD_REQUEST, TelegramErrorKind.classify(400, null, null));
    }
}
