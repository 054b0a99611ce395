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
}
