package dev.kickwatch.cluster;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;
import org.apache.camel.Service;
import org.apache.camel.StartupListener;
import org.apache.camel.spi.PropertiesComponent;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scale-out over Apache Kafka, on when {@code kafka.bootstrap-servers} is set and off (today's single process)
 * without it. On, the ingest sends its events to the topic {@code <kickwatch.cluster>.events} (route kafka-publish) and
 * the sinks take them from there as the consumer group {@code <kickwatch.cluster>-sinks} (route kafka-sinks): both
 * routes are in routes/kafka.camel.yaml, made only when it is on (their precondition).
 *
 * <p>As a {@link Predicate} (bean {@code kafkaCluster}): whether the ingest hands its events to Kafka.
 */
public final class KafkaCluster implements Predicate, StartupListener, Service {

    public static final String BEAN = "kafkaCluster";
    private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);

    private final String bootstrapServers;
    private final String cluster;
    private final int partitions;
    private Admin admin;
    private long lagAt;
    private long lag = -1;

    KafkaCluster(String bootstrapServers, String cluster, int partitions) {
        this.bootstrapServers = bootstrapServers == null ? "" : bootstrapServers.trim();
        this.cluster = cluster == null || cluster.isBlank() ? "kickwatch" : cluster.trim();
        this.partitions = partitions;
    }

    /** From kafka.bootstrap-servers, kickwatch.cluster and kafka.events.partitions (environment variables included). */
    public static KafkaCluster of(PropertiesComponent pc) {
        String partitions = pc.resolveProperty("kafka.events.partitions").orElse("12").trim();
        int n;
        try {
            n = Integer.parseInt(partitions);
        } catch (NumberFormatException e) {
            n = 0;
        }
        if (n < 1) {
            throw new IllegalArgumentException("kafka.events.partitions (KAFKA_EVENTS_PARTITIONS) must be a positive "
                    + "whole number, not '" + partitions + "'");
        }
        return new KafkaCluster(pc.resolveProperty("kafka.bootstrap-servers").orElse(""),
                pc.resolveProperty("kickwatch.cluster").orElse("kickwatch"), n);
    }

    public boolean isEnabled() {
        return !bootstrapServers.isEmpty();
    }

    public String getBootstrapServers() {
        return bootstrapServers;
    }

    public String getCluster() {
        return cluster;
    }

    public String eventsTopic() {
        return cluster + ".events";
    }

    public String sinksGroup() {
        return cluster + "-sinks";
    }

    /**
     * Records of the events topic the sink workers' group has not committed yet (summed over partitions; a partition
     * without a commit counts from its start), asked of the broker at most every 5 s; -1 while no broker answers.
     */
    public synchronized long lag() {
        long now = System.nanoTime();
        if (now - lagAt < 5_000_000_000L && lagAt != 0) {
            return lag;
        }
        lagAt = now;
        try {
            if (admin == null) {
                admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
            }
            var topic = admin.describeTopics(List.of(eventsTopic())).allTopicNames().get(2, TimeUnit.SECONDS).get(eventsTopic());
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
            topic.partitions().forEach(p -> {
                latest.put(new TopicPartition(eventsTopic(), p.partition()), OffsetSpec.latest());
                earliest.put(new TopicPartition(eventsTopic(), p.partition()), OffsetSpec.earliest());
            });
            var ends = admin.listOffsets(latest).all().get(2, TimeUnit.SECONDS);
            var starts = admin.listOffsets(earliest).all().get(2, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(sinksGroup())
                    .partitionsToOffsetAndMetadata().get(2, TimeUnit.SECONDS);
            long sum = 0;
            for (var e : ends.entrySet()) {
                OffsetAndMetadata c = committed.get(e.getKey());
                long from = c != null ? c.offset() : starts.get(e.getKey()).offset();
                sum += Math.max(0, e.getValue().offset() - from);
            }
            lag = sum;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lag = -1;
        } catch (Exception e) {
            lag = -1;
        }
        return lag;
    }

    @Override
    public void start() {
        // the admin client is made at the first question (lag)
    }

    @Override
    public synchronized void stop() {
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(2));
            admin = null;
        }
    }

    @Override
    public boolean matches(Exchange exchange) {
        return isEnabled();
    }

    /** Before any route starts: on, the events topic is made sure of. */
    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        if (alreadyStarted || !isEnabled()) {
            return;
        }
        ensureTopic();
    }

    /**
     * The events topic with kafka.events.partitions partitions and the broker's default replication, unless it exists;
     * a broker out of reach is one warning (the producer waits for it, or the broker creates the topic itself).
     */
    private void ensureTopic() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000))) {
            admin.createTopics(List.of(new NewTopic(eventsTopic(), Optional.of(partitions), Optional.empty())))
                    .all().get(6, TimeUnit.SECONDS);
            LOG.info("Kafka: created topic {} with {} partitions", eventsTopic(), partitions);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                return;
            }
            LOG.warn("Kafka: could not create topic {} ({}); the producer retries", eventsTopic(),
                    e.getCause() == null ? e.toString() : e.getCause().toString());
        } catch (TimeoutException e) {
            LOG.warn("Kafka: no broker of {} answered within 5 s; the topic {} was not checked", bootstrapServers,
                    eventsTopic());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
