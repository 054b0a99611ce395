package dev.kickwatch.webhook;

import java.util.Locale;

/** Where Kick's events come from ({@code kick.source}): the Pusher socket, Kick's signed webhooks, or both. */
public enum KickSource {
    PUSHER, WEBHOOK, BOTH;

    /** One line naming the setting when the value is none of the three. */
    public static KickSource of(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "pusher" -> PUSHER;
            case "webhook" -> WEBHOOK;
            case "both" -> BOTH;
            default -> throw new IllegalArgumentException("kick.source (KICK_SOURCE) must be pusher, webhook or both, not '"
                    + value.trim() + "'");
        };
    }

    /** The webhook listener runs. */
    public boolean listens() {
        return this != PUSHER;
    }

    /** The Pusher socket is opened. */
    public boolean usesSocket() {
        return this != WEBHOOK;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
