package dev.kickwatch;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kickwatch.cluster.SinkWorkerPause;
import dev.kickwatch.sink.Journal;
import dev.kickwatch.support.Fixtures;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.KafkaBroker;
import dev.kickwatch.support.RelayTestSupport;
import org.apache.camel.ServiceStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static dev.kickwatch.support.Fixtures.json;
import static dev.kickwatch.support.Fixtures.publish;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kafka.bootstrap-servers set, against a real broker (support/KafkaBroker): the events leave the ingest for the topic
 * {@code <kickwatch.cluster>.events}, keyed by channel, and the consumer group {@code <kickwatch.cluster>-sinks} feeds
 * the sinks, which see exactly what EndToEndTest's single process delivers.
 */
class KafkaRelayIT extends RelayTestSupport {

    private static final String CLUSTER = "kwit";
    private static KafkaBroker broker;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    List<JsonNode> dbRows() throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (HttpSinkServer.Request r : db.requests()) {
            JSON.readTree(r.body()).forEach(rows::add);
        }
        return rows;
    }

    @Test
    void should_relay_through_the_events_topic_and_the_sinks_group() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(201));
        startApp(Map.of("kafka.bootstrap-servers", broker.bootstrapServers(), "kickwatch.cluster", CLUSTER,
                "kafka.events.partitions", "3"));
        for (String route : List.of("kafka-publish", "kafka-sinks")) {
            assertEquals(ServiceStatus.Started, app.context().getRouteController().getRouteStatus(route), route);
        }

        publish(kick, "chat-message");          // to the DB only
        publish(kick, "subscription");          // to both
        publish(kick, "channel-subscription");  // the same subscription on channel.2000: dropped before Kafka
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"marker-1\",\"content\":\"marker\",\"type\":\"message\",\"sender\":{\"id\":1,\"username\":\"m\"}}");
        await().atMost(30, SECONDS).until(() -> dbRows().size() >= 3 && discord.requests().size() >= 1);

        // the sinks got what the single process delivers (EndToEndTest's expected files): the record kept it all
        List<JsonNode> all = dbRows();
        assertEquals(3, all.size(), "each event stored once: " + all);
        ArrayNode rows = JSON.createArrayNode();
        all.subList(0, 2).forEach(rows::add);
        assertEquals(Fixtures.expectedE2eRows(rows), rows);
        assertEquals(1, discord.requests().size(), "one Discord message");
        HttpSinkServer.Request d = discord.requests().get(0);
        ObjectNode expectedDiscord = (ObjectNode) json("expected/e2e-discord-subscription.json");
        ((ObjectNode) expectedDiscord.get("embeds").get(0)).put("timestamp", rows.get(1).get("created_at").asText());
        assertEquals(expectedDiscord, JSON.readTree(d.body()));
        for (HttpSinkServer.Request r : List.of(d, db.requests().get(0))) {
            assertTrue(r.headers().keySet().stream().noneMatch(h -> h.startsWith("kafka")), "no Kafka header: "
                    + r.headers().keySet());
        }

        // the topic: made with 3 partitions, 3 records keyed by the channel, the row and the Pusher names in each
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicDescription topic = admin.describeTopics(List.of(CLUSTER + ".events")).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(CLUSTER + ".events");
            assertEquals(3, topic.partitions().size());
            // the sink worker committed all three once both sinks had them
            await("kwit-sinks committed").atMost(30, SECONDS).until(() -> admin.listConsumerGroupOffsets(CLUSTER + "-sinks")
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(OffsetAndMetadata::offset).sum() == 3);
        }
        List<ConsumerRecord<String, String>> records = read(CLUSTER + ".events", 3);
        assertEquals(3, records.size());
        assertEquals(1, records.stream().map(ConsumerRecord::partition).distinct().count(), "one channel, one partition");
        for (ConsumerRecord<String, String> r : records) {
            assertEquals("testchan", r.key());
            JsonNode v = JSON.readTree(r.value());
            assertEquals("testchan", v.get("channel").asText());
            assertNotNull(v.get("pusher_event").asText());
            assertEquals(0, r.headers().toArray().length, "no headers on the record");
        }
        List<String> pusherEvents = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            pusherEvents.add(JSON.readTree(r.value()).get("pusher_event").asText());
        }
        assertEquals(List.of("ChatMessageEvent", "SubscriptionEvent", "ChatMessageEvent"), pusherEvents,
                "in the order Kick sent them");
    }

    @Test
    void should_journal_what_no_broker_takes_and_send_it_to_the_topic_when_the_broker_is_back() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(201));
        broker.stop(); // as a broker that is down when the ingest gets its events
        try {
            startApp(Map.of("kafka.bootstrap-servers", broker.bootstrapServers(), "kickwatch.cluster", CLUSTER + "-j",
                    "kafka.producer.max-block", "300", "kickwatch.journal.replay-interval", "500"));
            publish(kick, "chat-message");
            publish(kick, "subscription");
            kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                    "{\"id\":\"marker-2\",\"content\":\"marker\",\"type\":\"message\",\"sender\":{\"id\":1,\"username\":\"m\"}}");
            // refused by the producer (no broker within max-block): journaled for the topic, not for the sinks
            Journal journal = app.context().getRegistry().lookupByNameAndType("journal", Journal.class);
            await().atMost(30, SECONDS).until(() -> journal.pendingRows("kafka") == 3);
            assertEquals(0, journal.pendingRows("db"));
            assertEquals(0, db.requests().size());
        } finally {
            broker.startAgain();
        }
        // replayed to the topic, and from there to the sinks, in order
        await().atMost(60, SECONDS).until(() -> dbRows().size() >= 3 && discord.requests().size() >= 1);
        assertEquals(3, dbRows().size(), "each event stored once: " + dbRows());
        assertEquals(List.of("chat.message.sent", "channel.subscription.new", "chat.message.sent"),
                dbRows().stream().map(r -> r.get("type").asText()).toList());
        Journal journal = app.context().getRegistry().lookupByNameAndType("journal", Journal.class);
        assertEquals(0, journal.pendingRows("kafka"));
        assertEquals(0, journal.pendingRows("db"), "the sinks took it all from the topic");
    }

    @Test
    void should_pause_the_sink_worker_while_the_db_breaker_is_open_and_drain_after() throws Exception {
        AtomicBoolean dbDown = new AtomicBoolean(true);
        java.util.Set<String> stored = java.util.concurrent.ConcurrentHashMap.newKeySet();
        java.util.concurrent.atomic.AtomicInteger refused = new java.util.concurrent.atomic.AtomicInteger();
        db.behave(r -> {
            if (dbDown.get()) {
                refused.incrementAndGet();
                return HttpSinkServer.Response.of(503);
            }
            try {
                JSON.readTree(r.body()).forEach(n -> stored.add(n.get("id").asText()));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return HttpSinkServer.Response.of(201);
        });
        String cluster = CLUSTER + "-p";
        startApp(Map.of("kafka.bootstrap-servers", broker.bootstrapServers(), "kickwatch.cluster", cluster,
                "db.cb.failures", "2", "db.cb.open-seconds", "3", "kickwatch.journal.replay-interval", "500",
                "discord.events", ""));
        SinkWorkerPause pause = app.context().getRegistry().lookupByNameAndType("sinkWorkerPause", SinkWorkerPause.class);
        // two batches fail: the breaker opens, the worker pauses
        chat(0, 1);
        await().atMost(20, SECONDS).until(() -> refused.get() >= 1);
        chat(1, 2);
        await().atMost(20, SECONDS).until(pause::isPaused);
        Journal journal = app.context().getRegistry().lookupByNameAndType("journal", Journal.class);
        long journaled = journal.pendingRows("db");
        int requests = refused.get();
        long committed = committed(cluster);
        // paused: what comes now waits in Kafka, not in the journal
        chat(2, 40);
        await().atMost(20, SECONDS).until(() -> end(cluster + ".events") == 40);
        long lag = end(cluster + ".events") - committed(cluster);
        System.out.printf("paused: %d events journaled before the pause, lag %d while the breaker is open%n", journaled, lag);
        assertTrue(lag >= 38, "the backlog is in Kafka: lag " + lag);
        await().atMost(15, SECONDS).until(() -> metric("kickwatch_kafka_consumer_lag") == lag);
        assertEquals(1, metric("kickwatch_kafka_worker_paused"));
        org.apache.camel.health.HealthCheck.Result kafkaCheck = org.apache.camel.health.HealthCheckHelper
                .invokeReadiness(app.context(), "full").stream().filter(r -> r.getCheck().getId().equals("kafka"))
                .findFirst().orElseThrow();
        assertEquals("UP", kafkaCheck.getState().name(), kafkaCheck.getDetails().toString());
        assertEquals("db", kafkaCheck.getDetails().get("paused_by"), kafkaCheck.getDetails().toString());
        assertEquals(cluster, kafkaCheck.getDetails().get("cluster"));
        assertEquals((long) lag, kafkaCheck.getDetails().get("lag"));
        assertEquals(committed, committed(cluster), "nothing committed while paused");
        // the breaker goes half-open after 3 s: the worker resumes, its batch is the probe; with the DB back, it drains
        dbDown.set(false);
        long recovered = System.nanoTime();
        int whilePaused = refused.get() - requests;
        await().atMost(60, SECONDS).until(() -> stored.size() == 40);
        await().atMost(30, SECONDS).until(() -> committed(cluster) == 40);
        System.out.printf("drained: 40 events stored %d ms after the DB came back; %d DB requests refused before the "
                + "pause, %d while paused%n", (System.nanoTime() - recovered) / 1_000_000, requests, whilePaused);
        assertTrue(whilePaused <= 1, "no DB call while paused but the half-open probe: " + whilePaused);
        assertFalse(pause.isPaused());
        assertEquals(0, metric("kickwatch_kafka_worker_paused"));
        assertTrue(metric("kickwatch_kafka_worker_events_total") >= 40);
        await().atMost(15, SECONDS).until(() -> metric("kickwatch_kafka_consumer_lag") == 0);
        assertEquals(0, journal.pendingRows("db"), "the journaled batches were replayed");
        assertEquals(40, stored.size(), "every event stored");
    }

    private void chat(int from, int to) {
        for (int i = from; i < to; i++) {
            kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent", "{\"id\":\"p-" + i
                    + "\",\"content\":\"m" + i + "\",\"type\":\"message\",\"sender\":{\"id\":1,\"username\":\"u\"}}");
        }
    }

    private String observe(String path) throws Exception {
        String port = app.context().getPropertiesComponent().resolveProperty("camel.management.port").orElseThrow();
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    /** One unlabelled series of /observe/metrics. */
    private double metric(String name) throws Exception {
        String scrape = observe("/observe/metrics");
        return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{")).findFirst()
                .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(Double.NaN);
    }

    private static long committed(String cluster) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            return admin.listConsumerGroupOffsets(cluster + "-sinks").partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS)
                    .values().stream().filter(java.util.Objects::nonNull).mapToLong(OffsetAndMetadata::offset).sum();
        }
    }

    private static long end(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            TopicDescription t = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            t.partitions().forEach(p -> latest.put(new org.apache.kafka.common.TopicPartition(topic, p.partition()),
                    org.apache.kafka.clients.admin.OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).values().stream()
                    .mapToLong(org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo::offset).sum();
        }
    }

    private static List<ConsumerRecord<String, String>> read(String topic, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-relay-it-reader");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(topic));
            await("records of " + topic).atMost(30, SECONDS).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() >= n;
            });
        }
        return got;
    }
}
