package dev.kickwatch.sink;

import dev.kickwatch.LogLimiter;
import dev.kickwatch.cluster.EventCodec;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.pusher.KickFrame;
import dev.kickwatch.event.TypeFilter;
import dev.kickwatch.QueueOverflow;
import dev.kickwatch.UnknownSettings;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.component.bean.MethodNotFoundException;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that journals an event that cannot go through the queues, for each sink that wants it: refused by a
 * full queue or failed in ingest or dispatch (routeConfiguration {@code event-errors}), left in a queue at shutdown
 * ({@link QueueDrainer}), or rejected before routing, e.g. in flight when a live reload forces the old route to stop
 * (this class is also the dispatch consumer's exception handler). The Discord journal is written only when a
 * webhook is configured.
 */
public class RefusedEvents implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RefusedEvents.class);

    private final LogLimiter limiter = new LogLimiter(10_000);
    private final java.util.concurrent.atomic.AtomicLong failures = new java.util.concurrent.atomic.AtomicLong();
    private Journal journal;
    private TypeFilter dbFilter;
    private DiscordRenderer discordRenderer;
    private HttpTarget discordTarget;
    private QueueOverflow overflow = new QueueOverflow();
    /** With Kafka (kafka.bootstrap-servers set), the ingest's refused events go to the journal for the topic. */
    private boolean kafka;

    /** The journal of the events the ingest could not give to the Kafka topic (replayed to it). */
    public static final String KAFKA = "kafka";

    /**
     * Journals the event for the DB and for Discord, each if it wants it; with Kafka, where every refusal is the
     * ingest's (before the topic), in the journal {@code kafka}, replayed to the topic. Returns nothing: a route's body
     * stays.
     */
    public void journal(KickEvent event) {
        if (kafka) {
            journal.append(KAFKA, new String(EventCodec.encode(event), java.nio.charset.StandardCharsets.UTF_8));
            return;
        }
        if (wantsDb(event)) {
            journal.appendRow("db", event);
        }
        if (wantsDiscord(event)) {
            journal.append("discord", discordRenderer.journalLineOf(event));
        }
    }

    /**
     * A full seda queue refused the event in hand: journaled for the sinks behind that queue (the event queue: both
     * sinks, as their filters want; a sink's queue: that sink), counted, one rate-limited line.
     */
    public void queueFull(Exchange exchange) {
        KickEvent event = exchange.getMessage().getBody(KickEvent.class);
        String queue = queueName(exchange.getProperty(ExchangePropertyKey.FAILURE_ENDPOINT, String.class));
        switch (queue) {
            case "kafka-out" -> journal(event);
            case "discord" -> journal.append("discord", discordRenderer.journalLineOf(event));
            case "db" -> journal.appendRow("db", event);
            default -> journal(event);
        }
        // the event queue and, with Kafka, the ingest's queue to the topic: both sinks are behind them
        boolean both = "events".equals(queue);
        overflow.record(queue, "kafka-out".equals(queue) ? "the topic (journal kafka)" : both ? "the sinks that want it" : queue);
    }

    /** Any other failure in ingest or dispatch: an event is journaled for the sinks that want it; one line. */
    public void failed(Exchange exchange) {
        handleException(null, exchange, exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class));
    }

    /** {@code seda://db?size=1000} → {@code db}. */
    static String queueName(String endpointUri) {
        if (endpointUri == null) {
            return "events";
        }
        String s = endpointUri.replaceFirst("^seda:(//)?", "");
        int q = s.indexOf('?');
        return q < 0 ? s : s.substring(0, q);
    }

    public boolean wantsDb(KickEvent event) {
        return dbFilter.wanted(event);
    }

    public boolean wantsDiscord(KickEvent event) {
        return !discordTarget.isEmpty() && discordRenderer.wanted(event);
    }

    public Journal getJournal() {
        return journal;
    }

    @Override
    public void handleException(Throwable exception) {
        handleException(null, null, exception);
    }

    @Override
    public void handleException(String message, Throwable exception) {
        handleException(message, null, exception);
    }

    @Override
    public void handleException(String message, Exchange exchange, Throwable exception) {
        Object body = exchange == null ? null : exchange.getMessage().getBody();
        String why = exception == null ? String.valueOf(message) : why(exception);
        String route = exchange == null ? null : exchange.getProperty(ExchangePropertyKey.FAILURE_ROUTE_ID, String.class);
        if (route == null && exchange != null) {
            route = exchange.getFromRouteId();
        }
        long count = failures.incrementAndGet();
        if (body instanceof KickEvent event) {
            journal(event);
        }
        long held = limiter.tryAcquire(); // a broken step fails on every event: one line every 10 s, with the count
        if (held < 0) {
            return;
        }
        String counted = " (" + count + (count == 1 ? " failure" : " failures") + " so far" + (held > 0 ? ", " + held
                + " lines held back" : "") + ")";
        if (body instanceof KickEvent event) {
            LOG.warn("Route {} failed on event {}: {}; journaled for {}{}", route, event, why,
                    kafka ? "the topic" : "the sinks that want it", counted);
        } else {
            KickFrame f = body instanceof KickFrame frame ? frame : null;
            LOG.warn("Route {} failed on Kick event {} on {}: {}{}", route, f == null ? null : f.pusherEvent(),
                    f == null ? null : f.pusherChannel(), why, counted);
        }
    }

    /** Events that failed in ingest or dispatch for any reason other than a full queue. */
    public long getFailures() {
        return failures.get();
    }

    /**
     * The failure in a few words. A Simple expression that reads a field the event does not have ({@code ${body.typ}})
     * fails on every event; it is named as such, with the closest field.
     */
    static String why(Throwable exception) {
        for (Throwable c = exception; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof MethodNotFoundException mnf && mnf.getBean() instanceof KickEvent) {
                String near = UnknownSettings.closest(mnf.getMethodName(), KickEvent.FIELDS, 3);
                return "the event has no field '" + mnf.getMethodName() + "' (${body." + mnf.getMethodName() + "} in a "
                        + "Simple expression?" + (near == null ? "" : " did you mean " + near + "?") + ")";
            }
        }
        String msg = exception.getMessage();
        return exception.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
    }

    /** kafka.bootstrap-servers: Kafka is on when it is not empty. */
    public void setKafkaBootstrapServers(String servers) {
        this.kafka = servers != null && !servers.isBlank();
    }

    public void setJournal(Journal journal) {
        this.journal = journal;
    }

    public void setDbFilter(TypeFilter dbFilter) {
        this.dbFilter = dbFilter;
    }

    public void setDiscordRenderer(DiscordRenderer discordRenderer) {
        this.discordRenderer = discordRenderer;
    }

    public void setOverflow(QueueOverflow overflow) {
        this.overflow = overflow;
    }

    public void setDiscordTarget(HttpTarget discordTarget) {
        this.discordTarget = discordTarget;
    }
}
