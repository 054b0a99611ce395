package dev.kickwatch.sink;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.demo.DemoReplay;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.KickEventNormalizer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** A batch is encoded in one pass into the same rows as KickEvent's JSON form, whichever way its payload is written. */
class RowBatchTest {

    static final ObjectMapper JSON = new ObjectMapper();

    List<KickEvent> recorded() throws Exception {
        KickEventNormalizer normalizer = new KickEventNormalizer();
        List<KickEvent> out = new ArrayList<>();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("demo/recording.jsonl")) {
            for (DemoReplay.Frame f : DemoReplay.load(in)) {
                out.add(normalizer.normalize(f.data(), f.event(), f.channel(), "kickwatchdemo", 1000L, 2000L,
                        Instant.parse("2026-11-29T20:00:00.123456Z")));
            }
        }
        return out;
    }

    @Test
    void should_write_the_rows_of_kick_event_json_in_one_array_and_one_line_each() throws Exception {
        List<KickEvent> events = recorded();
        RowBatch batch = new RowBatch();
        events.forEach(batch::add);

        JsonNode array = JSON.readTree(batch.json());
        assertEquals(events.size(), array.size());
        String[] block = new String(batch.block(), StandardCharsets.UTF_8).split("\n");
        assertEquals(events.size(), block.length);
        for (int i = 0; i < events.size(); i++) {
            KickEvent e = events.get(i);
            assertNotNull(e.getRawPayload(), "the recorded payloads are one-line JSON, copied as they came");
            JsonNode expected = JSON.readTree(JSON.writeValueAsString(e));
            assertEquals(expected, array.get(i), e.toString());
            assertEquals(expected, JSON.readTree(block[i]), e.toString());
            assertEquals(expected, JSON.readTree(batch.lines().get(i)), e.toString());
        }
    }

    @Test
    void should_write_the_tree_exactly_as_jackson_does_without_a_raw_payload() throws Exception {
        for (KickEvent e : recorded()) {
            e.setPayload(e.getPayload()); // forgets the raw text
            assertNull(e.getRawPayload());
            assertEquals(JSON.writeValueAsString(e), RowBatch.line(e));
        }
    }

    @Test
    void should_keep_journaled_lines_as_they_were() throws Exception {
        RowBatch replay = RowBatch.ofLines(List.of("{\"id\":\"a\"}", "{\"id\":\"b\"}"));
        assertEquals("[{\"id\":\"a\"},{\"id\":\"b\"}]", new String(replay.json(), StandardCharsets.UTF_8));
        assertEquals("{\"id\":\"a\"}\n{\"id\":\"b\"}", new String(replay.block(), StandardCharsets.UTF_8));
    }
}
