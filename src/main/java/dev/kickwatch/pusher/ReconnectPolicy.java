package dev.kickwatch.pusher;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Decides how long to wait before the next connection attempt, from the Pusher close code (protocol 7):
 * 4000-4099 never with the same settings (only at a slow cap), 4100-4199 back off, 4200-4299 at once,
 * anything else exponential back-off with full jitter. Not thread-safe: used from one Vert.x context.
 */
final class ReconnectPolicy {

    /** What a close code asks for. */
    enum Action { FATAL, BACK_OFF, AT_ONCE, DROP }

    /** Immediate reconnects in a row after which an unstable server gets back-off anyway. */
    static final int MAX_IMMEDIATE = 3;

    private final long initialMs;
    private final long maxMs;
    private final long fatalMs;
    private int attempt;
    private int immediateInARow;

    ReconnectPolicy(long initialMs, long maxMs, long fatalMs) {
        this.initialMs = initialMs;
        this.maxMs = maxMs;
        this.fatalMs = fatalMs;
    }

    static Action classify(Integer code) {
        if (code == null) {
            return Action.DROP;
        }
        if (code >= 4000 && code <= 4099) {
            return Action.FATAL;
        }
        if (code >= 4100 && code <= 4199) {
            return Action.BACK_OFF;
        }
        if (code >= 4200 && code <= 4299) {
            return Action.AT_ONCE;
        }
        return Action.DROP;
    }

    /** The delay before the next attempt; advances the attempt counter. */
    long nextDelay(Action action) {
        switch (action) {
            case FATAL:
                attempt++;
                return fatalMs;
            case AT_ONCE:
                if (immediateInARow++ < MAX_IMMEDIATE) {
                    return 0;
                }
                return jittered(Math.max(1000, initialMs));
            case BACK_OFF:
                return Math.max(1000, jittered(initialMs));
            default:
                return jittered(initialMs);
        }
    }

    private long jittered(long base) {
        long ceiling = Math.min(maxMs, base << Math.min(attempt, 30));
        attempt++;
        return ThreadLocalRandom.current().nextLong(ceiling + 1);
    }

    /** A connection was stable long enough: start again from the initial delay. */
    void reset() {
        attempt = 0;
        immediateInARow = 0;
    }

    int attempts() {
        return attempt;
    }
}
