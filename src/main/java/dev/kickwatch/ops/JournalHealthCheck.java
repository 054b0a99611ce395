package dev.kickwatch.ops;

import java.util.Map;

import dev.kickwatch.sink.Journal;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the journals, where every event a sink cannot take waits: DOWN from a failed append (a full disk, a
 * read-only mount) until an append succeeds again, since meanwhile "nothing lost" does not hold.
 */
public class JournalHealthCheck extends AbstractHealthCheck {

    private Journal journal;

    public JournalHealthCheck() {
        super("kickwatch", "journal");
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        if (journal == null) {
            builder.up();
            return;
        }
        builder.detail("write_errors", journal.getWriteErrors());
        String error = journal.getWriteError();
        if (error != null) {
            builder.message(error).down();
        } else {
            builder.up();
        }
    }

    public void setJournal(Journal journal) {
        this.journal = journal;
    }
}
