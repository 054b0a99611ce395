package dev.kickwatch.sink;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The executor of an aggregator whose batches must stay in order: one thread of its own sends the completed batches,
 * oldest first, while the route's thread goes on gathering the next one. At most {@code capacity} completed batches
 * wait; a thread that completes one more waits for room, so the sink's seda queue backs up (and, full, refuses into
 * the journal) instead of batches piling up in memory. (Camel's thread pool profiles can only abort or run a task on
 * the caller when full, and running it on the caller would overtake the batches waiting.) The aggregate EIP waits
 * for the batches handed off when its route stops ({@code completeAllOnStop}); {@code shutdown} is the bean's destroy
 * method, and sends what is still waiting.
 */
public class OrderedHandOff extends ThreadPoolExecutor {

    public OrderedHandOff(int capacity, String name) {
        super(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(capacity), task -> {
            Thread t = new Thread(task, "kickwatch " + name);
            t.setDaemon(true); // never holds the JVM up; the routes' graceful stop is what waits for batches
            return t;
        }, OrderedHandOff::waitForRoom);
    }

    /** Full: the caller waits until the batch fits; once shut down, the caller sends it rather than lose it. */
    private static void waitForRoom(Runnable task, ThreadPoolExecutor pool) {
        if (pool.isShutdown()) {
            task.run();
            return;
        }
        try {
            pool.getQueue().put(task);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            task.run();
        }
    }
}
