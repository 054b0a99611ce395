package dev.kickwatch.sink;

/**
 * The peer answered a "gone" status (Discord: 401, 403, 404 — deleted or wrong webhook): nothing more is sent to it
 * until restart, readiness is DOWN, and its messages are journaled for a start with a working URL. Not a
 * circuit-breaker failure. Carries no URL.
 */
public class WebhookGoneException extends RuntimeException {

    public WebhookGoneException(String message) {
        super(message, null, false, false);
    }
}
