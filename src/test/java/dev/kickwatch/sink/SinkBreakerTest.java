package dev.kickwatch.sink;

import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sinks' breaker: what counts as a failure, the growing open time, the state kept across restarts. */
class SinkBreakerTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path data;

    CircuitBreaker breaker(int failures, long initial, long max) {
        SinkBreaker b = new SinkBreaker();
        b.setName("db-cb");
        b.setFailures(failures);
        b.setOpenInitialSeconds(initial);
        b.setOpenSeconds(max);
        b.setDataDir(data.toString());
        return b.build();
    }

    static void fail(CircuitBreaker cb, RuntimeException e) {
        assertThrows(RuntimeException.class, () -> cb.executeRunnable(() -> {
            throw e;
        }));
    }

    long savedUntil() throws Exception {
        return JSON.readTree(Files.readString(data.resolve("breakers/db-cb.json"))).get("until").asLong();
    }

    @Test
    void should_open_after_n_failures_but_not_for_rejections_gone_webhooks_or_rate_limits() throws Exception {
        CircuitBreaker cb = breaker(2, 2, 120);
        for (int i = 0; i < 5; i++) {
            fail(cb, new SinkRejectedException("400"));
            fail(cb, new WebhookGoneException("404"));
            fail(cb, new RateLimitedException("429", 100));
        }
        assertEquals(CircuitBreaker.State.CLOSED, cb.getState());
        fail(cb, new SinkUnavailableException("503"));
        fail(cb, new SinkUnavailableException("503"));
        assertEquals(CircuitBreaker.State.OPEN, cb.getState());
        long left = savedUntil() - System.currentTimeMillis();
        assertTrue(left > 1000 && left <= 2000, "first open period 2 s, saved: " + left + " ms left");
    }

    @Test
    void should_open_longer_after_each_failed_probe_up_to_the_maximum() throws Exception {
        CircuitBreaker cb = breaker(1, 2, 5);
        fail(cb, new SinkUnavailableException("503"));
        long[] expected = { 2000, 3000, 4500, 5000, 5000 };
        for (int i = 0; i < expected.length; i++) {
            long left = savedUntil() - System.currentTimeMillis();
            assertTrue(left > expected[i] - 500 && left <= expected[i], "open period " + (i + 1) + ": " + left + " ms");
            cb.transitionToHalfOpenState(); // as the timer would, without waiting
            fail(cb, new SinkUnavailableException("503")); // the probe fails
        }
    }

    @Test
    void should_resume_the_open_state_after_a_restart_for_the_time_that_was_left() throws Exception {
        CircuitBreaker before = breaker(1, 30, 120);
        fail(before, new SinkUnavailableException("503"));
        long until = savedUntil();
        CircuitBreaker after = breaker(1, 30, 120); // a new process, the same data directory
        assertEquals(CircuitBreaker.State.OPEN, after.getState());
        assertThrows(CallNotPermittedException.class, () -> after.executeRunnable(() -> { }));
        after.transitionToHalfOpenState();
        fail(after, new SinkUnavailableException("503"));
        long left = savedUntil() - System.currentTimeMillis();
        assertTrue(left > 44_000 && left <= 45_000, "the next open period continues the sequence (45 s): " + left);
        assertTrue(until > 0);
    }

    @Test
    void should_start_closed_when_the_saved_state_is_corrupt_or_missing() throws Exception {
        Files.createDirectories(data.resolve("breakers"));
        Files.writeString(data.resolve("breakers/db-cb.json"), "{not json");
        assertEquals(CircuitBreaker.State.CLOSED, breaker(1, 30, 120).getState());
        Files.delete(data.resolve("breakers/db-cb.json"));
        assertEquals(CircuitBreaker.State.CLOSED, breaker(1, 30, 120).getState());
        Files.writeString(data.resolve("breakers/db-cb.json"), "{\"state\":\"CLOSED\",\"until\":0,\"opened\":0}");
        assertEquals(CircuitBreaker.State.CLOSED, breaker(1, 30, 120).getState());
    }
}
