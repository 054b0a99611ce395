package dev.kickwatch.sink;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How long a 429 asks to wait: the body's precise retry_after first, then the headers. */
class RetryAfterTest {

    @Test
    void should_prefer_the_precise_retry_after_of_the_body() {
        assertEquals(1234, RetryAfter.millis("{\"retry_after\":1.234,\"global\":false}", "2", "1.5"));
        assertEquals(1500, RetryAfter.millis("not json", "2", "1.5"));
        assertEquals(2000, RetryAfter.millis("", "2", null));
        assertEquals(1000, RetryAfter.millis(null, null, null));
        assertEquals(1, RetryAfter.millis("{\"retry_after\":0.0001}", null, null));
    }
}
