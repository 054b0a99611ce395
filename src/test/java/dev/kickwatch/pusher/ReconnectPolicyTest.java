package dev.kickwatch.pusher;

import org.junit.jupiter.api.Test;

import static dev.kickwatch.pusher.ReconnectPolicy.Action.AT_ONCE;
import static dev.kickwatch.pusher.ReconnectPolicy.Action.BACK_OFF;
import static dev.kickwatch.pusher.ReconnectPolicy.Action.DROP;
import static dev.kickwatch.pusher.ReconnectPolicy.Action.FATAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Close-code classes and back-off bounds (Pusher protocol 7). */
class ReconnectPolicyTest {

    @Test
    void should_classify_close_codes() {
        assertEquals(FATAL, ReconnectPolicy.classify(4001));
        assertEquals(FATAL, ReconnectPolicy.classify(4099));
        assertEquals(BACK_OFF, ReconnectPolicy.classify(4100));
        assertEquals(AT_ONCE, ReconnectPolicy.classify(4200));
        assertEquals(AT_ONCE, ReconnectPolicy.classify(4201));
        assertEquals(DROP, ReconnectPolicy.classify(1006));
        assertEquals(DROP, ReconnectPolicy.classify(4301));
        assertEquals(DROP, ReconnectPolicy.classify(null));
    }

    @Test
    void should_grow_exponentially_with_full_jitter_up_to_the_cap() {
        ReconnectPolicy p = new ReconnectPolicy(1000, 60_000, 300_000);
        for (int attempt = 0; attempt < 40; attempt++) {
            long ceiling = Math.min(60_000, 1000L << Math.min(attempt, 30));
            long d = p.nextDelay(DROP);
            assertTrue(d >= 0 && d <= ceiling, "attempt " + attempt + ": " + d + " > " + ceiling);
        }
        p.reset();
        assertTrue(p.nextDelay(DROP) <= 1000);
    }

    @Test
    void should_wait_at_least_a_second_for_4100_and_the_slow_cap_for_4000s() {
        ReconnectPolicy p = new ReconnectPolicy(10, 60_000, 300_000);
        for (int i = 0; i < 20; i++) {
            assertTrue(p.nextDelay(BACK_OFF) >= 1000);
        }
        assertEquals(300_000, p.nextDelay(FATAL));
    }

    @Test
    void should_reconnect_at_once_a_few_times_then_back_off() {
        ReconnectPolicy p = new ReconnectPolicy(1000, 60_000, 300_000);
        for (int i = 0; i < ReconnectPolicy.MAX_IMMEDIATE; i++) {
            assertEquals(0, p.nextDelay(AT_ONCE));
        }
        p.nextDelay(AT_ONCE); // an unstable server now gets back-off (0..ceiling), never a tight loop
        p.reset();
        assertEquals(0, p.nextDelay(AT_ONCE));
    }
}
