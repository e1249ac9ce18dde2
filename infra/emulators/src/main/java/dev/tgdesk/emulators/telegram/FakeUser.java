package dev.tgdesk.emulators.telegram;

import java.util.Objects;

/**
 * A simulated Telegram user. Register it with {@link FakeTelegram#addUser}; the private chat of a
 * bot with the user has the user's id.
 *
 * @param lastName     may be null
 * @param username     without "@", may be null
 * @param languageCode IETF tag such as "en", may be null
 */
public record FakeUser(long id, String firstName, String lastName, String username, String languageCode) {

    public FakeUser {
        if (id <= 0) {
            throw new IllegalArgumentException("user ids are positive: " + id);
        }
        Objects.requireNonNull(firstName, "firstName");
    }
}
