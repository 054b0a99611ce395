package dev.kickwatch.sink;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.event.KickEvent;

/**
 * Database rows on their way to the DB sink: the events of one batch (from the aggregator) or lines read back from
 * the journal (replay). Each row is encoded to JSON once, when first needed; the request body, the local store's
 * lines and the journal's lines are all made from that.
 */
public final class RowBatch {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<KickEvent> events;
    private List<String> lines;

    public RowBatch() {
        this.events = new ArrayList<>();
    }

    private RowBatch(List<String> lines) {
        this.events = List.of();
        this.lines = List.copyOf(lines);
    }

    /** Rows that were journaled as lines (each a JSON object). */
    public static RowBatch ofLines(List<String> lines) {
        return new RowBatch(lines);
    }

    synchronized void add(KickEvent event) {
        events.add(event);
    }

    /** Each row as one JSON line. */
    public synchronized List<String> lines() {
        if (lines == null) {
            List<String> out = new ArrayList<>(events.size());
            for (KickEvent e : events) {
                out.add(line(e));
            }
            lines = out;
        }
        return lines;
    }

    /** One event as its database row, one JSON line. */
    public static String line(KickEvent event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the row of " + event + " cannot be written as JSON", e);
        }
    }

    /** The PostgREST request body: one JSON array. */
    public String json() {
        return "[" + String.join(",", lines()) + "]";
    }

    /** The local event store's block: one row per line (the file producer adds the last newline). */
    public String block() {
        return String.join("\n", lines());
    }

    public synchronized int size() {
        return lines != null ? lines.size() : events.size();
    }

    @Override
    public String toString() {
        return size() + " rows";
    }
}
