package dev.kickwatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counts the events a full queue refused and says so in one rate-limited line; the route journals each one. */
public class QueueOverflow {

    private static final Logger LOG = LoggerFactory.getLogger(QueueOverflow.class);

    private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
    private final LogLimiter limiter = new LogLimiter(10_000);

    public void record(String queue, String journal) {
        long total = dropped.computeIfAbsent(queue, k -> new AtomicLong()).incrementAndGet();
        if (limiter.tryAcquire() >= 0) {
            LOG.warn("Queue {} is full: event journaled for {} instead ({} refused so far)", queue, journal, total);
        }
    }

    public long getDropped(String queue) {
        AtomicLong n = dropped.get(queue);
        return n == null ? 0 : n.get();
    }

    /** Refused events over all queues. */
    public long getDropped() {
        return dropped.values().stream().mapToLong(AtomicLong::get).sum();
    }
}
