package dev.kickwatch.event;

import java.time.Instant;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every timestamp shape Kick sends. */
class TimesTest {

    @ParameterizedTest
    @CsvSource({
            "2024-04-25T07:29:14+00:00, 2024-04-25T07:29:14Z",
            "2023-03-31T21:25:27.000000Z, 2023-03-31T21:25:27Z",
            "2024-02-06 19:10:40, 2024-02-06T19:10:40Z",
            "1707251975, 2024-02-06T20:39:35Z",
            "2025-08-19T09:37:20.859247Z, 2025-08-19T09:37:20.859247Z",
            "2025-07-14T17:55:52.83787Z, 2025-07-14T17:55:52.837870Z",
            "2025-10-20T04:00:08.634Z, 2025-10-20T04:00:08.634Z",
            "2025-01-01T11:00:00+11:00, 2025-01-01T00:00:00Z",
    })
    void should_parse_kick_timestamps(String text, String expected) {
        assertEquals(Instant.parse(expected), Times.parse(text));
    }

    @org.junit.jupiter.api.Test
    void should_parse_numbers_and_reject_garbage() {
        assertEquals(Instant.ofEpochSecond(1707251975), Times.parse(JsonNodeFactory.instance.numberNode(1707251975L)));
        assertEquals(Instant.ofEpochMilli(1752741896375L), Times.parse(JsonNodeFactory.instance.numberNode(1752741896375L)));
        assertEquals(null, Times.parse("yesterday"));
        assertEquals(null, Times.parse(""));
        assertEquals(null, Times.parse(JsonNodeFactory.instance.booleanNode(true)));
        assertEquals(null, Times.parse((String) null));
    }

    /** The formatter-free path gives exactly what the formatters give, or leaves the text to them. */
    @org.junit.jupiter.api.Test
    void should_parse_like_the_formatters_on_random_and_odd_shapes() {
        java.util.Random r = new java.util.Random(42);
        String[] zones = { "", "Z", "+00:00", "-05:30", "+18:00", "+18:01", "-19:00", "z", "+0530", "+05", "+05:30:00" };
        String[] fractions = { "", ".", ".1", ".123", ".123456", ".123456789", ".1234567891", ".12x" };
        int fast = 0;
        for (int i = 0; i < 20_000; i++) {
            String date = String.format("%04d-%02d-%02d", 1 + r.nextInt(9999), r.nextInt(14), r.nextInt(33));
            String time = String.format("%02d:%02d:%02d", r.nextInt(26), r.nextInt(62), r.nextInt(62));
            String text = date + (r.nextInt(4) == 0 ? " " : r.nextInt(8) == 0 ? "t" : "T") + time
                    + fractions[r.nextInt(fractions.length)] + zones[r.nextInt(zones.length)];
            Instant quick = Times.parseIso(text);
            if (quick != null) {
                fast++;
                assertEquals(Times.parseWithFormatters(text), quick, text);
            }
            assertEquals(Times.parseWithFormatters(text), Times.parse(text), text);
        }
        org.junit.jupiter.api.Assertions.assertTrue(fast > 1000, "the fast path took " + fast + " of 20,000");
    }

    @org.junit.jupiter.api.Test
    void should_format_like_instant_to_string() {
        java.util.Random r = new java.util.Random(7);
        long min = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 20_000; i++) {
            long sec = min + (long) (r.nextDouble() * (max - min));
            int nano = switch (r.nextInt(4)) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1000;
                default -> r.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(sec, nano);
            assertEquals(t.toString(), Times.format(t));
        }
        Instant now = Instant.now();
        assertEquals(now.toString(), Times.format(now));
    }
}
