package dev.kickwatch.sink;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Journal replay reads from a position that survives a restart; delivered lines never come back. */
class JournalTest {

    @TempDir
    Path data;

    private Journal journal() {
        Journal j = new Journal();
        j.setDataDir(data.toString());
        return j;
    }

    private static List<String> lines(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "{\"id\":\"r-" + i + "\",\"content\":\"é ✓ " + i + "\"}").toList();
    }

    @Test
    void should_count_the_lines_not_yet_delivered_across_appends_removals_and_a_restart() {
        Journal j = journal();
        assertEquals(0, j.pendingRows("db"));
        j.append("db", lines(0, 10));
        j.remove("db", 4);
        assertEquals(6, j.pendingRows("db"));
        Journal restarted = journal(); // counted in the file once, after the .pos offset
        assertEquals(6, restarted.pendingRows("db"));
        restarted.append("db", lines(10, 13));
        assertEquals(9, restarted.pendingRows("db"));
        restarted.remove("db", 9);
        assertEquals(0, restarted.pendingRows("db"));
        restarted.append("db", lines(13, 14));
        assertEquals(1, restarted.pendingRows("db"), "after the file was deleted and begun again");
    }

    @Test
    void should_hand_out_lines_in_order_and_keep_the_position_across_a_restart() throws Exception {
        Journal j = journal();
        assertEquals(10, j.append("db", lines(0, 10)));
        assertEquals(lines(0, 3), j.peek("db", 3));
        j.remove("db", 3);
        assertEquals(lines(3, 6), j.peek("db", 3));
        assertEquals(lines(3, 10), Journal.pendingLines(data.resolve("journal/db.jsonl")));

        Journal restarted = journal();
        assertEquals(lines(3, 10), restarted.peek("db", 100), "a restart continues after the delivered lines");
        restarted.append("db", lines(10, 12));
        restarted.remove("db", 7);
        assertEquals(lines(10, 12), restarted.peek("db", 100));
        restarted.remove("db", 2);
        assertTrue(restarted.isEmpty("db"));
        assertFalse(Files.exists(data.resolve("journal/db.jsonl")), "a fully delivered journal is deleted");
        assertFalse(Files.exists(data.resolve("journal/db.jsonl.pos")));
    }

    @Test
    void should_rewrite_a_large_delivered_head_away() throws Exception {
        Journal j = journal();
        List<String> all = new ArrayList<>();
        int n = 0;
        long bytes = 0;
        while (bytes < 2 * Journal.COMPACT_AFTER + 100_000) {
            List<String> batch = lines(n, n + 1000);
            j.append("db", batch);
            all.addAll(batch);
            bytes += batch.stream().mapToLong(l -> l.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 1).sum();
            n += 1000;
        }
        int delivered = 0;
        while (delivered < n - 500) {
            List<String> head = j.peek("db", 100);
            assertEquals(all.subList(delivered, delivered + head.size()), head);
            j.remove("db", head.size());
            delivered += head.size();
        }
        assertTrue(Files.size(data.resolve("journal/db.jsonl")) < bytes / 2 + Journal.COMPACT_AFTER,
                "the delivered head was rewritten away");
        assertEquals(all.subList(delivered, n), journal().peek("db", n));
    }
}
