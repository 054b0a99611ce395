package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.demo.PusherServer;
import dev.kickwatch.support.Fixtures;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.JarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fat jar as a real process: environment overrides, SIGTERM drains the queue and exits 0, config errors, the demo. */
class JarProcessIT {

    static final String DISCORD_TOKEN = "SECRET-discord-token-jar";
    static final String DB_KEY = "SECRET-db-key-jar";

    @TempDir
    Path tmp;

    @Test
    void should_drain_the_queue_close_the_socket_and_exit_0_on_sigterm() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (PusherServer kick = new PusherServer("jarkey");
             HttpSinkServer discord = new HttpSinkServer();
             HttpSinkServer db = new HttpSinkServer()) {
            kick.start(0);
            db.behave(r -> {
                try {
                    release.await(30, TimeUnit.SECONDS); // the DB is slow until the process is told to stop
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return HttpSinkServer.Response.of(201);
            });
            Map<String, String> env = Map.of(
                    "KICK_PUSHER_URL", kick.url(),
                    "KICK_CHANNELS", "jarchan:1000:2000",
                    "DISCORD_WEBHOOK_URL", discord.url("/api/webhooks/1/" + DISCORD_TOKEN),
                    "DB_URL", db.url("/rest/v1/kick_events"),
                    "DB_API_KEY", DB_KEY,
                    "KICKWATCH_DATA_DIR", tmp.resolve("data").toString());
            try (JarProcess app = JarProcess.start(tmp.resolve("app.log"), env)) {
                await().atMost(60, SECONDS).until(() -> kick.subscribedChannels().size() == 4);
                int events = 30;
                for (int i = 0; i < events; i++) {
                    kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                            "{\"id\":\"msg-" + i + "\",\"content\":\"hello " + i + "\",\"type\":\"message\",\"sender\":{\"id\":7,\"username\":\"u\"}}");
                }
                kick.pingAll(); // the pong comes back after the 30 frames were taken in
                await().atMost(10, SECONDS).until(() -> kick.clientPongs() >= 1 && db.requests().size() >= 1);

                app.sigterm();
                await().atMost(10, SECONDS).until(() -> kick.connectedSockets() == 0); // ingest stops first
                release.countDown();
                assertEquals(0, app.waitForExit(60), app.output());

                Set<String> ids = new HashSet<>();
                for (HttpSinkServer.Request r : db.requests()) {
                    assertEquals(DB_KEY, r.headers().get("apikey"), "DB_API_KEY overrides db.api-key");
                    for (JsonNode row : JSON.readTree(r.body())) {
                        assertTrue(ids.add(row.get("id").asText()), "stored once: " + row.get("id"));
                    }
                }
                assertEquals(events, ids.size(), "every queued event reached the DB before exit");
                assertEquals(1, kick.totalConnections(), "one socket in the whole run");
                String out = app.output();
                assertTrue(out.contains("SIGTERM"), out);
                assertFalse(out.contains(DISCORD_TOKEN), "webhook token in the output");
                assertFalse(out.contains(DB_KEY), "DB key in the output");
            }
        }
    }

    @Test
    void should_journal_what_a_slow_db_did_not_take_at_sigterm_and_replay_it_on_restart() throws Exception {
        java.util.Map<String, JsonNode> table = new java.util.concurrent.ConcurrentHashMap<>();
        try (PusherServer kick = new PusherServer("jarkey"); HttpSinkServer db = new HttpSinkServer()) {
            kick.start(0);
            java.util.concurrent.atomic.AtomicBoolean slow = new java.util.concurrent.atomic.AtomicBoolean(true);
            db.behave(r -> {
                if (slow.get()) {
                    try {
                        Thread.sleep(4000); // a slow database: this is the peer's behaviour, not test synchronisation
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                try {
                    for (JsonNode row : JSON.readTree(r.body())) {
                        table.putIfAbsent(row.get("id").asText(), row);
                    }
                } catch (Exception e) {
                    return HttpSinkServer.Response.of(400);
                }
                return HttpSinkServer.Response.of(201);
            });
            Map<String, String> env = Map.of(
                    "KICK_PUSHER_URL", kick.url(),
                    "KICK_CHANNELS", "jarchan:1000:2000",
                    "DB_URL", db.url("/rest/v1/kick_events"),
                    "DB_BATCH_SIZE", "5",
                    "CAMEL_MAIN_SHUTDOWN_TIMEOUT", "2",
                    "KICKWATCH_DATA_DIR", tmp.resolve("data").toString());
            int events = 40;
            try (JarProcess app = JarProcess.start(tmp.resolve("slow.log"), env)) {
                await().atMost(60, SECONDS).until(() -> kick.subscribedChannels().size() == 4);
                for (int i = 0; i < events; i++) {
                    kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                            "{\"id\":\"s-" + i + "\",\"content\":\"x\",\"type\":\"message\",\"sender\":{\"id\":7,\"username\":\"u\"}}");
                }
                kick.pingAll();
                await().atMost(10, SECONDS).until(() -> kick.clientPongs() >= 1 && db.requests().size() >= 1);
                app.sigterm();
                assertEquals(0, app.waitForExit(60), app.output());
            }
            Path journal = tmp.resolve("data/journal/db.jsonl");
            String firstRun = Files.readString(tmp.resolve("slow.log"));
            Set<String> kept = new HashSet<>(table.keySet());
            if (Files.exists(journal)) {
                for (String line : dev.kickwatch.sink.Journal.pendingLines(journal)) {
                    kept.add(JSON.readTree(line).get("id").asText());
                }
            }
            assertEquals(events, kept.size(), "every event is in the DB or in the journal:\n" + firstRun);
            assertTrue(Files.exists(journal) && !Files.readAllLines(journal).isEmpty(), "the slow DB left rows in the journal");

            slow.set(false);
            try (JarProcess again = JarProcess.start(tmp.resolve("restart.log"), env)) {
                await().atMost(60, SECONDS).until(() -> table.size() == events);
                await().atMost(20, SECONDS).until(() -> !Files.exists(journal));
                again.sigterm();
                assertEquals(0, again.waitForExit(60), again.output());
            }
        }
    }

    @Test
    void should_exit_non_zero_with_one_clear_line_on_a_bad_channel_list() throws Exception {
        try (JarProcess app = JarProcess.start(tmp.resolve("bad.log"), Map.of("KICK_CHANNELS", "not/a/channel",
                "KICK_PUSHER_URL", "ws://127.0.0.1:9/app/x?protocol=7", "KICKWATCH_DATA_DIR", tmp.toString(),
                "CAMEL_MANAGEMENT_PORT", String.valueOf(Fixtures.freePort())))) {
            assertNotEquals(0, app.waitForExit(60));
            List<String> lines = app.output().lines()
                    .filter(l -> l.contains("kick.channels (KICK_CHANNELS): entry 'not/a/channel'")).toList();
            assertFalse(lines.isEmpty(), app.output());
        }
    }

    @Test
    void should_run_the_offline_demo_end_to_end() throws Exception {
        Path data = tmp.resolve("demo");
        int port = Fixtures.freePort();
        for (int run = 1; run <= 2; run++) { // the second run starts from an empty data directory again
            long started = System.nanoTime();
            try (JarProcess app = JarProcess.start(tmp.resolve("demo" + run + ".log"), Map.of("KICKWATCH_DATA_DIR",
                    data.toString(), "CAMEL_MANAGEMENT_PORT", String.valueOf(port)), "--profile", "demo")) {
                await().atMost(30, SECONDS).until(() -> app.output().contains("HttpServer started"));
                assertTrue(app.output().contains("HttpServer started on 0.0.0.0:" + port), "CAMEL_MANAGEMENT_PORT is honoured");
                assertEquals(0, app.waitForExit(90), app.output());
                assertTrue(app.output().contains("Demo: replay finished (16 frames sent); stopping once they are delivered"),
                        app.output());
                // it stops by itself after the replay, well before application-demo.properties' 60 s bound
                assertTrue(System.nanoTime() - started < SECONDS.toNanos(30), app.output());
                assertDemoRows(data, app);
            }
        }
    }

    private static void assertDemoRows(Path data, JarProcess app) throws Exception {
        // the demo's rows are in its own SQLite file, as a user would query it
        List<String[]> rows = new java.util.ArrayList<>();
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("events.db"));
             java.sql.ResultSet rs = c.createStatement().executeQuery("select type, created_at, payload from kick_events")) {
            while (rs.next()) {
                rows.add(new String[] { rs.getString(1), rs.getString(2), rs.getString(3) });
            }
        }
        assertEquals(14, rows.size(), "16 recorded frames, 2 of them repeats of the same action");
        Set<String> types = new HashSet<>();
        java.time.Instant now = java.time.Instant.now();
        for (String[] row : rows) {
            types.add(row[0]);
            // the recording is moved to the present: nothing a month old
            java.time.Instant created = java.time.Instant.parse(row[1]);
            assertTrue(created.isAfter(now.minusSeconds(3600)) && created.isBefore(now.plusSeconds(60)), row[1]);
            assertTrue(JSON.readTree(row[2]).isObject(), row[2]);
        }
        // README's three SQLite queries, on the demo's channel: each answers
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("```sql", readme.indexOf("Three queries on the SQLite store"));
        String block = readme.substring(at + "```sql".length(), readme.indexOf("```", at + 6));
        try (java.sql.Connection c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("events.db"))) {
            for (String query : block.split(";")) {
                if (query.isBlank()) {
                    continue;
                }
                // "today" from yesterday on: the recording spans minutes, which may straddle midnight (UTC)
                String q = query.replace("'xqc'", "'kickwatchdemo'").replace("date('now')", "date('now', '-1 day')");
                try (java.sql.ResultSet rs = c.createStatement().executeQuery(q)) {
                    assertTrue(rs.next(), "no answer to README's query " + query);
                }
            }
        }
        assertTrue(types.containsAll(Set.of("chat.message.sent", "channel.subscription.new", "channel.subscription.gifts",
                "moderation.banned", "livestream.status.updated", "kicks.gifted")), types.toString());
        assertTrue(app.output().contains("is live"), app.output());
    }
}
