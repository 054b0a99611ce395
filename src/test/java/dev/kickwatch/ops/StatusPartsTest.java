package dev.kickwatch.ops;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The status page's rings of samples and its copy of the log's warnings. */
class StatusPartsTest {

    @Test
    void should_count_what_a_counter_grew_per_second_and_over_a_window() {
        StatusPage.Samples s = new StatusPage.Samples(5);
        assertEquals(0, s.increase(5));
        assertArrayEquals(new long[0], s.perSecond(5));
        for (long v : new long[] { 3, 3, 7, 10 }) { // 3 counted before the first reading
            s.add(v);
        }
        assertArrayEquals(new long[] { 3, 0, 4, 3 }, s.perSecond(900), "fewer seconds than asked at the start");
        assertEquals(10, s.increase(60), "since the start when that is shorter");
        for (long v : new long[] { 10, 20, 30, 40, 50 }) {
            s.add(v);
        }
        assertArrayEquals(new long[] { 0, 10, 10, 10, 10 }, s.perSecond(900), "the last 5 seconds only");
        assertEquals(40, s.increase(5));
        assertEquals(20, s.increase(2));
    }

    @Test
    void should_keep_the_last_20_warning_and_error_lines_as_written() {
        RecentWarnings w = RecentWarnings.install();
        PrintStream err = System.err;
        err.print("2026-01-01 00:00:00.000 [INFO] X - not kept\n");
        for (int i = 0; i < 25; i++) {
            err.print("2026-01-01 00:00:00.000 [" + (i % 2 == 0 ? "WARN" : "ERROR") + "] X - line " + i + "\n");
        }
        byte[] part = "2026-01-01 00:00:00.000 [WARN] X - in ".getBytes(StandardCharsets.UTF_8);
        err.write(part, 0, part.length); // a line may come in several writes
        err.print("pieces\n");
        List<String> lines = w.lines();
        assertEquals(RecentWarnings.KEEP, lines.size());
        assertEquals("2026-01-01 00:00:00.000 [WARN] X - in pieces", lines.get(lines.size() - 1));
        assertEquals("2026-01-01 00:00:00.000 [WARN] X - line 6", lines.get(0));
        assertTrue(lines.stream().noneMatch(l -> l.contains("[INFO]")), lines.toString());
    }
}
