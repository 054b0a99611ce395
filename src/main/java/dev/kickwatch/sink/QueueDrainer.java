package dev.kickwatch.sink;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;

import dev.kickwatch.event.KickEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.StartupListener;
import org.apache.camel.component.seda.SedaEndpoint;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last step of a shutdown: whatever is still queued after the routes stopped (the shutdown timeout ran out while a
 * sink was slow) is written to the journals, to be replayed at the next start, instead of vanishing with the JVM.
 */
public class QueueDrainer extends ServiceSupport implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(QueueDrainer.class);

    private final CamelContext context;

    private final Map<String, List<BlockingQueue<Exchange>>> queues = new HashMap<>();

    public QueueDrainer(CamelContext context) {
        this.context = context;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // keep the queues themselves: at stop the endpoints are shut down (and forget their queue) before this service
        for (var endpoint : context.getEndpoints()) {
            if (endpoint instanceof SedaEndpoint seda && seda.getQueue() != null) {
                queues.computeIfAbsent(seda.getName(), k -> new ArrayList<>()).add(seda.getQueue());
            }
        }
    }

    @Override
    protected void doStop() {
        Journal journal = context.getRegistry().lookupByNameAndType("journal", Journal.class);
        DiscordRenderer renderer = context.getRegistry().lookupByNameAndType("discordRenderer", DiscordRenderer.class);
        HttpTarget discordTarget = context.getRegistry().lookupByNameAndType("discordTarget", HttpTarget.class);
        if (journal == null) {
            return;
        }
        int inFlight = journal.journalHeld();
        List<KickEvent> forDb = new ArrayList<>();
        List<KickEvent> forDiscord = new ArrayList<>();
        for (KickEvent e : take("events")) {
            forDb.add(e);
            if (renderer != null && renderer.wanted(e)) {
                forDiscord.add(e);
            }
        }
        forDb.addAll(take("db"));
        forDiscord.addAll(take("discord"));
        forDb.forEach(e -> journal.appendRow("db", e));
        if (renderer != null && discordTarget != null && !discordTarget.isEmpty()) {
            forDiscord.forEach(e -> journal.append("discord", renderer.journalLineOf(e)));
        }
        if (!forDb.isEmpty() || !forDiscord.isEmpty() || inFlight > 0) {
            LOG.warn("Shutdown: {} queued rows, {} queued notifications and {} lines in flight written to the journals "
                    + "for the next start", forDb.size(), forDiscord.size(), inFlight);
        }
    }

    /** Empties the queue of that name (the endpoints of one name share it). */
    private List<KickEvent> take(String name) {
        List<KickEvent> out = new ArrayList<>();
        List<Exchange> left = new ArrayList<>();
        for (BlockingQueue<Exchange> queue : queues.getOrDefault(name, List.of())) {
            queue.drainTo(left);
        }
        for (Exchange x : left) {
            KickEvent e = x.getMessage().getBody(KickEvent.class);
            if (e != null) {
                out.add(e);
            }
        }
        return out;
    }
}
