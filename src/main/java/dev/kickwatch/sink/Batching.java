package dev.kickwatch.sink;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import dev.kickwatch.event.KickEvent;
import org.apache.camel.AggregationStrategy;
import org.apache.camel.Exchange;
import org.apache.camel.support.SynchronizationAdapter;

/**
 * The aggregate EIP's strategy for one sink: collects events into one batch object, and remembers every batch that
 * is not finished yet (still collecting, or in flight to the sink), so that a shutdown that times out can journal
 * them instead of losing them. A batch is finished when its exchange completes: delivered, or journaled by the
 * sink's error handling. A batch whose exchange failed all the same (e.g. interrupted by a forced shutdown, before
 * the error handling could run) stays unfinished, so the shutdown drain journals it.
 */
public abstract class Batching<B> implements AggregationStrategy {

    private final Set<B> unfinished = ConcurrentHashMap.newKeySet();

    protected abstract B newBatch();

    protected abstract void add(B batch, KickEvent event);

    protected abstract Class<B> batchType();

    @Override
    public Exchange aggregate(Exchange oldExchange, Exchange newExchange) {
        KickEvent event = newExchange.getMessage().getBody(KickEvent.class);
        if (oldExchange == null) {
            B batch = newBatch();
            unfinished.add(batch);
            add(batch, event);
            newExchange.getMessage().setBody(batch);
            return newExchange;
        }
        add(oldExchange.getMessage().getBody(batchType()), event);
        return oldExchange;
    }

    @Override
    public void onCompletion(Exchange exchange) {
        B batch = exchange.getMessage().getBody(batchType());
        exchange.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
            @Override
            public void onComplete(Exchange done) {
                unfinished.remove(batch);
            }
        });
    }

    /** One batch of these events at once (a Kafka sink worker's poll), not tracked for the drain: Kafka keeps them. */
    public B batchOf(List<KickEvent> events) {
        B batch = newBatch();
        for (KickEvent e : events) {
            add(batch, e);
        }
        return batch;
    }

    /** Batches still collecting or in flight (for the shutdown drain). */
    public List<B> unfinished() {
        return List.copyOf(unfinished);
    }
}
