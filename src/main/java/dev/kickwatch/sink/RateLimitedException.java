package dev.kickwatch.sink;

/**
 * Discord answered 429: the same message is sent again after exactly {@link #getRetryAfterMs()} by Camel's
 * redelivery ({@link RetryAfter} sets the delay). Not a circuit-breaker failure. Carries no URL.
 */
public class RateLimitedException extends RuntimeException {

    private final long retryAfterMs;

    public RateLimitedException(String message, long retryAfterMs) {
        super(message, null, false, false);
        this.retryAfterMs = retryAfterMs;
    }

    public long getRetryAfterMs() {
        return retryAfterMs;
    }
}
