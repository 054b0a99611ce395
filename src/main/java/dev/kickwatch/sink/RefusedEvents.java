package dev.kickwatch.sink;

import dev.kickwatch.LogLimiter;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.TypeFilter;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that journals an event for each sink that wants it, when it cannot go through the queues: refused
 * by the full event queue (error-handling route), left in a queue at shutdown ({@link QueueDrainer}), or failed in
 * dispatch — for instance in flight when a live reload forces the old route to stop (this class is the dispatch
 * consumer's exception handler). The Discord journal is written only when a webhook is configured.
 */
public class RefusedEvents implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(RefusedEvents.class);

    private final LogLimiter limiter = new LogLimiter(10_000);
    private Journal journal;
    private TypeFilter dbFilter;
    private DiscordRenderer discordRenderer;
    private HttpTarget discordTarget;

    /** Journals the event for the DB and for Discord, each if it wants it. Returns nothing: a route's body stays. */
    public void journal(KickEvent event) {
        if (wantsDb(event)) {
            journal.appendRow("db", event);
        }
        if (wantsDiscord(event)) {
            journal.append("discord", discordRenderer.journalLineOf(event));
        }
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
        String why = exception == null ? String.valueOf(message)
                : exception.getClass().getSimpleName() + (exception.getMessage() == null ? "" : ": " + exception.getMessage());
        if (body instanceof KickEvent event) {
            journal(event);
            if (limiter.tryAcquire() >= 0) {
                LOG.warn("Event {} could not be dispatched ({}); journaled for the sinks that want it", event, why);
            }
        } else if (limiter.tryAcquire() >= 0) {
            LOG.warn("Dispatch failed: {}", why);
        }
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

    public void setDiscordTarget(HttpTarget discordTarget) {
        this.discordTarget = discordTarget;
    }
}
