package dev.kickwatch.sink;

import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.ops.Breakers;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends journaled messages again through the sinks' normal delivery routes, oldest first, once the sink's breaker is
 * not open; removes them once delivered (the DB side is idempotent by row id). Discord messages older than
 * {@code maxAgeMs} are dropped and counted instead. Called by a timer route, one call at a time.
 */
public class JournalReplayer implements CamelContextAware {

    /** Exchange property: this delivery is a replay, so a failure must not be journaled a second time. */
    public static final String REPLAY = "KickwatchReplay";
    /** Exchange property set when a delivery ended in the breaker's fallback. */
    public static final String FAILED = "KickwatchFailed";
    private static final Logger LOG = LoggerFactory.getLogger(JournalReplayer.class);

    private final ObjectMapper mapper = new ObjectMapper();
    private CamelContext camelContext;
    private Journal journal;
    private HttpTarget dbTarget;
    private HttpTarget discordTarget;
    private int dbBatch = 100;
    private int maxMessagesPerRun = 50;
    /** How long one run may send journaled rows to the DB (runs are kickwatch.journal.replay-interval apart). */
    static final long DB_RUN_NANOS = 2_000_000_000L;
    private long maxAgeMs = 3_600_000;
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong tooOld = new AtomicLong();

    public void replay() throws Exception {
        if (journal.isEmpty("db") && journal.isEmpty("discord")) {
            return; // the usual case: nothing to do, no template to create
        }
        int rows;
        int messages;
        try (ProducerTemplate template = camelContext.createProducerTemplate()) {
            rows = replayDb(template);
            messages = replayDiscord(template);
        }
        if (rows > 0 || messages > 0) {
            LOG.info("Journal replayed: {} rows to the db, {} messages to Discord", rows, messages);
        }
    }

    int replayDb(ProducerTemplate template) {
        int done = 0;
        // batches until the journal is empty, a send fails, or this run has had its time: a long outage's journal
        // drains at the DB's pace, not at a fixed number of batches per run; live rows go first, so a run also
        // ends while the live queue to the DB is more than an eighth full
        long until = System.nanoTime() + DB_RUN_NANOS;
        BlockingQueue<Exchange> live = Batcher.queueOf(camelContext, "db");
        while (System.nanoTime() < until && (live == null || live.size() <= (live.size() + live.remainingCapacity()) / 8)) {
            if (dbTarget.isEmpty() || Breakers.isOpen(camelContext, "db-cb") || journal.isEmpty("db")) {
                break;
            }
            List<String> lines = journal.peek("db", dbBatch);
            Exchange result = template.send("direct:db-deliver", e -> {
                e.setProperty("rowLines", lines);
                e.setProperty(REPLAY, true);
            });
            if (failed(result)) {
                break;
            }
            journal.remove("db", lines.size());
            done += lines.size();
        }
        replayed.addAndGet(done);
        return done;
    }

    int replayDiscord(ProducerTemplate template) {
        int done = 0;
        for (int i = 0; i < maxMessagesPerRun; i++) {
            if (discordTarget.isEmpty() || discordTarget.isGone() || Breakers.isOpen(camelContext, "discord-cb") || journal.isEmpty("discord")) {
                break;
            }
            List<String> lines = journal.peek("discord", 1);
            if (lines.isEmpty()) {
                break;
            }
            JsonNode entry;
            try {
                entry = mapper.readTree(lines.get(0));
            } catch (Exception e) {
                entry = null;
            }
            if (entry == null || !entry.has("body")) {
                journal.remove("discord", 1);
                journal.append("discord-rejected", lines.get(0));
                continue;
            }
            if (System.currentTimeMillis() - entry.path("t").asLong(0) > maxAgeMs) {
                journal.remove("discord", 1);
                long n = tooOld.incrementAndGet();
                LOG.info("Dropped a journaled Discord message older than discord.max-age ({} so far)", n);
                continue;
            }
            String body = entry.get("body").toString();
            long t = entry.path("t").asLong();
            Exchange result = template.send("direct:discord-deliver", e -> {
                e.getMessage().setBody(body);
                e.setProperty("discordAt", t);
                e.setProperty(REPLAY, true);
            });
            if (failed(result)) {
                break;
            }
            journal.remove("discord", 1);
            done++;
        }
        replayed.addAndGet(done);
        return done;
    }

    private static boolean failed(Exchange result) {
        return result.getException() != null || Boolean.TRUE.equals(result.getProperty(FAILED, Boolean.class));
    }

    public long getReplayed() {
        return replayed.get();
    }

    public long getTooOld() {
        return tooOld.get();
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    public void setJournal(Journal journal) {
        this.journal = journal;
    }

    public void setDbTarget(HttpTarget dbTarget) {
        this.dbTarget = dbTarget;
    }

    public void setDiscordTarget(HttpTarget discordTarget) {
        this.discordTarget = discordTarget;
    }

    public void setDbBatch(int dbBatch) {
        this.dbBatch = dbBatch;
    }

    /** Discord messages older than this (ms) are dropped on replay, not sent. */
    public void setMaxAgeMs(long maxAgeMs) {
        this.maxAgeMs = maxAgeMs;
    }

    public void setMaxMessagesPerRun(int max) {
        this.maxMessagesPerRun = max;
    }
}
