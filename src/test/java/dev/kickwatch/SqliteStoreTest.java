package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.HashMap;
import java.util.Map;

import dev.kickwatch.sink.Journal;
import dev.kickwatch.support.RelayTestSupport;
import org.junit.jupiter.api.Test;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The default store, a real SQLite file: the journal replayed into it once, and a file another writer holds waited out. */
class SqliteStoreTest extends RelayTestSupport {

    void startSqlite(Map<String, String> extra) throws Exception {
        Map<String, String> p = new HashMap<>(Map.of("db.url", "", "db.jdbc-url", "", "discord.chat", "off",
                "kickwatch.journal.replay-delay", "100", "kickwatch.journal.replay-interval", "300",
                "db.cb.open-initial-seconds", "1", "db.cb.open-seconds", "2"));
        p.putAll(extra);
        startApp(p);
    }

    Connection file() throws Exception {
        return DriverManager.getConnection("jdbc:sqlite:" + data.resolve("events.db"));
    }

    /** Rows matching; 0 while the store has not made its table yet (it does with the first row, after the file). */
    long count(String where) throws Exception {
        try (Connection c = file()) {
            try (ResultSet t = c.createStatement().executeQuery(
                    "select count(*) from sqlite_master where type = 'table' and name = 'kick_events'")) {
                if (!t.next() || t.getLong(1) == 0) {
                    return 0;
                }
            }
            try (ResultSet rs = c.createStatement().executeQuery("select count(*) from kick_events where " + where)) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    void chat(String id) {
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"" + id + "\",\"content\":\"hi\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
    }

    @Test
    void should_store_a_journal_replayed_twice_once() throws Exception {
        // what a kill -9 left: rows journaled twice over (a replay that stored them but died before it said so)
        Files.createDirectories(data.resolve("journal"));
        String row = "{\"id\":\"j-%d\",\"type\":\"chat.message.sent\",\"channel\":\"testchan\",\"chatroom_id\":1000,"
                + "\"channel_id\":null,\"user_id\":5,\"username\":\"u\",\"content\":\"hi\",\"created_at\":\"2026-12-03T10:00:00Z\","
                + "\"received_at\":\"2026-12-03T10:00:00Z\",\"payload\":{\"id\":\"j-%d\"}}\n";
        StringBuilder lines = new StringBuilder();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 20; i++) {
                lines.append(String.format(row, i, i));
            }
        }
        Files.writeString(data.resolve("journal").resolve("db.jsonl"), lines);
        startSqlite(Map.of());
        Journal journal = app.context().getRegistry().lookupByNameAndType("journal", Journal.class);
        await().atMost(20, SECONDS).until(() -> journal.isEmpty("db"));
        assertEquals(20, count("id like 'j-%'"), "each journaled row once");
        chat("live-1");
        await().atMost(10, SECONDS).until(() -> count("id = 'live-1'") == 1);
    }

    @Test
    void should_journal_while_another_writer_holds_the_file_and_store_every_row_once_it_lets_go() throws Exception {
        startSqlite(Map.of("db.jdbc.statement-timeout", "500", "db.cb.failures", "100"));
        chat("before");
        await().atMost(10, SECONDS).until(() -> Files.exists(data.resolve("events.db")) && count("id = 'before'") == 1);
        Journal journal = app.context().getRegistry().lookupByNameAndType("journal", Journal.class);
        try (Connection other = file()) {
            other.createStatement().execute("pragma busy_timeout = 10000"); // it waits for kickwatch, not the reverse
            other.setAutoCommit(false);
            other.createStatement().execute("insert into kick_events (id, type, channel, created_at, received_at, payload) "
                    + "values ('lock', 't', 'c', 'x', 'x', '{}')"); // a write lock, held until rollback
            for (int i = 0; i < 5; i++) {
                chat("held-" + i);
            }
            await().atMost(20, SECONDS).until(() -> !journal.isEmpty("db")); // busy past the statement timeout
            other.rollback();
        }
        await().atMost(30, SECONDS).until(() -> count("id like 'held-%'") == 5);
        assertEquals(0, count("id = 'lock'"));
    }
}
