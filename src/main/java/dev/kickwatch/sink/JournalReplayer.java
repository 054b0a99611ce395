package dev.kickwatch.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import dev.kickwatch.cluster.EventCodec;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.ops.Breakers;
import dev.kickwatch.ops.Queues;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends journaled rows and messages again through the sinks' own delivery routes ({@code direct:db-post},
 * {@code direct:discord-send}), oldest first, while the sink's breaker is not open; a line leaves the journal once its
 * exchange came back without an exception (the DB side is idempotent by row id). The first failure ends the run:
 * the line stays, and the next run tries again. Discord messages older than {@code maxAgeMs} are dropped and counted.
 * With Kafka, the ingest's journal {@code kafka} goes to the topic again ({@code direct:kafka-send}).
 * Called by a timer route, one call at a time.
 */
public class JournalReplayer implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(JournalReplayer.class);

    private CamelContext camelContext;
    private Journal journal;
    private HttpTarget discordTarget;
    private DiscordRenderer renderer;
    /** With Kafka (kafka.bootstrap-servers set), the ingest's refused events go to the journal for the topic. */
    private boolean kafka;
    private int dbBatch = 100;
    private int maxMessagesPerRun = 50;
    /** How long one run may send journaled rows to the DB (runs are kickwatch.journal.replay-interval apart). */
    static final long DB_RUN_NANOS = 2_000_000_000L;
    private long maxAgeMs = 3_600_000;
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong tooOld = new AtomicLong();

    public void replay() throws Exception {
        boolean db = !journal.isEmpty("db"); // every store takes the replay: PostgREST, JDBC, the local file
        boolean discord = discordTarget.isConfigured() && !journal.isEmpty("discord");
        boolean topic = kafka && !journal.isEmpty(RefusedEvents.KAFKA);
        if (!db && !discord && !topic) {
            return; // the usual case: nothing to do, no template to create
        }
        int rows = 0;
        int messages = 0;
        try (ProducerTemplate template = camelContext.createProducerTemplate()) {
            if (topic) {
                int sent = replayKafka(template);
                if (sent > 0) {
                    LOG.info("Journal replayed: {} events to the Kafka topic", sent);
                }
            }
            if (db) {
                rows = replayDb(template);
            }
            if (discord) {
                messages = replayDiscord(template);
            }
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
        BlockingQueue<Exchange> live = Queues.of(camelContext, "db");
        while (System.nanoTime() < until && (live == null || live.size() <= (live.size() + live.remainingCapacity()) / 8)) {
            if (Breakers.isOpen(camelContext, "db-cb") || journal.isEmpty("db")) {
                break;
            }
            List<String> lines = journal.peek("db", dbBatch);
            if (template.send("direct:db-store", e -> e.getMessage().setBody(RowBatch.ofLines(lines))).getException() != null) {
                break;
            }
            journal.remove("db", lines.size());
            done += lines.size();
        }
        replayed.addAndGet(done);
        return done;
    }

    /**
     * The ingest's events that the producer could not send, to the topic again (route kafka-send), oldest first,
     * one at a time, until the journal is empty, a send fails (the broker is still away), or the run has had its time.
     */
    int replayKafka(ProducerTemplate template) {
        int done = 0;
        long until = System.nanoTime() + DB_RUN_NANOS;
        while (System.nanoTime() < until && !journal.isEmpty(RefusedEvents.KAFKA)) {
            List<String> lines = journal.peek(RefusedEvents.KAFKA, dbBatch);
            int sent = 0;
            for (String line : lines) {
                KickEvent event;
                try {
                    event = EventCodec.decode(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    event = null; // not an event: dropped below with the line, said once
                    LOG.warn("Dropped a line of the kafka journal that is not an event: {}", e.getMessage());
                }
                if (event != null) {
                    KickEvent e = event;
                    if (template.send("direct:kafka-send", x -> x.getMessage().setBody(e)).getException() != null) {
                        break;
                    }
                }
                sent++;
            }
            journal.remove(RefusedEvents.KAFKA, sent);
            done += sent;
            if (sent < lines.size()) {
                break;
            }
        }
        replayed.addAndGet(done);
        return done;
    }

    int replayDiscord(ProducerTemplate template) {
        int done = 0;
        for (int i = 0; i < maxMessagesPerRun; i++) {
            if (!discordTarget.isConfigured() || Breakers.isOpen(camelContext, "discord-cb") || journal.isEmpty("discord")) {
                break;
            }
            List<String> lines = journal.peek("discord", DiscordRenderer.MAX_EMBEDS);
            if (lines.isEmpty()) {
                break;
            }
            // the oldest entries that are messages young enough to send: packed into as few requests as fit
            List<DiscordMessage> next = new ArrayList<>();
            for (String line : lines) {
                DiscordMessage message;
                try {
                    message = DiscordMessage.fromJournal(line);
                } catch (IllegalArgumentException e) {
                    message = null;
                }
                boolean expired = message != null && System.currentTimeMillis() - message.oldestMs() > maxAgeMs;
                if (message == null || expired) {
                    if (next.isEmpty()) { // at the head: dealt with now
                        journal.remove("discord", 1);
                        if (expired) {
                            LOG.info("Dropped a journaled Discord message older than discord.max-age ({} so far)",
                                    tooOld.incrementAndGet());
                        } else {
                            journal.append("discord-rejected", line);
                        }
                        continue;
                    }
                    break;
                }
                next.add(message);
            }
            if (next.isEmpty()) {
                continue;
            }
            DiscordRenderer.Packed packed = renderer.pack(next);
            if (template.send("direct:discord-send", e -> e.getMessage().setBody(packed.message())).getException() != null) {
                break;
            }
            journal.remove("discord", packed.count());
            done += packed.count();
        }
        replayed.addAndGet(done);
        return done;
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

    /** kafka.bootstrap-servers: Kafka is on when it is not empty. */
    public void setKafkaBootstrapServers(String servers) {
        this.kafka = servers != null && !servers.isBlank();
    }

    public void setJournal(Journal journal) {
        this.journal = journal;
    }


    public void setRenderer(DiscordRenderer renderer) {
        this.renderer = renderer;
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
