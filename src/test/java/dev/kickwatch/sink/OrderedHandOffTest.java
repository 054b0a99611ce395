package dev.kickwatch.sink;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderedHandOffTest {

    @Test
    void should_run_batches_in_the_order_they_were_handed_off() throws Exception {
        OrderedHandOff handOff = new OrderedHandOff(2, "test");
        List<Integer> ran = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            handOff.execute(() -> ran.add(n));
        }
        handOff.shutdown();
        assertTrue(handOff.awaitTermination(10, SECONDS));
        assertEquals(IntStream.range(0, 200).boxed().toList(), ran);
    }

    @Test
    void should_make_the_caller_wait_when_full_and_lose_nothing() throws Exception {
        OrderedHandOff handOff = new OrderedHandOff(2, "test");
        CountDownLatch release = new CountDownLatch(1);
        List<String> ran = new CopyOnWriteArrayList<>();
        handOff.execute(() -> {
            waitFor(release);
            ran.add("a");
        });
        handOff.execute(() -> ran.add("b"));
        handOff.execute(() -> ran.add("c")); // a runs, b and c wait: full
        Thread caller = new Thread(() -> handOff.execute(() -> ran.add("d")), "caller");
        caller.start();
        await().atMost(5, SECONDS).until(() -> caller.getState() == Thread.State.WAITING);
        assertEquals(List.of(), ran, "nothing ran while the first batch is in flight");

        release.countDown();
        caller.join(TimeUnit.SECONDS.toMillis(5));
        handOff.shutdown();
        assertTrue(handOff.awaitTermination(10, SECONDS));
        assertEquals(List.of("a", "b", "c", "d"), ran);
    }

    @Test
    void should_run_a_batch_on_the_caller_once_shut_down() {
        OrderedHandOff handOff = new OrderedHandOff(2, "test");
        handOff.shutdown();
        Thread[] ranOn = new Thread[1];
        handOff.execute(() -> ranOn[0] = Thread.currentThread());
        assertSame(Thread.currentThread(), ranOn[0]);
    }

    private static void waitFor(CountDownLatch latch) {
        try {
            assertTrue(latch.await(10, SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
