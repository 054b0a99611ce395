package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import dev.kickwatch.support.KafkaBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The throwaway Kafka broker the scale-out tests use (support/KafkaBroker): records in and out with the kafka-clients
 * API, in key order per partition; stopped by PID with its port free again; started again with its data and the
 * group's committed offsets; killed; nothing left behind.
 */
class KafkaBrokerIT {

    private static final String TOPIC = "kickwatch-it.events";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @Test
    void should_carry_records_keep_them_across_a_restart_and_leave_no_process() throws Exception {
        long started = System.nanoTime();
        Path dir;
        long pid;
        int port;
        try (KafkaBroker broker = KafkaBroker.start()) {
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            dir = broker.directory();
            pid = broker.pid();
            port = broker.port();
            assertTrue(pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "broker running");
            assertEquals("127.0.0.1:" + port, broker.bootstrapServers());
            assertTrue(Files.isDirectory(dir.resolve("data")), "data in the broker's own directory");

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
                assertEquals(broker.clusterId(), admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS));
            }
            List<String> sent = new ArrayList<>();
            try (KafkaProducer<String, String> producer = producer(broker)) {
                for (int i = 0; i < 30; i++) {
                    String channel = "channel-" + (i % 3);
                    String value = channel + "#" + i;
                    producer.send(new ProducerRecord<>(TOPIC, channel, value)).get(30, TimeUnit.SECONDS);
                    sent.add(value);
                }
            }
            List<ConsumerRecord<String, String>> got = consumeAll(broker, "it-group", sent.size());
            assertEquals(sent.size(), got.size(), "each record once");
            assertEquals(sent.stream().sorted().toList(), got.stream().map(ConsumerRecord::value).sorted().toList());
            for (String channel : List.of("channel-0", "channel-1", "channel-2")) {
                // one key, one partition, in the order sent
                List<ConsumerRecord<String, String>> ofChannel = got.stream().filter(r -> r.key().equals(channel))
                        .toList();
                assertEquals(1, ofChannel.stream().map(ConsumerRecord::partition).distinct().count(), channel);
                assertEquals(sent.stream().filter(v -> v.startsWith(channel + "#")).toList(),
                        ofChannel.stream().map(ConsumerRecord::value).toList(), channel + " in order");
            }

            long stopStarted = System.nanoTime();
            broker.stop();
            long stopMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopStarted);
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "PID " + pid + " gone");
            assertEquals(-1, broker.pid());
            assertTrue(bindable(port), "port " + port + " free after stop");

            long againStarted = System.nanoTime();
            broker.startAgain();
            long againMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - againStarted);
            long pid2 = broker.pid();
            assertTrue(pid2 > 0 && pid2 != pid, "a new process");
            assertEquals(port, broker.port(), "the same port after startAgain");
            // the data survived: a new group reads all 30 again; the first group's offsets survived too
            assertEquals(sent.size(), consumeAll(broker, "it-group-2", sent.size()).size());
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets("it-group")
                        .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
                assertEquals(sent.size(), committed.values().stream().mapToLong(OffsetAndMetadata::offset).sum(),
                        "it-group's committed offsets kept: " + committed);
            }

            broker.kill();
            assertFalse(ProcessHandle.of(pid2).map(ProcessHandle::isAlive).orElse(false), "PID " + pid2 + " killed");
            assertTrue(bindable(port), "port " + port + " free after kill");
            long afterKillStarted = System.nanoTime();
            broker.startAgain();
            long afterKillMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - afterKillStarted);
            long pid3 = broker.pid();
            assertTrue(pid3 > 0, "starts again after a kill");
            System.out.printf("KafkaBrokerIT: start %d ms, stop %d ms, start again %d ms, start after a kill %d ms%n",
                    startMs, stopMs, againMs, afterKillMs);
            // close() with the broker running: killed by PID, directory deleted
            broker.close();
            assertFalse(ProcessHandle.of(pid3).map(ProcessHandle::isAlive).orElse(false), "PID " + pid3 + " gone");
        }
        assertFalse(Files.exists(dir), "directory deleted");
        assertTrue(bindable(port), "port free at the end");
    }

    @Test
    void should_stop_the_broker_when_the_jvm_that_started_it_is_killed() throws Exception {
        // a JVM of its own starts a broker and is then killed with SIGKILL: no close(), no shutdown hook
        Path out = Files.createTempFile("kickwatch-kafka-holder-", ".txt");
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx128m", "-cp", KafkaBroker.childClasspath() + java.io.File.pathSeparator
                        + Path.of("target", "classes").toAbsolutePath(), Holder.class.getName())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            await("the holder's broker").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> Files.readString(out).contains("BROKER "));
            String[] line = Files.readString(out).lines().filter(l -> l.startsWith("BROKER ")).findFirst().orElseThrow()
                    .split(" ");
            long brokerPid = Long.parseLong(line[1]);
            Path dir = Path.of(line[2]);
            assertTrue(ProcessHandle.of(brokerPid).map(ProcessHandle::isAlive).orElse(false), "broker running");
            holder.destroyForcibly();
            assertTrue(holder.waitFor(30, TimeUnit.SECONDS), "holder killed");
            await("broker " + brokerPid + " gone with its JVM").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> ProcessHandle.of(brokerPid).map(h -> !h.isAlive()).orElse(true));
            await("its directory deleted").atMost(WAIT).pollInterval(Duration.ofMillis(100))
                    .until(() -> !Files.exists(dir));
        } finally {
            holder.destroyForcibly();
            Files.deleteIfExists(out);
        }
    }

    /** The main of the killed JVM: starts a broker, says its PID and directory, and waits to be killed. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            KafkaBroker broker = KafkaBroker.start();
            System.out.println("BROKER " + broker.pid() + " " + broker.directory());
            System.out.flush();
            new java.util.concurrent.CountDownLatch(1).await(5, TimeUnit.MINUTES);
            broker.close();
        }
    }

    private static KafkaProducer<String, String> producer(KafkaBroker broker) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Consumes from the start as the given group until it has at least n records, commits, and returns them. */
    private static List<ConsumerRecord<String, String>> consumeAll(KafkaBroker broker, String group, int n) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            consumer.subscribe(List.of(TOPIC));
            await("records of " + group).atMost(WAIT).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.size() >= n;
            });
            // a little longer: a duplicate would show here
            consumer.poll(Duration.ofMillis(300)).forEach(got::add);
            consumer.commitSync(Duration.ofSeconds(30));
        }
        return got;
    }

    private static boolean bindable(int port) {
        try (java.net.ServerSocket s = new java.net.ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
