package dev.kickwatch.sink;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local SQLite store, for real: rows stored once, a row it refuses set aside while the rest are stored. */
class JdbcStoreTest {

    @TempDir
    Path dir;

    JdbcStore store;

    JdbcStore sqlite() throws Exception {
        store = new JdbcStore();
        store.setDataDir(dir.toString());
        Journal journal = new Journal();
        journal.setDataDir(dir.toString());
        store.setJournal(journal);
        store.start();
        return store;
    }

    @AfterEach
    void stop() {
        if (store != null) {
            store.stop();
        }
    }

    static String row(String id, String createdAt) {
        return "{\"id\":\"" + id + "\",\"type\":\"chat.message.sent\",\"channel\":\"c\",\"chatroom_id\":1000,\"channel_id\":null,"
                + "\"user_id\":5,\"username\":\"u\",\"content\":\"hi " + id + "\",\"created_at\":" + (createdAt == null ? "null"
                : "\"" + createdAt + "\"") + ",\"received_at\":\"2026-12-03T10:00:00Z\",\"payload\":{\"id\":\"" + id
                + "\",\"n\":[1,2]}}";
    }

    List<String> stored() throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("events.db"));
             ResultSet rs = c.createStatement().executeQuery("select id, typeof(chatroom_id), payload from kick_events order by id")) {
            while (rs.next()) {
                out.add(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3));
            }
        }
        return out;
    }

    @Test
    void should_create_the_table_with_the_first_row_and_store_a_replayed_row_once() throws Exception {
        JdbcStore s = sqlite();
        assertFalse(dir.resolve("events.db").toFile().exists(), "nothing is created before the first row");
        List<String> ab = List.of(row("a", "2026-12-03T10:00:00Z"), row("b", "2026-12-03T10:00:01Z"));
        s.insert(() -> ab, rows(ab.toArray(String[]::new)));
        s.insert(() -> List.of(row("a", "2026-12-03T10:00:00Z")), rows(row("a", "2026-12-03T10:00:00Z"))); // a replay
        assertEquals(List.of("a|integer|{\"id\":\"a\",\"n\":[1,2]}", "b|integer|{\"id\":\"b\",\"n\":[1,2]}"), stored());
    }

    @Test
    void should_keep_a_row_the_database_refuses_aside_and_store_the_rest_of_its_batch() throws Exception {
        JdbcStore s = sqlite();
        List<String> lines = List.of(row("a", "2026-12-03T10:00:00Z"), row("bad", null), row("c", "2026-12-03T10:00:02Z"));
        s.insert(() -> lines, rows(lines.toArray(String[]::new))); // created_at is not null in the table
        assertEquals(List.of("a", "c"), stored().stream().map(r -> r.substring(0, r.indexOf('|'))).toList());
        List<String> rejected = Journal.pendingLines(dir.resolve("journal").resolve("db-rejected.jsonl"));
        assertEquals(1, rejected.size());
        assertTrue(rejected.get(0).contains("\"id\":\"bad\""), rejected.get(0));
    }

    @Test
    void should_refuse_a_jdbc_url_that_is_not_postgresql_and_keep_the_password_out_of_its_string() {
        JdbcStore s = new JdbcStore();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.setJdbcUrl("jdbc:mysql://h/db"));
        assertEquals("db.jdbc-url (DB_JDBC_URL) must be a jdbc:postgresql://host:port/database URL", e.getMessage());
        s.setJdbcUrl("jdbc:postgresql://db.example:5432/kick");
        s.setPassword("SECRET-pw");
        assertFalse(s.toString().contains("SECRET"), s.toString());
        assertEquals("PostgreSQL at db.example:5432/kick, table kick_events", s.describe());
    }

    static List<com.fasterxml.jackson.databind.JsonNode> rows(String... lines) throws Exception {
        List<com.fasterxml.jackson.databind.JsonNode> out = new ArrayList<>();
        for (String l : lines) {
            out.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(l));
        }
        return out;
    }
}
