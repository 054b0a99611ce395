package dev.kickwatch.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.sink.RowBatch;

/**
 * A normalized event as a Kafka record value: its database row (the same JSON object, the same field order) plus the
 * two Pusher names the Discord renderer reads, {@code pusher_event} and {@code pusher_channel}. One JSON object, UTF-8.
 * Dedupe keys stay behind: duplicates are dropped before an event reaches the topic.
 */
public final class EventCodec {

    // emoji as UTF-8, like the rows, not as escaped surrogate pairs
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build();

    private EventCodec() {
    }

    public static byte[] encode(KickEvent e) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = JSON.getFactory().createGenerator(out)) {
            g.writeStartObject();
            RowBatch.writeFields(g, e); // the DB row, as the sinks write it
            g.writeStringField("pusher_event", e.getPusherEvent());
            g.writeStringField("pusher_channel", e.getPusherChannel());
            g.writeEndObject();
        } catch (IOException x) {
            throw new UncheckedIOException("the event " + e + " cannot be written as JSON", x);
        }
        return out.toByteArray();
    }

    /** The event again: what the sinks read of it (the row, the Pusher names). */
    public static KickEvent decode(byte[] value) {
        JsonNode n;
        try {
            n = JSON.readTree(value);
        } catch (IOException x) {
            throw new IllegalArgumentException("a record of the events topic is not a JSON object: " + x.getMessage(), x);
        }
        if (n == null || !n.isObject() || !n.hasNonNull("id") || !n.hasNonNull("type")) {
            throw new IllegalArgumentException("a record of the events topic is not an event (no id or type)");
        }
        KickEvent e = new KickEvent();
        e.setId(text(n, "id"));
        e.setType(text(n, "type"));
        e.setChannel(text(n, "channel"));
        e.setChatroomId(number(n, "chatroom_id"));
        e.setChannelId(number(n, "channel_id"));
        e.setUserId(number(n, "user_id"));
        e.setUsername(text(n, "username"));
        e.setContent(text(n, "content"));
        e.setCreatedAt(text(n, "created_at"));
        e.setReceivedAt(text(n, "received_at"));
        JsonNode payload = n.get("payload");
        if (payload != null && !payload.isNull()) {
            e.setPayload(payload);
        }
        e.setPusherEvent(text(n, "pusher_event"));
        e.setPusherChannel(text(n, "pusher_channel"));
        return e;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Long number(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asLong();
    }
}
