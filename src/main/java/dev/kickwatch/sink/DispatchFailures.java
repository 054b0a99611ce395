package dev.kickwatch.sink;

import dev.kickwatch.LogLimiter;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.TypeFilter;
import org.apache.camel.Exchange;
import org.apache.camel.spi.ExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exception handler of the dispatch queue's consumer: an event that could not be dispatched (for instance the
 * one in flight when a live reload forces the old route to stop) is journaled for each sink that wants it, with one
 * rate-limited line, instead of being lost.
 */
public class DispatchFailures implements ExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DispatchFailures.class);

    private final LogLimiter limiter = new LogLimiter(10_000);
    private Journal journal;
    private TypeFilter dbFilter;
    private DiscordRenderer discordRenderer;

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
            if (dbFilter.wanted(event)) {
                journal.appendRow("db", event);
            }
            if (discordRenderer.wanted(event)) {
                journal.append("discord", discordRenderer.journalLineOf(event));
            }
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
}
