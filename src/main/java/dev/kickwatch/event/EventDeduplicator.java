package dev.kickwatch.event;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Remembers the dedupe keys of recent events, within a time window and a size bound, so the same action that Kick
 * repeats on several Pusher channels (or a frame sent twice) is relayed once.
 */
public class EventDeduplicator implements Predicate {

    private long windowMs = 120_000;
    private int maxEntries = 50_000;
    private final LinkedHashMap<String, Long> seen = new LinkedHashMap<>();
    private long duplicates;

    /** How long a key is remembered, in milliseconds. */
    public void setWindowMs(long windowMs) {
        this.windowMs = windowMs;
    }

    /** The most keys remembered at once; the oldest go first. */
    public void setMaxEntries(int maxEntries) {
        this.maxEntries = maxEntries;
    }

    /** The ingest route's filter: true the first time the action in the body is seen within the window. */
    @Override
    public boolean matches(Exchange exchange) {
        return isFirst(exchange.getMessage().getBody(KickEvent.class));
    }

    /** True the first time a key is seen within the window. */
    public synchronized boolean isFirst(KickEvent event) {
        long now = System.currentTimeMillis();
        Iterator<Map.Entry<String, Long>> it = seen.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Long> oldest = it.next();
            if (now - oldest.getValue() < windowMs && seen.size() < maxEntries) {
                break;
            }
            it.remove();
        }
        if (seen.putIfAbsent(event.getDedupeKey(), now) != null) {
            duplicates++;
            return false;
        }
        for (String alias : event.getDedupeAliases()) {
            seen.putIfAbsent(alias, now);
        }
        return true;
    }

    public synchronized long getDuplicates() {
        return duplicates;
    }
}
