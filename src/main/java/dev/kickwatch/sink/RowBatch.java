package dev.kickwatch.sink;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kickwatch.event.KickEvent;

/**
 * Database rows on their way to the DB sink: the events of one batch (from the aggregator) or lines read back from
 * the journal (replay). A batch of events is encoded in one pass, straight into the bytes of the request body or the
 * local store's block; the one-line-per-row form (journals) is made only when a batch fails.
 */
public final class RowBatch {

    // emoji and other characters beyond the BMP as UTF-8, like the text form, not as escaped surrogate pairs
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private final List<KickEvent> events;
    private final List<String> lines;

    public RowBatch() {
        this.events = new ArrayList<>();
        this.lines = null;
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

    /** The events, when the batch was made of them (live); null for journaled lines. */
    synchronized List<KickEvent> events() {
        return lines != null ? null : java.util.Collections.unmodifiableList(events); // complete once it is sent
    }

    /** Each row as one JSON line. */
    public synchronized List<String> lines() {
        if (lines != null) {
            return lines;
        }
        List<String> out = new ArrayList<>(events.size());
        for (KickEvent e : events) {
            out.add(line(e));
        }
        return out;
    }

    /** One event as its database row, one JSON line. */
    public static String line(KickEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, event);
        } catch (IOException e) {
            throw new UncheckedIOException("the row of " + event + " cannot be written as JSON", e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /** The PostgREST request body: one JSON array, UTF-8. */
    public byte[] json() {
        return encode(true);
    }

    /** The local event store's block: one row per line (the file producer adds the last newline), UTF-8. */
    public byte[] block() {
        return encode(false);
    }

    private synchronized byte[] encode(boolean array) {
        if (lines != null) {
            String text = array ? "[" + String.join(",", lines) + "]" : String.join("\n", lines);
            return text.getBytes(StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + events.size() * 640);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (array) {
                g.writeStartArray();
            } else {
                g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
            }
            for (KickEvent e : events) {
                write(g, e);
            }
            if (array) {
                g.writeEndArray();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a batch of " + events.size() + " rows cannot be written as JSON", e);
        }
        return out.toByteArray();
    }

    /** The row's fields in the table's order (README, "The database table"); the same as KickEvent's JSON form. */
    static void write(JsonGenerator g, KickEvent e) throws IOException {
        g.writeStartObject();
        writeFields(g, e);
        g.writeEndObject();
    }

    /** The row's fields, inside an object the caller opened (the Kafka record adds the Pusher names after them). */
    public static void writeFields(JsonGenerator g, KickEvent e) throws IOException {
        g.writeStringField("id", e.getId());
        g.writeStringField("type", e.getType());
        g.writeStringField("channel", e.getChannel());
        number(g, "chatroom_id", e.getChatroomId());
        number(g, "channel_id", e.getChannelId());
        number(g, "user_id", e.getUserId());
        g.writeStringField("username", e.getUsername());
        g.writeStringField("content", e.getContent());
        g.writeStringField("created_at", e.getCreatedAt());
        g.writeStringField("received_at", e.getReceivedAt());
        g.writeFieldName("payload");
        if (e.getRawPayload() != null) {
            g.writeRawValue(e.getRawPayload());
        } else if (e.getPayload() != null) {
            JSON.writeTree(g, e.getPayload());
        } else {
            g.writeNull();
        }
    }

    private static void number(JsonGenerator g, String name, Long value) throws IOException {
        if (value == null) {
            g.writeNullField(name);
        } else {
            g.writeNumberField(name, value);
        }
    }

    public synchronized int size() {
        return lines != null ? lines.size() : events.size();
    }

    @Override
    public String toString() {
        return size() + " rows";
    }
}
