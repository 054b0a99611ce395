package dev.kickwatch.cluster;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.sink.RowBatch;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An event through a Kafka record value and back: the same row, the same Pusher names, emoji as UTF-8. */
class EventCodecTest {

    private static KickEvent event() throws Exception {
        KickEvent e = new KickEvent();
        e.setId("chat:abc");
        e.setType("chat.message.sent");
        e.setChannel("xqc");
        e.setChatroomId(668L);
        e.setChannelId(676L);
        e.setUserId(4_000_000_001L);
        e.setUsername("viewer_1");
        e.setContent("hello \uD83D\uDC4B \"quoted\"");
        e.setCreatedAt("2025-01-02T03:04:05.678Z");
        e.setReceivedAt("2025-01-02T03:04:06.001+00:00");
        e.setPayload(JSON.readTree("{\"id\":\"abc\",\"content\":\"hello \uD83D\uDC4B\",\"n\":[1,2]}"));
        e.setRawPayload("{\"id\":\"abc\",\"content\":\"hello \uD83D\uDC4B\",\"n\":[1,2]}");
        e.setPusherEvent("ChatMessageEvent");
        e.setPusherChannel("chatrooms.668.v2");
        return e;
    }

    @Test
    void should_round_trip_the_row_and_the_pusher_names() throws Exception {
        KickEvent e = event();
        byte[] value = EventCodec.encode(e);
        String text = new String(value, StandardCharsets.UTF_8);
        assertTrue(text.contains("\uD83D\uDC4B"), "emoji as UTF-8, not escaped: " + text);
        KickEvent back = EventCodec.decode(value);
        assertEquals(RowBatch.line(e), RowBatch.line(back), "the same database row");
        assertEquals("ChatMessageEvent", back.getPusherEvent());
        assertEquals("chatrooms.668.v2", back.getPusherChannel());
        JsonNode n = JSON.readTree(value);
        assertEquals("ChatMessageEvent", n.get("pusher_event").asText());
    }

    @Test
    void should_keep_missing_fields_missing() throws Exception {
        KickEvent e = new KickEvent();
        e.setId("x");
        e.setType("livestream.status.updated");
        KickEvent back = EventCodec.decode(EventCodec.encode(e));
        assertEquals("x", back.getId());
        assertNull(back.getUserId());
        assertNull(back.getPayload());
        assertNull(back.getPusherEvent());
        assertEquals(RowBatch.line(e), RowBatch.line(back));
    }

    @Test
    void should_refuse_a_record_that_is_not_an_event() {
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode("not json".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode("{\"a\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThrows(IllegalArgumentException.class, () -> EventCodec.decode("[]".getBytes(StandardCharsets.UTF_8)));
    }
}
