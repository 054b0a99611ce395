package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.RelayTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sinks against local servers that behave like Discord (rate-limit bucket, 404) and PostgREST (down for 20 s). */
class SinkResilienceTest extends RelayTestSupport {

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    /** The fake PostgREST table: id → row, duplicates ignored as with on_conflict=id. */
    final Map<String, JsonNode> table = new ConcurrentHashMap<>();

    @BeforeEach
    void fakePostgrest() {
        db.behave(this::postgrest);
    }

    HttpSinkServer.Response postgrest(HttpSinkServer.Request r) {
        if (!"on_conflict=id".equals(r.query())) {
            return HttpSinkServer.Response.of(400, "{\"message\":\"missing on_conflict\"}");
        }
        try {
            for (JsonNode row : JSON.readTree(r.body())) {
                table.putIfAbsent(row.get("id").asText(), row);
            }
        } catch (Exception e) {
            return HttpSinkServer.Response.of(400, "{\"message\":\"bad json\"}");
        }
        return HttpSinkServer.Response.of(201);
    }

    @AfterEach
    void stopPublishing() {
        scheduler.shutdownNow();
    }

    void start(Map<String, String> extra) throws Exception {
        Map<String, String> p = new java.util.HashMap<>(Map.of("discord.chat", "all"));
        p.putAll(extra);
        startApp(p);
    }

    void publish(int seq) {
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"e-" + seq + "\",\"content\":\"n" + seq + "\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
    }

    /** Publishes {@code count} events, {@code perTick} every {@code tickMs}, from a timer; returns at once. */
    void publishAtRate(int count, int perTick, long tickMs) {
        AtomicInteger next = new AtomicInteger();
        scheduler.scheduleAtFixedRate(() -> {
            for (int i = 0; i < perTick && next.get() < count; i++) {
                publish(next.getAndIncrement());
            }
        }, 0, tickMs, TimeUnit.MILLISECONDS);
    }

    @Test
    void should_store_every_row_exactly_once_after_the_db_was_down_for_20_seconds() throws Exception {
        long downFrom = System.currentTimeMillis() + 2000;
        long downUntil = downFrom + 20_000;
        db.behave(r -> {
            long now = System.currentTimeMillis();
            return now >= downFrom && now < downUntil ? HttpSinkServer.Response.of(503, "{\"message\":\"maintenance\"}") : postgrest(r);
        });
        start(Map.of("db.cb.open-seconds", "3", "kickwatch.journal.replay-interval", "1000", "discord.chat", "off"));
        int events = 250;
        publishAtRate(events, 1, 100); // 25 s of traffic across the outage
        await().atMost(90, SECONDS).until(() -> table.size() == events);
        for (int i = 0; i < events; i++) {
            assertTrue(table.containsKey("e-" + i), "row e-" + i);
        }
        int largest = 0;
        for (HttpSinkServer.Request r : db.requests()) {
            largest = Math.max(largest, JSON.readTree(r.body()).size());
        }
        assertTrue(largest > 1, "journal replay sends rows in batches");
        await().atMost(10, SECONDS).until(() -> !Files.exists(data.resolve("journal/db.jsonl")));
    }

    /** A Discord-like webhook: 5 requests per 2 s, then 429 with retry_after; records early requests. */
    final class DiscordBucket {
        final List<Long> window = new ArrayList<>();
        volatile long retryDeadline;
        final List<String> violations = new CopyOnWriteArrayList<>();
        final AtomicInteger limited = new AtomicInteger();
        final List<String> delivered = new CopyOnWriteArrayList<>();
        /** For each 429: how long after its retry_after the next request came (ms). */
        final List<Long> lateBy = new CopyOnWriteArrayList<>();
        boolean answered429;

        synchronized HttpSinkServer.Response handle(HttpSinkServer.Request r) {
            long now = System.currentTimeMillis();
            if (now < retryDeadline) {
                violations.add("request " + (retryDeadline - now) + " ms before retry_after");
            }
            if (answered429) {
                lateBy.add(now - retryDeadline);
                answered429 = false;
            }
            window.removeIf(t -> now - t >= 2000);
            if (window.size() >= 5) {
                long wait = window.get(0) + 2000 - now;
                retryDeadline = now + wait;
                answered429 = true;
                limited.incrementAndGet();
                String seconds = String.format(java.util.Locale.ROOT, "%.3f", wait / 1000.0);
                return new HttpSinkServer.Response(429, "{\"message\":\"You are being rate limited.\",\"retry_after\":" + seconds
                        + ",\"global\":false}", Map.of("Retry-After", Long.toString((wait + 999) / 1000)));
            }
            window.add(now);
            try {
                delivered.addAll(dev.kickwatch.support.Fixtures.embedDescriptions(r.body()));
            } catch (Exception e) {
                return HttpSinkServer.Response.of(400);
            }
            return HttpSinkServer.Response.of(204);
        }
    }

    void should_deliver_120_notifications_in_order(String requestsPerPeriod, boolean expect429) throws Exception {
        DiscordBucket bucket = new DiscordBucket();
        discord.behave(bucket::handle);
        start(Map.of("discord.rate.requests", requestsPerPeriod));
        publishAtRate(120, 6, 100); // 120 notifications in 2 s
        await().atMost(60, SECONDS).until(() -> bucket.delivered.size() >= 120);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            expected.add("n" + i);
        }
        assertEquals(expected, bucket.delivered, "all delivered, once, in order");
        assertEquals(List.of(), bucket.violations, "no request before retry_after");
        assertEquals(expect429, bucket.limited.get() > 0, "429 answers: " + bucket.limited.get());
        // exactly retry_after: the message is sent again as soon as Discord allows it, not a second later
        assertTrue(bucket.lateBy.stream().allMatch(ms -> ms < 300), "sent again late after a 429 by (ms): " + bucket.lateBy);
        assertTrue(discord.requests().size() < 60, "batched: " + discord.requests().size() + " requests for 120 notifications");
        assertEquals(List.of(), lines("discord.jsonl"));
    }

    @Test
    void should_stay_below_the_bucket_with_the_default_pace() throws Exception {
        should_deliver_120_notifications_in_order("4", false);
    }

    @Test
    void should_wait_out_every_429_when_pushed_too_fast() throws Exception {
        should_deliver_120_notifications_in_order("20", true);
    }

    List<String> lines(String journal) throws Exception {
        Path f = data.resolve("journal").resolve(journal);
        return dev.kickwatch.sink.Journal.pendingLines(f);
    }

    @Test
    void should_stop_sending_to_a_deleted_webhook_and_leave_the_db_alone() throws Exception {
        discord.behave(r -> HttpSinkServer.Response.of(404, "{\"message\":\"Unknown Webhook\",\"code\":10015}"));
        start(Map.of());
        for (int i = 0; i < 20; i++) {
            publish(i);
        }
        await().atMost(10, SECONDS).until(() -> table.size() == 20);
        await().atMost(10, SECONDS).until(() -> lines("discord.jsonl").size() + 1 >= 2);
        for (int i = 20; i < 30; i++) {
            publish(i);
        }
        await().atMost(10, SECONDS).until(() -> table.size() == 30);
        await().during(2, SECONDS).atMost(4, SECONDS).until(() -> discord.requests().size() == 1);
        assertTrue(app.context().getRegistry().lookupByNameAndType("discordTarget", dev.kickwatch.sink.HttpTarget.class).isGone());
        int journaled = 0;
        for (String line : lines("discord.jsonl")) {
            journaled += JSON.readTree(line).get("body").get("embeds").size();
        }
        assertEquals(30, journaled, "every notification kept for a later start with a working webhook");
        assertEquals(Set.of(), Set.copyOf(lines("db.jsonl")));
    }
}
