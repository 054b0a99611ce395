package dev.kickwatch.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import dev.kickwatch.LogLimiter;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.TypeFilter;
import dev.kickwatch.sink.DiscordBatch;
import dev.kickwatch.sink.DiscordBatching;
import dev.kickwatch.sink.DiscordRenderer;
import dev.kickwatch.sink.RowBatch;
import dev.kickwatch.sink.RowBatching;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A sink worker's batch (route kafka-sinks): the records of one poll become events ({@link #process}), the DB's rows
 * and Discord's notifications are made of them ({@link #rows}, {@link #notifications}), and once both sinks took them,
 * delivered or journaled, the batch's offsets are committed ({@link #commit}): the last record's of each partition.
 * A record that is not an event is one warning line (rate-limited) and skipped; its offset is committed with the rest.
 */
public class SinkWorker implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(SinkWorker.class);
    /** The batch's commits, by partition: set by {@link #process}, read by {@link #commit}; Java only. */
    private static final String COMMITS = "kickwatch.kafkaCommits";

    private final LogLimiter badLog = new LogLimiter(10_000);
    private final LogLimiter commitLog = new LogLimiter(10_000);
    private final LogLimiter failLog = new LogLimiter(10_000);
    private final AtomicLong commitFailures = new AtomicLong();
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private volatile long lastCommitAt;
    private TypeFilter dbFilter;
    private RowBatching rowBatching;
    private DiscordRenderer discordRenderer;
    private DiscordBatching discordBatching;

    @Override
    public void process(Exchange exchange) throws Exception {
        List<?> records = exchange.getMessage().getMandatoryBody(List.class);
        List<KickEvent> out = new ArrayList<>(records.size());
        Map<String, KafkaManualCommit> last = new LinkedHashMap<>();
        for (Object o : records) {
            Message m = ((Exchange) o).getMessage();
            KafkaManualCommit commit = m.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit != null) {
                last.put(m.getHeader(KafkaConstants.TOPIC) + "-" + m.getHeader(KafkaConstants.PARTITION), commit);
            }
            try {
                out.add(EventCodec.decode(m.getMandatoryBody(byte[].class)));
            } catch (RuntimeException e) {
                long n = skipped.incrementAndGet();
                long held = badLog.tryAcquire();
                if (held >= 0) {
                    LOG.warn("Kafka: skipped record {} of partition {} ({}; {} skipped so far)", m.getHeader(KafkaConstants.OFFSET),
                            m.getHeader(KafkaConstants.PARTITION), e.getMessage(), n);
                }
            }
        }
        events.addAndGet(out.size());
        exchange.setProperty(COMMITS, List.copyOf(last.values()));
        exchange.getMessage().setHeaders(new java.util.HashMap<>()); // the records' headers stay with the records
        exchange.getMessage().setBody(out);
    }

    /** The batch's rows that the DB stores (db.events). */
    public RowBatch rows(List<KickEvent> batch) {
        return rowBatching.batchOf(batch.stream().filter(dbFilter::wanted).toList());
    }

    /** Whether the batch has a row. */
    public boolean any(RowBatch rows) {
        return rows.size() > 0;
    }

    /** The batch's events that Discord wants (discord.events, discord.chat, ...). */
    public List<KickEvent> notified(List<KickEvent> batch) {
        return batch.stream().filter(discordRenderer::wanted).toList();
    }

    /** The batch's notifications for Discord, each rendered once. */
    public DiscordBatch notifications(List<KickEvent> batch) {
        return discordBatching.batchOf(notified(batch));
    }

    /** Both sinks took the batch: the last offset of each partition in it is committed, synchronously. */
    public void commit(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<KafkaManualCommit> done = exchange.getProperty(COMMITS, List.class);
        if (done == null) {
            return;
        }
        try {
            for (KafkaManualCommit c : done) {
                c.commit();
            }
        } catch (RuntimeException e) {
            // safe to go on: an offset commits everything before it, so the next batch's commit covers this one; a
            // worker that dies first leaves the batch to be read again (at-least-once)
            long n = commitFailures.incrementAndGet();
            long held = commitLog.tryAcquire();
            if (held >= 0) {
                LOG.warn("Kafka: could not commit the offsets of a delivered batch ({}); the next commit covers them "
                        + "({} failed so far)", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), n);
            }
            return;
        }
        commits.addAndGet(done.size());
        lastCommitAt = System.currentTimeMillis();
    }

    /** The batch failed past the sinks' own handling (e.g. a journal that cannot be written): one line; read again. */
    public void failed(Exchange exchange) {
        Throwable t = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        long held = failLog.tryAcquire();
        if (held >= 0) {
            LOG.warn("Kafka: a batch of {} events was not taken by the sinks ({}); nothing committed, it is read again",
                    exchange.getMessage().getBody(List.class) == null ? "?" : exchange.getMessage().getBody(List.class).size(),
                    t == null ? "unknown" : t.getClass().getSimpleName() + ": " + t.getMessage());
        }
    }

    public long getCommitFailures() {
        return commitFailures.get();
    }

    public long getEvents() {
        return events.get();
    }

    public long getSkipped() {
        return skipped.get();
    }

    public long getCommits() {
        return commits.get();
    }

    /** When offsets were last committed (epoch ms), 0 before the first. */
    public long getLastCommitAt() {
        return lastCommitAt;
    }

    public void setDbFilter(TypeFilter dbFilter) {
        this.dbFilter = dbFilter;
    }

    public void setRowBatching(RowBatching rowBatching) {
        this.rowBatching = rowBatching;
    }

    public void setDiscordRenderer(DiscordRenderer discordRenderer) {
        this.discordRenderer = discordRenderer;
    }

    public void setDiscordBatching(DiscordBatching discordBatching) {
        this.discordBatching = discordBatching;
    }
}
