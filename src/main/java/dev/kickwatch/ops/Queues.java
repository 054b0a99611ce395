package dev.kickwatch.ops;

import java.util.concurrent.BlockingQueue;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;

/** The seda queues by name, for their depth (metrics, the replay's yield to live rows) and the shutdown drain. */
public final class Queues {

    private Queues() {
    }

    /** The queue of the seda endpoints of that name (they share one), or null before they exist. */
    public static BlockingQueue<Exchange> of(CamelContext context, String name) {
        return context.getEndpoints().stream().filter(e -> e instanceof SedaEndpoint s && name.equals(s.getName()))
                .map(e -> ((SedaEndpoint) e).getQueue()).filter(q -> q != null).findFirst().orElse(null);
    }
}
