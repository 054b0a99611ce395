package dev.kickwatch.sink;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The adaptive response timeout: 3 x recent p99 between the floor and the configured timeout. */
class AdaptiveTimeoutTest {

    AdaptiveTimeout timeout(boolean enabled) {
        AdaptiveTimeout t = new AdaptiveTimeout();
        t.setEnabled(enabled);
        t.setMaxMs(12_000);
        t.setFloorMs(1_000);
        t.setFactor(3);
        return t;
    }

    @Test
    void should_wait_the_configured_timeout_until_enough_answers_were_seen() {
        AdaptiveTimeout t = timeout(true);
        for (int i = 0; i < AdaptiveTimeout.MIN_SAMPLES - 1; i++) {
            t.record(20);
        }
        assertEquals(12_000, t.getCurrentMs());
        t.record(20);
        assertEquals(1_000, t.getCurrentMs(), "3 x 20 ms is below the floor");
    }

    @Test
    void should_follow_the_p99_and_rise_again_after_timeouts() {
        AdaptiveTimeout t = timeout(true);
        for (int i = 0; i < 200; i++) {
            t.record(i < 197 ? 500 : 900); // the slowest 1.5 %: 900 ms
        }
        assertEquals(2_700, t.getCurrentMs(), "3 x p99 (900 ms)");
        for (int i = 0; i < 200; i++) {
            t.record(20);
        }
        assertEquals(1_000, t.getCurrentMs());
        // the sink got slower for good: each timed-out request counts as a sample of its timeout
        for (long expected : new long[] { 3_000, 9_000, 12_000 }) {
            long timedOutAt = t.getCurrentMs();
            for (int i = 0; i < 3; i++) {
                t.record(timedOutAt);
            }
            assertEquals(expected, t.getCurrentMs(), "after three timeouts at " + timedOutAt + " ms");
        }
    }

    @Test
    void should_always_wait_the_configured_timeout_when_switched_off() {
        AdaptiveTimeout t = timeout(false);
        for (int i = 0; i < 300; i++) {
            t.record(20);
        }
        assertEquals(12_000, t.getCurrentMs());
    }
}
