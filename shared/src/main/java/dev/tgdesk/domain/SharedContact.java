package dev.tgdesk.domain;

/** A phone contact shared into the chat (not the Telegram user who sent it). */
public record SharedContact(String phoneNumber, String firstName, String lastName, Long userId) {
}
