package dev.tgdesk.domain;

/** A shared location; {@code venueTitle}/{@code venueAddress} are set when it was shared as a venue. */
public record Location(double latitude, double longitude, String venueTitle, String venueAddress) {
}
