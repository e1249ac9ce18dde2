package dev.tgdesk.emulators.telegram;

import java.time.Duration;
import java.util.Objects;

/**
 * Something to go wrong with a call, armed with {@link FakeBot#failNext(String, int, Fault)}.
 */
public sealed interface Fault {

    /** Answer with a Bot API error instead of performing the call. */
    record Error(int errorCode, String description, Integer retryAfterSeconds) implements Fault {
        public Error {
            Objects.requireNonNull(description, "description");
        }
    }

    /** Answer with an arbitrary HTTP response, e.g. a proxy's HTML error page. */
    record RawResponse(int status, String contentType, String body) implements Fault {
        public RawResponse {
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }

    /**
     * Wait, then perform the call normally. Makes clients time out while the call still takes
     * effect, as with a real slow server (a "timed out" message may still have been sent).
     */
    record Delay(Duration delay) implements Fault {
        public Delay {
            Objects.requireNonNull(delay, "delay");
        }
    }

    /**
     * The request is lost on the way: the fake holds it for {@code after} (make that longer than the client's
     * timeout), never performs it, then answers 504 Gateway Timeout to whoever still listens.
     */
    record Lost(Duration after) implements Fault {
        public Lost {
            Objects.requireNonNull(after, "after");
        }
    }

    static Fault lost(Duration after) {
        return new Lost(after);
    }

    /** 403 "Forbidden: bot was blocked by the user" without changing the fake's state. */
    static Fault blockedByUser() {
        return new Error(403, "Forbidden: bot was blocked by the user", null);
    }

    static Fault error(int errorCode, String description) {
        return new Error(errorCode, description, null);
    }

    /** 500 "Internal Server Error", as Telegram answers during incidents. */
    static Fault internalServerError() {
        return new Error(500, "Internal Server Error", null);
    }

    /** 429 "Too Many Requests: retry after N" with {@code parameters.retry_after = N}. */
    static Fault tooManyRequests(int retryAfterSeconds) {
        return new Error(429, "Too Many Requests: retry after " + retryAfterSeconds, retryAfterSeconds);
    }

    /** The HTML page nginx serves when the API behind it is down. */
    static Fault badGatewayHtml() {
        return new RawResponse(502, "text/html", """
                <html>
                <head><title>502 Bad Gateway</title></head>
                <body>
                <center><h1>502 Bad Gateway</h1></center>
                <hr><center>nginx</center>
                </body>
                </html>
                """);
    }

    static Fault delay(Duration delay) {
        return new Delay(delay);
    }
}
