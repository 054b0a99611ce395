package dev.kickwatch;

import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts the events a full queue refused and says so in one rate-limited line; the route journals each one. */
public class QueueOverflow {

    private static final Logger LOG = LoggerFactory.getLogger(QueueOverflow.class);

    private final AtomicLong dropped = new AtomicLong();
    private final LogLimiter limiter = new LogLimiter(10_000);

    public void record(String queue) {
        long total = dropped.incrementAndGet();
        long held = limiter.tryAcquire();
        if (held >= 0) {
            LOG.warn("Queue {} is full: event written to the db journal instead ({} refused so far)", queue, total);
        }
    }

    public long getDropped() {
        return dropped.get();
    }
}
