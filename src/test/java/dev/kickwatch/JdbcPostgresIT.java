package dev.kickwatch;

import java.io.File;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.kickwatch.demo.PusherServer;
import dev.kickwatch.support.JarProcess;
import dev.kickwatch.support.PostgresCluster;
import dev.kickwatch.support.RelayTestSupport;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static dev.kickwatch.support.Fixtures.json;
import static dev.kickwatch.support.Fixtures.publish;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The DB sink over JDBC into a real PostgreSQL (a throwaway cluster of Debian's postgresql, started here). */
class JdbcPostgresIT extends RelayTestSupport {

    static PostgresCluster pg;

    @BeforeAll
    static void startPostgres() throws Exception {
        pg = PostgresCluster.start();
        pg.applySchema(Path.of("sql/kick_events.sql"));
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void emptyTable() throws Exception {
        if (pg.psql("select count(*) from pg_tables where tablename = 'kick_events'").trim().equals("0")) {
            pg.applySchema(Path.of("sql/kick_events.sql"));
        }
        pg.psql("truncate kick_events");
    }

    void startJdbc(Map<String, String> extra) throws Exception {
        Map<String, String> p = new HashMap<>(Map.of("db.url", "", "db.jdbc-url", pg.jdbcUrl(), "db.user", pg.user(),
                "db.password", pg.password(), "discord.chat", "off", "db.jdbc.connect-timeout", "1000",
                "db.cb.open-initial-seconds", "1", "db.cb.open-seconds", "4", "kickwatch.journal.replay-interval", "500"));
        p.putAll(extra);
        startApp(p);
    }

    Connection connect() throws Exception {
        return DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password());
    }

    long count() throws Exception {
        try (Connection c = connect(); ResultSet rs = c.createStatement().executeQuery("select count(*) from kick_events")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    void chat(String id) {
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"" + id + "\",\"content\":\"hi " + id + "\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
    }

    HealthCheck.Result dbCheck() {
        return HealthCheckHelper.invokeReadiness(app.context(), "full").stream()
                .filter(r -> r.getCheck().getId().equals("db")).findFirst().orElseThrow();
    }

    @Test
    void should_store_every_event_type_with_the_columns_types_of_the_table() throws Exception {
        startJdbc(Map.of());
        List<String> fixtures = new ArrayList<>();
        for (File f : new File("src/test/resources/fixtures").listFiles()) {
            fixtures.add(f.getName().replace(".json", ""));
        }
        fixtures.sort(null);
        fixtures.remove("chat-message");
        fixtures.remove("subscription");
        publish(kick, "chat-message");
        publish(kick, "subscription");
        fixtures.forEach(f -> publish(kick, f));
        chat("marker-1"); // rows are stored in order: once the marker is in, every row before it is
        await().atMost(20, SECONDS).until(() -> pg.psql("select count(*) from kick_events where id = 'marker-1'").trim()
                .equals("1"));
        String types = pg.psql("select distinct pg_typeof(id) || ',' || pg_typeof(chatroom_id) || ',' || pg_typeof(created_at)"
                + " || ',' || pg_typeof(payload) from kick_events").trim();
        assertEquals("text,bigint,timestamp with time zone,jsonb", types);
        long distinctTypes = Long.parseLong(pg.psql("select count(distinct type) from kick_events").trim());
        assertTrue(distinctTypes >= 12, "types stored: " + distinctTypes);
        // the first two rows column by column, as the HTTP sink sends them (expected/e2e-db-rows.json)
        ArrayNode expected = (ArrayNode) json("expected/e2e-db-rows.json");
        try (Connection c = connect()) {
            for (int i = 0; i < 2; i++) {
                JsonNode e = expected.get(i);
                try (var ps = c.prepareStatement("select type, channel, chatroom_id, user_id, username, content, payload::text, "
                        + "created_at = received_at from kick_events where id = ?")) {
                    ps.setString(1, e.get("id").asText());
                    try (ResultSet rs = ps.executeQuery()) {
                        assertTrue(rs.next(), e.toString());
                        assertEquals(e.get("type").asText(), rs.getString(1));
                        assertEquals(e.get("channel").asText(), rs.getString(2));
                        assertEquals(e.get("chatroom_id").asLong(), rs.getLong(3));
                        assertEquals(e.get("username").asText(), rs.getString(5));
                        assertEquals(e.get("payload"), JSON.readTree(rs.getString(7)), "payload equal to Kick's object");
                        if ("RECEIVED_AT".equals(e.get("created_at").asText())) {
                            assertTrue(rs.getBoolean(8), "no time from Kick: created_at is the receive time");
                        }
                    }
                }
            }
        }
        assertEquals("UP", dbCheck().getState().name());
    }

    @Test
    void should_store_every_row_once_after_postgresql_was_away_for_20_seconds_under_100_events_per_second() throws Exception {
        startJdbc(Map.of());
        int total = 2500;
        AtomicInteger sent = new AtomicInteger();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        try {
            load.scheduleAtFixedRate(() -> { // 10 every 100 ms: 100 events/s for 25 s
                for (int i = 0; i < 10 && sent.get() < total; i++) {
                    chat("o-" + sent.getAndIncrement());
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
            await().atMost(10, SECONDS).until(() -> sent.get() >= 200);
            pg.stop();
            long stopped = System.nanoTime();
            await().atMost(30, SECONDS).until(() -> "DOWN".equals(dbCheck().getState().name()));
            // away for 20 s in all: the time is the scenario (the load keeps coming meanwhile), not a synchronisation
            await().atMost(25, SECONDS).pollInterval(200, TimeUnit.MILLISECONDS)
                    .until(() -> System.nanoTime() - stopped >= SECONDS.toNanos(20));
            pg.startAgain();
            await().atMost(30, SECONDS).until(() -> sent.get() >= total);
        } finally {
            load.shutdownNow();
        }
        await().atMost(90, SECONDS).pollInterval(500, TimeUnit.MILLISECONDS).until(() -> count() == total);
        assertEquals(String.valueOf(total), pg.psql("select count(distinct id) from kick_events").trim());
        assertEquals(total, count(), "none twice");
        await().atMost(30, SECONDS).until(() -> "UP".equals(dbCheck().getState().name()));
    }

    @Test
    void should_name_a_wrong_password_and_a_missing_table_and_give_up_on_a_hanging_statement() throws Exception {
        // a wrong password: readiness names the settings, the rows wait in the journal
        startJdbc(Map.of("db.password", "SECRET-wrong-password"));
        chat("w-1");
        await().atMost(20, SECONDS).until(() -> "DOWN".equals(dbCheck().getState().name()));
        assertEquals("db refuses the login: check db.user (DB_USER) and db.password (DB_PASSWORD)",
                dbCheck().getMessage().orElse(""));
        await().atMost(10, SECONDS).until(() -> !app.context().getRegistry().lookupByNameAndType("journal",
                dev.kickwatch.sink.Journal.class).isEmpty("db"));
        app.close();
        app = null;

        // no table: said so; once it is created, the journal is stored
        pg.psql("drop table kick_events");
        startJdbc(Map.of("db.jdbc.statement-timeout", "1000", "db.cb.timeout", "4000", "db.cb.failures", "100",
                "db.http.response-timeout", "3000", "db.http.connect-timeout", "1000"));
        chat("t-1");
        await().atMost(20, SECONDS).until(() -> dbCheck().getMessage().orElse("").contains("has no table kick_events"));
        assertEquals("db has no table kick_events: create it with sql/kick_events.sql", dbCheck().getMessage().orElse(""));
        pg.applySchema(Path.of("sql/kick_events.sql"));
        await().atMost(20, SECONDS).until(() -> count() >= 2); // w-1 from the journal of the first start, and t-1
        assertEquals("1", pg.psql("select count(*) from kick_events where id in ('w-1')").trim());

        // a hanging database (the table locked by another session): the statement times out, the rows are journaled,
        // and stored once the lock is gone
        try (Connection lock = connect()) {
            lock.setAutoCommit(false);
            lock.createStatement().execute("lock table kick_events in access exclusive mode");
            for (int i = 0; i < 5; i++) {
                chat("h-" + i);
            }
            await().atMost(20, SECONDS).until(() -> !app.context().getRegistry().lookupByNameAndType("journal",
                    dev.kickwatch.sink.Journal.class).isEmpty("db"));
            lock.rollback();
        }
        await().atMost(30, SECONDS).until(() -> pg.psql("select count(*) from kick_events where id like 'h-%'").trim()
                .equals("5"));
    }

    @Test
    void should_store_once_what_was_journaled_before_a_kill_9() throws Exception {
        try (PusherServer jarKick = new PusherServer("jarkey")) {
            jarKick.start(0);
            Map<String, String> env = Map.of("KICK_PUSHER_URL", jarKick.url(), "KICK_CHANNELS", "jarchan:1000:2000",
                    "DB_JDBC_URL", pg.jdbcUrl(), "DB_USER", pg.user(), "DB_PASSWORD", pg.password(),
                    "KICKWATCH_DATA_DIR", data.resolve("jar").toString(), "DB_JDBC_CONNECT_TIMEOUT", "1000");
            try (JarProcess first = JarProcess.start(data.resolve("first.log"), env)) {
                await().atMost(60, SECONDS).until(() -> jarKick.subscribedChannels().size() == 4);
                for (int i = 0; i < 50; i++) {
                    jarChat(jarKick, "k-" + i);
                }
                await().atMost(20, SECONDS).until(() -> count() == 50);
                pg.stop();
                for (int i = 50; i < 100; i++) {
                    jarChat(jarKick, "k-" + i);
                }
                Path journal = data.resolve("jar").resolve("journal").resolve("db.jsonl");
                await().atMost(30, SECONDS).until(() -> journal.toFile().exists()
                        && dev.kickwatch.sink.Journal.pendingLines(journal).size() == 50);
                assertFalse(first.output().contains(pg.password()), "no password in the log");
            } // close(): SIGKILL, as kill -9
            pg.startAgain();
            try (JarProcess second = JarProcess.start(data.resolve("second.log"), env)) {
                await().atMost(60, SECONDS).until(() -> count() == 100);
                assertEquals("100", pg.psql("select count(distinct id) from kick_events where id like 'k-%'").trim());
                assertFalse(second.output().contains(pg.password()), "no password in the log");
                second.sigterm();
                assertEquals(0, second.waitForExit(60), second.output());
            }
        }
        assertEquals(100, count(), "stored once");
    }

    @Test
    void should_keep_a_row_postgresql_refuses_aside_and_store_the_rest_of_its_batch() throws Exception {
        // three journaled rows, the middle one with a time PostgreSQL cannot read: replayed as one batch
        java.nio.file.Files.createDirectories(data.resolve("journal"));
        String good = "{\"id\":\"r-%s\",\"type\":\"chat.message.sent\",\"channel\":\"testchan\",\"chatroom_id\":1000,"
                + "\"channel_id\":null,\"user_id\":5,\"username\":\"u\",\"content\":\"hi\",\"created_at\":\"%s\","
                + "\"received_at\":\"2026-12-03T10:00:00Z\",\"payload\":{\"id\":\"r-%s\"}}";
        java.nio.file.Files.writeString(data.resolve("journal").resolve("db.jsonl"), String.join("\n",
                String.format(good, 1, "2026-12-03T10:00:00Z", 1), String.format(good, 2, "not a time", 2),
                String.format(good, 3, "2026-12-03T10:00:02Z", 3)) + "\n");
        startJdbc(Map.of("kickwatch.journal.replay-delay", "100"));
        await().atMost(20, SECONDS).until(() -> count() == 2);
        assertEquals("r-1,r-3", pg.psql("select string_agg(id, ',' order by id) from kick_events").trim());
        Path rejected = data.resolve("journal").resolve("db-rejected.jsonl");
        await().atMost(10, SECONDS).until(() -> java.nio.file.Files.exists(rejected)
                && dev.kickwatch.sink.Journal.pendingLines(rejected).size() == 1);
        assertTrue(dev.kickwatch.sink.Journal.pendingLines(rejected).get(0).contains("\"id\":\"r-2\""));
        await().atMost(10, SECONDS).until(() -> app.context().getRegistry().lookupByNameAndType("journal",
                dev.kickwatch.sink.Journal.class).isEmpty("db"));
    }

    @Test
    void should_refuse_to_start_under_prod_with_a_password_postgresql_refuses() throws Exception {
        Map<String, String> env = Map.of("KICK_PUSHER_URL", "ws://127.0.0.1:9/app/x?protocol=7", "KICK_CHANNELS", "c:1",
                "DB_JDBC_URL", pg.jdbcUrl(), "DB_USER", pg.user(), "DB_PASSWORD", "SECRET-wrong-password",
                "DISCORD_WEBHOOK_URL", "http://127.0.0.1:9/api/webhooks/1/SECRET-token",
                "KICKWATCH_DATA_DIR", data.resolve("prod").toString());
        try (JarProcess app = JarProcess.start(data.resolve("prod.log"), env, "--profile", "prod")) {
            assertEquals(1, app.waitForExit(60), app.output());
            assertTrue(app.output().lines().anyMatch(l -> l.equals("kickwatch failed to start: db.password (DB_PASSWORD): db "
                    + "(PostgreSQL at 127.0.0.1:" + pg.port() + "/kick, table kick_events) refuses the login: check db.user (DB_USER) "
                    + "and db.password (DB_PASSWORD) (the prod profile starts only with sinks that accept their settings)")),
                    app.output());
            assertFalse(app.output().contains("SECRET"), app.output());
        }
    }

    private static void jarChat(PusherServer server, String id) {
        server.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"" + id + "\",\"content\":\"hi\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
    }
}
