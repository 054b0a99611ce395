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
 * Last step of a shutdown: whatever is still queued, batched or in flight after the routes stopped (the shutdown
 * timeout ran out while a sink was slow) is written to the journals, to be replayed at the next start, instead of
 * vanishing with the JVM. A batch whose request was still running may thus be stored twice (the DB ignores the
 * repeat by row id; Discord may show it twice).
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
        RefusedEvents refused = context.getRegistry().lookupByNameAndType("refusedEvents", RefusedEvents.class);
        if (refused == null) {
            return;
        }
        Journal journal = refused.getJournal();
        int inFlight = 0;
        RowBatching rowBatches = context.getRegistry().lookupByNameAndType("dbBatching", RowBatching.class);
        for (RowBatch batch : rowBatches == null ? List.<RowBatch>of() : rowBatches.unfinished()) {
            inFlight += journal.append("db", batch.lines());
        }
        DiscordRenderer renderer = context.getRegistry().lookupByNameAndType("discordRenderer", DiscordRenderer.class);
        DiscordBatching discordBatches = context.getRegistry().lookupByNameAndType("discordBatching", DiscordBatching.class);
        for (DiscordBatch batch : discordBatches == null ? List.<DiscordBatch>of() : discordBatches.unfinished()) {
            inFlight += journal.append("discord", renderer.journalLines(batch));
        }
        int rows = 0;
        int notifications = 0;
        // the event queue, and with Kafka the ingest's queue to the topic (kafka-out): for the sinks that want them
        List<KickEvent> events = take("events");
        events.addAll(take("kafka-out"));
        for (KickEvent e : events) {
            rows += refused.wantsDb(e) ? 1 : 0;
            notifications += refused.wantsDiscord(e) ? 1 : 0;
            refused.journal(e);
        }
        // the sink queues hold what their filter already let through
        for (KickEvent e : take("db")) {
            journal.appendRow("db", e);
            rows++;
        }
        for (KickEvent e : take("discord")) {
            if (refused.wantsDiscord(e)) { // a webhook is configured (the renderer's filter passed before the queue)
                journal.append("discord", renderer.journalLineOf(e));
                notifications++;
            }
        }
        if (rows > 0 || notifications > 0 || inFlight > 0) {
            LOG.warn("Shutdown: {} queued rows, {} queued notifications and {} batched or in-flight lines written to the journals "
                    + "for the next start", rows, notifications, inFlight);
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
