package dev.kickwatch.event;

import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.kickwatch.demo.DemoReplay;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo recording (real-shaped Kick frames) through the normalizer and the deduplicator. */
class KickEventNormalizerTest {

    final KickEventNormalizer normalizer = new KickEventNormalizer();
    static final Instant RECEIVED = Instant.parse("2026-11-29T20:00:00Z");

    KickEvent normalize(DemoReplay.Frame f) {
        return normalizer.normalize(f.data(), f.event(), f.channel(), "kickwatchdemo", 1000L, 2000L, RECEIVED);
    }

    List<DemoReplay.Frame> recording() throws Exception {
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("demo/recording.jsonl")) {
            return DemoReplay.load(in);
        }
    }

    @Test
    void should_map_every_recorded_frame_to_its_normalized_type() throws Exception {
        List<String> types = new ArrayList<>();
        for (DemoReplay.Frame f : recording()) {
            KickEvent e = normalize(f);
            types.add(e.getType());
            assertNotNull(e.getId());
            assertNotNull(Instant.parse(e.getCreatedAt()));
            assertEquals("kickwatchdemo", e.getChannel());
        }
        assertEquals(List.of("livestream.status.updated", "chat.message.sent", "chat.message.sent", "chat.message.sent",
                "channel.subscription.new", "channel.subscription.new", "channel.subscription.gifts", "channel.subscription.gifts",
                "channel.subscription.new" /* a celebration: a renewed subscription */, "kicks.gifted", "chat.message.sent",
                "chat.message.deleted", "moderation.banned",
                "channel.followed", "channel.hosted", "livestream.status.updated"), types);
    }

    @Test
    void should_give_the_same_frame_the_same_id_and_drop_cross_channel_repeats() throws Exception {
        EventDeduplicator dedupe = new EventDeduplicator();
        int first = 0;
        for (DemoReplay.Frame f : recording()) {
            KickEvent a = normalize(f);
            KickEvent b = normalize(f);
            assertEquals(a.getId(), b.getId(), "deterministic id for " + f.event());
            if (dedupe.isFirst(a)) {
                first++;
            }
        }
        assertEquals(14, first, "the subscription and the gift are each announced twice");
        assertEquals(2, dedupe.getDuplicates());
    }

    @Test
    void should_keep_garbage_data_as_text_and_call_it_unknown() {
        KickEvent e = normalizer.normalize("not json", "App\\Events\\SomethingNew", "chatrooms.1.v2", "x", 1L, null, RECEIVED);
        assertEquals("unknown", e.getType());
        assertEquals("not json", e.getPayload().asText());
        assertTrue(e.getId().startsWith("h-"));
        assertFalse(e.getId().isBlank());
    }
}
