package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.sink.Journal;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.RelayTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How fast the sinks come back after an outage (breakers whose open time grows from 2 s), a breaker that stays open
 * across a restart, and a response timeout that follows the sink's latency. Default breaker settings unless named.
 */
class SinkRecoveryTest extends RelayTestSupport {

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    /** The fake PostgREST table: id → how many times a request carried it. */
    final Map<String, AtomicInteger> posted = new ConcurrentHashMap<>();
    final List<HttpSinkServer> extraServers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopExtras() {
        scheduler.shutdownNow();
        extraServers.forEach(HttpSinkServer::close);
    }

    HttpSinkServer.Response store(HttpSinkServer.Request r) {
        try {
            for (JsonNode row : JSON.readTree(r.body())) {
                posted.computeIfAbsent(row.get("id").asText(), k -> new AtomicInteger()).incrementAndGet();
            }
        } catch (Exception e) {
            return HttpSinkServer.Response.of(400);
        }
        return HttpSinkServer.Response.of(201);
    }

    void publish(int seq) {
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"r-" + seq + "\",\"content\":\"n" + seq + "\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
    }

    /** {@code count} events at {@code perSecond}, from a timer; returns at once. */
    void publishAtRate(int count, int perSecond) {
        AtomicInteger next = new AtomicInteger();
        scheduler.scheduleAtFixedRate(() -> {
            if (next.get() < count) {
                publish(next.getAndIncrement());
            }
        }, 0, 1_000_000 / perSecond, TimeUnit.MICROSECONDS);
    }

    List<String> journal(String name) throws Exception {
        return Journal.pendingLines(data.resolve("journal").resolve(name));
    }

    @Test
    void should_store_every_row_within_15_seconds_after_the_db_refused_connections_for_20_seconds() throws Exception {
        HttpSinkServer first = new HttpSinkServer();
        int port = first.port();
        first.behave(this::store);
        extraServers.add(first);
        startApp(Map.of("db.url", first.url("/rest/v1/kick_events"), "discord.chat", "off"));
        first.close(); // connections refused from now on
        long down = System.nanoTime();
        publishAtRate(1000, 100); // 10 s of events inside the outage
        await().atMost(20, SECONDS).until(() -> journal("db.jsonl").size() >= 900);
        await().atMost(25, SECONDS).until(() -> System.nanoTime() - down >= 20_000_000_000L);
        HttpSinkServer back = new HttpSinkServer(port);
        back.behave(this::store);
        extraServers.add(back);
        long up = System.nanoTime();
        await().atMost(15, SECONDS).until(() -> posted.size() == 1000);
        double seconds = (System.nanoTime() - up) / 1e9;
        System.out.printf("db refused connections 20 s under 100 events/s: all 1000 rows stored %.1f s after it came back%n", seconds);
        List<String> twice = posted.entrySet().stream().filter(e -> e.getValue().get() > 1).map(Map.Entry::getKey).toList();
        assertEquals(List.of(), twice, "rows posted more than once");
        await().atMost(5, SECONDS).until(() -> journal("db.jsonl").isEmpty());
    }

    @Test
    void should_deliver_every_notification_within_15_seconds_after_discord_answered_503_for_20_seconds() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(201));
        long downFrom = System.currentTimeMillis() + 500;
        long downUntil = downFrom + 20_000;
        List<String> delivered = new CopyOnWriteArrayList<>();
        discord.behave(r -> {
            long now = System.currentTimeMillis();
            if (now >= downFrom && now < downUntil) {
                return HttpSinkServer.Response.of(503, "{\"message\":\"upstream\"}");
            }
            try {
                delivered.addAll(dev.kickwatch.support.Fixtures.embedDescriptions(r.body()));
            } catch (Exception e) {
                return HttpSinkServer.Response.of(400);
            }
            return HttpSinkServer.Response.of(204);
        });
        startApp(Map.of("discord.chat", "all"));
        await().atMost(5, SECONDS).until(() -> System.currentTimeMillis() >= downFrom);
        publishAtRate(100, 10); // 10 s of notifications inside the outage
        await().atMost(30, SECONDS).until(() -> System.currentTimeMillis() >= downUntil);
        long up = System.nanoTime();
        await().atMost(15, SECONDS).until(() -> delivered.size() >= 100);
        System.out.printf("discord answered 503 for 20 s: all 100 notifications delivered %.1f s after it came back%n",
                (System.nanoTime() - up) / 1e9);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            expected.add("n" + i);
        }
        assertEquals(expected, delivered.stream().sorted((a, b) -> Integer.compare(
                Integer.parseInt(a.substring(1)), Integer.parseInt(b.substring(1)))).toList(), "each notification once");
    }

    @Test
    void should_keep_the_db_breaker_open_across_a_restart_for_the_time_that_was_left() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(503, "{\"message\":\"down\"}"));
        Map<String, String> props = Map.of("db.cb.failures", "2", "db.cb.open-initial-seconds", "8", "discord.chat", "off");
        startApp(props);
        publish(0);
        await().atMost(10, SECONDS).until(() -> db.requests().size() == 1);
        publish(1);
        Path state = data.resolve("breakers/db-cb.json");
        await().atMost(10, SECONDS).until(() -> Files.exists(state) && Files.readString(state).contains("OPEN"));
        long until = JSON.readTree(Files.readString(state)).get("until").asLong();
        app.close();
        app = null;

        List<Long> requestTimes = new CopyOnWriteArrayList<>();
        db.behave(r -> {
            requestTimes.add(System.currentTimeMillis());
            return store(r);
        });
        int before = db.requests().size();
        startApp(props);
        assertTrue(System.currentTimeMillis() < until - 2000, "restarted well inside the open time");
        publish(2);
        await().atMost(20, SECONDS).until(() -> !requestTimes.isEmpty());
        assertTrue(requestTimes.get(0) >= until, "first request " + (until - requestTimes.get(0)) + " ms before the open time ended");
        assertEquals(before, db.requests().size() - requestTimes.size(), "no request reached the DB while it was open");
        // the two rows journaled before the restart and the new one
        await().atMost(15, SECONDS).until(() -> posted.keySet().containsAll(List.of("r-0", "r-1", "r-2")));
        await().atMost(10, SECONDS).until(() -> journal("db.jsonl").isEmpty());
    }

    @Test
    void should_give_up_on_a_hanging_db_after_its_adaptive_timeout_not_the_configured_one() throws Exception {
        CountDownLatch hang = new CountDownLatch(1);
        AtomicInteger answered = new AtomicInteger();
        Map<String, Boolean> hanging = new HashMap<>(Map.of("on", false));
        db.behave(r -> {
            try {
                if (hanging.get("on")) {
                    hang.await(30, SECONDS);
                } else {
                    Thread.sleep(20); // a healthy DB that answers in 20 ms
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answered.incrementAndGet();
            return HttpSinkServer.Response.of(201);
        });
        startApp(Map.of("discord.chat", "off", "db.http.response-timeout", "12000"));
        for (int i = 0; i < 30; i++) {
            publish(i);
            int n = i + 1;
            await().atMost(5, SECONDS).until(() -> answered.get() >= n); // one batch each: 30 latency samples
        }
        await().atMost(5, SECONDS).until(() -> metric("kickwatch_sink_response_timeout_seconds{sink=\"db\"}") == 1.0);
        hanging.put("on", true);
        long start = System.nanoTime();
        publish(100);
        await().atMost(8, SECONDS).until(() -> journal("db.jsonl").size() == 1);
        double waited = (System.nanoTime() - start) / 1e9;
        hang.countDown();
        System.out.printf("db answering in 20 ms, then hanging: given up after %.2f s (configured response timeout 12 s)%n", waited);
        assertTrue(waited < 3, "waited " + waited + " s for a hanging DB");
        assertTrue(journal("db.jsonl").get(0).contains("r-100"));
    }

    double metric(String series) throws Exception {
        String port = app.context().resolvePropertyPlaceholders("{{camel.management.port}}");
        var client = java.net.http.HttpClient.newHttpClient();
        String body = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                + "/observe/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        for (String line : body.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return Double.NaN;
    }
}
