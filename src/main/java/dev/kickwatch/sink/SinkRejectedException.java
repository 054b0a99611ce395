package dev.kickwatch.sink;

/**
 * The peer refused this message for good (a 4xx that is neither a rate limit nor a "gone" status): it goes to the
 * sink's rejected journal and the sink goes on. Not a circuit-breaker failure. Carries no URL.
 */
public class SinkRejectedException extends RuntimeException {

    public SinkRejectedException(String message) {
        super(message, null, false, false);
    }
}
