package dev.kickwatch.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.TypeFilter;
import dev.kickwatch.sink.RowBatching;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sink worker's batch without a broker: the records become events (one that is not an event is skipped and
 * counted), and the commit is the last record's of each partition, made only when asked (after both sinks).
 */
class SinkWorkerTest {

    private final CamelContext context = new DefaultCamelContext();
    private final List<String> committed = new ArrayList<>();

    private Exchange record(int partition, long offset, byte[] value) {
        Exchange e = new DefaultExchange(context);
        e.getMessage().setBody(value);
        e.getMessage().setHeader(KafkaConstants.TOPIC, "kw.events");
        e.getMessage().setHeader(KafkaConstants.PARTITION, partition);
        e.getMessage().setHeader(KafkaConstants.OFFSET, offset);
        e.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, (KafkaManualCommit) () -> committed.add(partition + ":" + offset));
        return e;
    }

    private static byte[] event(String id, String type) {
        KickEvent e = new KickEvent();
        e.setId(id);
        e.setType(type);
        e.setChannel("xqc");
        return EventCodec.encode(e);
    }

    @Test
    void should_decode_the_batch_skip_what_is_not_an_event_and_commit_the_last_offset_of_each_partition() throws Exception {
        SinkWorker worker = new SinkWorker();
        TypeFilter dbEvents = new TypeFilter();
        dbEvents.setTypes("chat.message.sent");
        worker.setDbFilter(dbEvents);
        worker.setRowBatching(new RowBatching());
        Exchange batch = new DefaultExchange(context);
        batch.getMessage().setBody(List.of(record(0, 10, event("a", "chat.message.sent")),
                record(1, 4, event("b", "channel.followed")),
                record(0, 11, "not json".getBytes(StandardCharsets.UTF_8)),
                record(0, 12, event("c", "chat.message.sent"))));
        batch.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, (KafkaManualCommit) () -> committed.add("batch"));

        worker.process(batch);
        @SuppressWarnings("unchecked")
        List<KickEvent> events = batch.getMessage().getBody(List.class);
        assertEquals(List.of("a", "b", "c"), events.stream().map(KickEvent::getId).toList());
        assertEquals(1, worker.getSkipped());
        assertTrue(batch.getMessage().getHeaders().isEmpty(), "no record header goes on to the sinks");
        assertEquals(2, worker.rows(events).size(), "db.events: the chat rows only");
        assertEquals(List.of(), committed, "nothing committed before the sinks took the batch");

        worker.commit(batch);
        assertEquals(List.of("0:12", "1:4"), committed, "the last record's offset of each partition, the skipped included");
        assertEquals(2, worker.getCommits());
        assertTrue(worker.getLastCommitAt() > 0);
    }

    @Test
    void should_go_on_when_a_commit_fails_as_the_next_one_covers_it() throws Exception {
        SinkWorker worker = new SinkWorker();
        Exchange batch = new DefaultExchange(context);
        Exchange r = record(0, 7, event("a", "chat.message.sent"));
        r.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, (KafkaManualCommit) () -> {
            throw new org.apache.kafka.common.errors.TimeoutException("Timeout of 5000ms expired before successfully committing offsets");
        });
        batch.getMessage().setBody(List.of(r));
        worker.process(batch);
        worker.commit(batch);
        assertEquals(1, worker.getCommitFailures());
        assertEquals(0, worker.getCommits());
    }
}
