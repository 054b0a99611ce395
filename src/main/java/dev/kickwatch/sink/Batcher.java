package dev.kickwatch.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;

import dev.kickwatch.event.KickEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;

/**
 * Takes the event in hand plus whatever already waits behind it in the same seda queue, in order, without waiting:
 * one at a time when traffic is light, full batches under load. Only the queue's single consumer calls it.
 */
public class Batcher {

    /** Up to {@code max} events: the current body first. */
    public List<KickEvent> drain(Exchange exchange, int max) {
        List<KickEvent> out = new ArrayList<>();
        out.add(exchange.getMessage().getBody(KickEvent.class));
        BlockingQueue<Exchange> queue = queueOf(exchange);
        while (queue != null && out.size() < max) {
            Exchange next = queue.poll();
            if (next == null) {
                break;
            }
            out.add(next.getMessage().getBody(KickEvent.class));
        }
        return out;
    }

    static BlockingQueue<Exchange> queueOf(Exchange exchange) {
        return exchange.getFromEndpoint() instanceof SedaEndpoint seda ? seda.getQueue() : null;
    }

    /** The queue of the seda endpoints of that name (they share one), or null before they exist. */
    public static BlockingQueue<Exchange> queueOf(CamelContext context, String name) {
        return context.getEndpoints().stream().filter(e -> e instanceof SedaEndpoint s && name.equals(s.getName()))
                .map(e -> ((SedaEndpoint) e).getQueue()).filter(q -> q != null).findFirst().orElse(null);
    }
}
