package dev.kickwatch.ops;

import java.util.Map;

import dev.kickwatch.cluster.KafkaCluster;
import dev.kickwatch.cluster.KickwatchRole;
import dev.kickwatch.cluster.SinkWorker;
import dev.kickwatch.cluster.SinkWorkerPause;
import dev.kickwatch.sink.Journal;
import dev.kickwatch.sink.RefusedEvents;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of this process in its Kafka cluster (only with kafka.bootstrap-servers): the cluster and role, the sink
 * workers' lag, whether this worker is paused and by which breaker, the events waiting in the journal for the topic.
 * DOWN while no broker answers (the ingest's events then wait in the producer's buffer and the journal).
 */
public class KafkaHealthCheck extends AbstractHealthCheck {

    private String bootstrapServers = "";
    private KickwatchRole role = KickwatchRole.ALL;

    public KafkaHealthCheck() {
        super("kickwatch", "kafka");
    }

    @Override
    public boolean isEnabled() {
        return !bootstrapServers.isBlank();
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        KafkaCluster kafka = getCamelContext().getRegistry().lookupByNameAndType(KafkaCluster.BEAN, KafkaCluster.class);
        if (kafka == null) {
            builder.message("no Kafka cluster set up").down();
            return;
        }
        builder.detail("cluster", kafka.getCluster());
        builder.detail("role", role.toString());
        long lag = kafka.lag();
        builder.detail("lag", lag);
        Journal journal = getCamelContext().getRegistry().lookupByNameAndType("journal", Journal.class);
        if (journal != null && role.ingests()) {
            builder.detail("journal_for_topic", journal.pendingRows(RefusedEvents.KAFKA));
        }
        SinkWorker worker = getCamelContext().getRegistry().lookupByNameAndType("sinkWorker", SinkWorker.class);
        SinkWorkerPause pause = getCamelContext().getRegistry().lookupByNameAndType("sinkWorkerPause", SinkWorkerPause.class);
        if (role.delivers() && worker != null) {
            builder.detail("worker_events", worker.getEvents());
            if (worker.getLastCommitAt() > 0) {
                builder.detail("last_commit_age_ms", System.currentTimeMillis() - worker.getLastCommitAt());
            }
            if (pause != null && pause.isPaused()) {
                builder.detail("paused_by", String.join(",", pause.getOpenSinks()));
            }
        }
        if (lag < 0) {
            builder.message("no broker of " + kafka.getBootstrapServers() + " answered within 2 s").down();
        } else {
            builder.up();
        }
    }

    public void setBootstrapServers(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers == null ? "" : bootstrapServers;
    }

    public void setRole(String role) {
        this.role = KickwatchRole.of(role);
    }
}
