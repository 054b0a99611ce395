package dev.kickwatch.sink;

import dev.kickwatch.LogLimiter;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the sinks' error handling (routeConfiguration {@code sink-errors}) does with a batch a sink did not take: keep
 * it in the sink's journal for the replay, or, when the peer refused it for good, in the sink's rejected journal.
 * The sink is told by the batch's type (rows for the DB, a message for Discord). One rate-limited line each.
 */
public class SinkFailures {

    private static final Logger LOG = LoggerFactory.getLogger(SinkFailures.class);

    private final LogLimiter limiter = new LogLimiter(10_000);
    private Journal journal;
    private DiscordRenderer discordRenderer;

    /** The sink is down, its breaker open, the call timed out, or the webhook is gone: journaled for the replay. */
    public void keep(Exchange exchange) {
        write(exchange, "", "unavailable");
    }

    /** The peer refused the batch for good (4xx): journaled aside, never replayed. */
    public void reject(Exchange exchange) {
        write(exchange, "-rejected", "refused it");
    }

    private void write(Exchange exchange, String suffix, String what) {
        Object body = exchange.getMessage().getBody();
        String sink;
        int kept;
        if (body instanceof RowBatch rows) {
            sink = "db";
            kept = journal.append(sink + suffix, rows.lines());
        } else if (body instanceof DiscordMessage message) {
            sink = "discord";
            kept = journal.append(sink + suffix, message.journalLine());
        } else if (body instanceof DiscordBatch batch) {
            sink = "discord";
            kept = journal.append(sink + suffix, discordRenderer.journalLines(batch));
        } else {
            LOG.error("A sink failed on {} and it cannot be journaled: it is lost ({})", body, reason(exchange));
            return;
        }
        if (kept == 0) {
            return; // the journal said why, once a minute (full disk, full journal)
        }
        long held = limiter.tryAcquire();
        if (held >= 0) {
            LOG.warn("{} {} ({}); {} kept in the {} journal{}", sink, what, reason(exchange), body, sink + suffix,
                    held > 0 ? " (" + held + " similar lines held back)" : "");
        }
    }

    private static String reason(Exchange exchange) {
        Throwable cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        if (cause == null) {
            cause = exchange.getException();
        }
        while (cause != null && cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        return cause == null ? "unknown" : HttpTarget.oneLine(cause.getClass().getSimpleName()
                + (cause.getMessage() == null ? "" : ": " + cause.getMessage()), 200);
    }

    public void setJournal(Journal journal) {
        this.journal = journal;
    }

    public void setDiscordRenderer(DiscordRenderer discordRenderer) {
        this.discordRenderer = discordRenderer;
    }
}
