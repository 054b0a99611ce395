package dev.kickwatch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import dev.kickwatch.demo.PusherServer;
import dev.kickwatch.support.Fixtures;
import dev.kickwatch.support.JarProcess;
import dev.kickwatch.support.KafkaBroker;
import dev.kickwatch.support.PostgresCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kickwatch as a Kafka cluster of real processes (the jar): an ingest ({@code KICKWATCH_ROLE=ingest}) and sink workers
 * ({@code sinks}) against a real KRaft broker and a real PostgreSQL. A worker killed (SIGKILL) while its batch waits
 * on the database leaves the batch to the other worker, and the table holds each row once; a broker that is down 20 s
 * under 500 events/s costs the ingest a bounded amount of memory and loses nothing.
 */
class SinkWorkersIT {

    static PostgresCluster pg;
    static KafkaBroker broker;
    Path data;
    PusherServer kick;
    final List<JarProcess> processes = new java.util.ArrayList<>();

    @BeforeAll
    static void startServers() throws Exception {
        pg = PostgresCluster.start();
        pg.applySchema(Path.of("sql/kick_events.sql"));
        broker = KafkaBroker.start();
    }

    @AfterAll
    static void stopServers() {
        if (broker != null) {
            broker.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void start() throws Exception {
        data = Files.createDirectories(Path.of("target", "sink-workers-it"));
        kick = new PusherServer("swkey");
        kick.start(0);
    }

    @AfterEach
    void stop() {
        processes.forEach(JarProcess::close); // by PID, SIGKILL
        kick.close();
    }

    private JarProcess kickwatch(String name, String cluster, String role, int managementPort) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("KICK_PUSHER_URL", kick.url());
        env.put("KICK_CHANNELS", "swchan:1000:2000");
        env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
        env.put("KICKWATCH_CLUSTER", cluster);
        env.put("KICKWATCH_ROLE", role);
        env.put("KAFKA_EVENTS_PARTITIONS", "4");
        env.put("KAFKA_CONSUMER_SESSION_TIMEOUT", "6000");
        env.put("KICKWATCH_DATA_DIR", data.resolve(cluster + "-" + name).toString());
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(managementPort));
        env.put("DB_JDBC_URL", pg.jdbcUrl());
        env.put("DB_USER", pg.user());
        env.put("DB_PASSWORD", pg.password());
        // a batch waiting on a locked table outlives the test's kill: no timeout ends it first
        env.put("DB_JDBC_STATEMENT_TIMEOUT", "50000");
        env.put("DB_CB_TIMEOUT", "60000");
        env.put("DB_HTTP_RESPONSE_TIMEOUT", "50000");
        JarProcess p = JarProcess.start(data.resolve(cluster + "-" + name + ".log"), env);
        processes.add(p);
        return p;
    }

    @Test
    void should_give_a_killed_workers_batch_to_the_other_and_store_each_row_once() throws Exception {
        int ingestPort = Fixtures.freePort();
        int[] workerPorts = { Fixtures.freePort(), Fixtures.freePort() };
        JarProcess ingest = kickwatch("ingest", "sw1", "ingest", ingestPort);
        JarProcess[] workers = { kickwatch("w0", "sw1", "sinks", workerPorts[0]), kickwatch("w1", "sw1", "sinks", workerPorts[1]) };
        await().atMost(60, SECONDS).until(() -> kick.subscribedChannels().size() == 4);
        for (JarProcess w : workers) {
            await().atMost(60, SECONDS).until(() -> metric(workerPorts[indexOf(workers, w)], "kickwatch_kafka_worker_events_total") >= 0);
        }
        // both in the group, each with partitions of its own: one channel, one partition, so one worker has its events
        await().atMost(60, SECONDS).until(() -> groupMembersWithPartitions("sw1-sinks") == 2);
        chat("sw1-warm");
        await().atMost(60, SECONDS).until(() -> count("sw1-%") == 1);
        double[] before = { metric(workerPorts[0], "kickwatch_kafka_worker_events_total"),
                metric(workerPorts[1], "kickwatch_kafka_worker_events_total") };

        long killedAt;
        int other;
        double otherBefore;
        try (Connection lock = DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table kick_events in access exclusive mode");
            for (int i = 0; i < 50; i++) {
                chat("sw1-" + i);
            }
            // the owner's batch waits on the lock: it has the events, nothing is committed yet
            await().atMost(30, SECONDS).until(() -> pg.psql("select count(*) from pg_stat_activity where wait_event_type = "
                    + "'Lock' and query ilike 'insert%'").trim().equals("1"));
            // the worker whose count grew holds that batch
            int owner = metric(workerPorts[0], "kickwatch_kafka_worker_events_total") > before[0] ? 0 : 1;
            other = 1 - owner;
            assertTrue(metric(workerPorts[owner], "kickwatch_kafka_worker_events_total") > before[owner], "a batch in hand");
            assertEquals(before[other], metric(workerPorts[other], "kickwatch_kafka_worker_events_total"));
            otherBefore = before[other];
            workers[owner].close(); // SIGKILL, mid-batch
            JarProcess killed = workers[owner];
            await().atMost(10, SECONDS).until(() -> !killed.isAlive());
            killedAt = System.nanoTime();
            lock.rollback();
        }
        // the other worker gets the partition once the group drops the dead one, and reads the batch again
        int survivor = other;
        await().atMost(60, SECONDS).until(() -> metric(workerPorts[survivor], "kickwatch_kafka_worker_events_total") >= otherBefore + 50);
        long movedMs = (System.nanoTime() - killedAt) / 1_000_000;
        await().atMost(30, SECONDS).until(() -> count("sw1-%") == 51);
        assertEquals("51", pg.psql("select count(distinct id) from kick_events where id like 'sw1-%'").trim());
        double redelivered = metric(workerPorts[other], "kickwatch_kafka_worker_events_total") - otherBefore;
        System.out.printf("worker killed mid-batch: its partition taken over and the batch read again %d ms after the "
                + "kill (session timeout 6000 ms); the other worker took %.0f events, the table holds 51 rows, once each%n",
                movedMs, redelivered);
        assertEquals(50.0, redelivered, "the uncommitted batch, from its first offset, and nothing before it");
        assertTrue(ingest.isAlive());
        assertFalse(workers[other].output().contains(pg.password()), "no password in the log");
    }

    @Test
    void should_hold_the_events_while_the_broker_is_down_and_lose_none() throws Exception {
        int ingestPort = Fixtures.freePort();
        int workerPort = Fixtures.freePort();
        JarProcess ingest = kickwatch("ingest", "sw2", "ingest", ingestPort);
        kickwatch("w0", "sw2", "sinks", workerPort);
        await().atMost(60, SECONDS).until(() -> kick.subscribedChannels().size() == 4);
        await().atMost(60, SECONDS).until(() -> metric(workerPort, "kickwatch_kafka_worker_events_total") >= 0);
        chat("sw2-warm");
        await().atMost(60, SECONDS).until(() -> count("sw2-%") == 1);

        AtomicLong peakRss = new AtomicLong();
        long rssBefore = rssKb(ingest.pid());
        // 500 events/s for 30 s; the broker is away from the 5th second to the 25th
        int total = 15_000;
        long start = System.nanoTime();
        long stopAt = start + TimeUnit.SECONDS.toNanos(5);
        long backAt = start + TimeUnit.SECONDS.toNanos(25);
        boolean down = false;
        for (int i = 0; i < total; i++) {
            long due = start + i * 2_000_000L;
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now); // the load's pace
            }
            if (!down && now >= stopAt && now < backAt) {
                broker.stop();
                down = true;
            } else if (down && now >= backAt) {
                broker.startAgain();
                down = false;
            }
            chat("sw2-" + i);
            if (i % 250 == 0) {
                peakRss.accumulateAndGet(rssKb(ingest.pid()), Math::max);
            }
        }
        if (down) {
            broker.startAgain();
        }
        long sentAt = System.nanoTime();
        await().atMost(120, SECONDS).pollInterval(1, SECONDS).until(() -> count("sw2-%") == total + 1);
        long drainedMs = (System.nanoTime() - sentAt) / 1_000_000;
        double journaled = metric(ingestPort, "kickwatch_journal_written_total", "journal=\"kafka\"");
        System.out.printf("broker down 20 s under 500 events/s: %d events, all %d in the table %d ms after the last; ingest RSS "
                + "%d MB before, %d MB at most (-Xmx256m, producer buffer 32 MB); %.0f events went through the kafka journal%n",
                total, total, drainedMs, rssBefore / 1024, peakRss.get() / 1024, journaled);
        assertEquals(String.valueOf(total + 1), pg.psql("select count(distinct id) from kick_events where id like 'sw2-%'").trim());
        assertTrue(peakRss.get() - rssBefore < 200 * 1024, "the ingest's memory grew " + (peakRss.get() - rssBefore) / 1024 + " MB");
        assertTrue(ingest.isAlive());
    }

    /** Members of the group that have partitions assigned (0 while the broker does not answer). */
    private static int groupMembersWithPartitions(String group) {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(Map.of(
                org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            var d = admin.describeConsumerGroups(List.of(group)).all().get(10, SECONDS).get(group);
            return (int) d.members().stream().filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
        } catch (Exception e) {
            return 0;
        }
    }

    private static int indexOf(JarProcess[] all, JarProcess p) {
        return all[0] == p ? 0 : 1;
    }

    private void chat(String id) {
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"" + id + "\",\"content\":\"hi\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
    }

    private static long count(String like) throws Exception {
        return Long.parseLong(pg.psql("select count(*) from kick_events where id like '" + like + "'").trim());
    }

    private static long rssKb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(0L);
        } catch (Exception e) {
            return 0;
        }
    }

    /** A series of the process's /observe/metrics (the first whose labels contain {@code label}); -1 while it is not up. */
    private static double metric(int port, String name, String... label) {
        try {
            String scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/observe/metrics")).timeout(java.time.Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            return scrape.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                    .filter(l -> label.length == 0 || l.contains(label[0])).findFirst()
                    .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).orElse(-1.0);
        } catch (Exception e) {
            return -1;
        }
    }
}
