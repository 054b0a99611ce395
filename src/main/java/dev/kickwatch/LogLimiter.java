package dev.kickwatch;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets one log line through per interval and counts what it held back, so a fault that repeats a thousand times a
 * second costs one line every few seconds. Thread-safe.
 */
public final class LogLimiter {

    private final long intervalMs;
    private final AtomicLong nextAllowed = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    public LogLimiter(long intervalMs) {
        this.intervalMs = intervalMs;
    }

    /**
     * Returns -1 when this occurrence should not be logged, else the number of occurrences held back since the
     * last line that was let through.
     */
    public long tryAcquire() {
        long now = System.currentTimeMillis();
        long next = nextAllowed.get();
        if (now >= next && nextAllowed.compareAndSet(next, now + intervalMs)) {
            return suppressed.getAndSet(0);
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
