package dev.kickwatch.cluster;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.kickwatch.ops.Breakers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Route;
import org.apache.camel.StartupListener;
import org.apache.camel.Suspendable;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.support.service.ServiceHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink worker stops taking records while a sink's breaker is open, instead of journaling them: Kafka keeps the
 * backlog. On a breaker's OPEN the kafka-sinks consumer is paused (Camel's KafkaConsumer keeps its group membership
 * and polls nothing); once every breaker is out of OPEN (half-open: its wait is over), it resumes from the committed
 * offsets, so its next batch is the breaker's probe. The batch in hand when a breaker opens is finished as usual:
 * what the open breaker refuses of it goes to that sink's journal.
 */
public final class SinkWorkerPause implements StartupListener {

    public static final String ROUTE = "kafka-sinks";
    private static final Logger LOG = LoggerFactory.getLogger(SinkWorkerPause.class);

    private final Set<String> open = ConcurrentHashMap.newKeySet();
    private volatile Consumer consumer;
    private volatile long pausedSince;

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (alreadyStarted) {
            return;
        }
        Route route = context.getRoute(ROUTE);
        if (route == null) {
            return; // no Kafka, or an ingest-only process
        }
        consumer = route.getConsumer();
        for (String id : List.of("discord-cb", "db-cb")) {
            ResilienceProcessor r = Breakers.find(context, id);
            if (r != null && r.getCircuitBreaker() != null) {
                String sink = id.substring(0, id.indexOf('-'));
                r.getCircuitBreaker().getEventPublisher().onStateTransition(e -> changed(sink, e.getStateTransition().getToState()));
                if (Breakers.isOpen(context, id)) { // opened before the start (a persisted state)
                    changed(sink, CircuitBreaker.State.OPEN);
                }
            }
        }
    }

    private void changed(String sink, CircuitBreaker.State to) {
        boolean opened = to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN;
        synchronized (this) {
            boolean wasPaused = !open.isEmpty();
            if (opened) {
                open.add(sink);
            } else {
                open.remove(sink);
            }
            if (!wasPaused && !open.isEmpty()) {
                pausedSince = System.currentTimeMillis();
                set(true);
                LOG.warn("Kafka: the {} breaker is open: this sink worker pauses after its batch in hand; the backlog "
                        + "waits in Kafka", sink);
            } else if (wasPaused && open.isEmpty()) {
                set(false);
                LOG.info("Kafka: the {} breaker is {}: this sink worker resumes from the committed offsets after {} s",
                        sink, to.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                        (System.currentTimeMillis() - pausedSince) / 1000);
                pausedSince = 0;
            }
        }
    }

    /** Only the consumer: the route stays started (a suspended route would wait for the batch in hand, on its thread). */
    private void set(boolean pause) {
        Consumer c = consumer;
        if (!(c instanceof Suspendable)) {
            return;
        }
        try {
            if (pause) {
                ServiceHelper.suspendService(c);
            } else {
                ServiceHelper.resumeService(c);
            }
        } catch (Exception e) {
            LOG.warn("Kafka: could not {} the sink worker: {}", pause ? "pause" : "resume", e.toString());
        }
    }

    /** Whether the worker is paused, and since when (epoch ms; 0 when it is not). */
    public boolean isPaused() {
        return !open.isEmpty();
    }

    public long getPausedSince() {
        return pausedSince;
    }

    /** The sinks whose open breaker holds the worker. */
    public Set<String> getOpenSinks() {
        return Set.copyOf(open);
    }
}
