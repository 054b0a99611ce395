package dev.kickwatch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.support.PostgresCluster;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The throwaway PostgreSQL the JDBC tests use: sql/kick_events.sql applied, a row in and out, down and back, gone. */
class PostgresClusterIT {

    private static final String INSERT = "insert into public.kick_events (id, type, channel, chatroom_id, channel_id, "
            + "user_id, username, content, created_at, received_at, payload) values (?, ?, ?, ?, ?, ?, ?, ?, "
            + "cast(? as timestamptz), cast(? as timestamptz), cast(? as jsonb)) on conflict (id) do nothing";

    private static Connection connect(PostgresCluster pg, String password) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", pg.user());
        p.setProperty("password", password);
        p.setProperty("connectTimeout", "5");
        p.setProperty("loginTimeout", "10");
        return DriverManager.getConnection(pg.jdbcUrl(), p);
    }

    private static int insert(Connection c, String id, String payload) throws SQLException {
        try (PreparedStatement st = c.prepareStatement(INSERT)) {
            st.setString(1, id);
            st.setString(2, "chat.message.sent");
            st.setString(3, "xqc");
            st.setLong(4, 668L);
            st.setLong(5, 676L);
            st.setLong(6, 4_000_000_001L);
            st.setString(7, "viewer_1");
            st.setString(8, "hello \uD83D\uDC4B");
            st.setString(9, "2025-01-02T03:04:05.678Z");
            st.setString(10, "2025-01-02T03:04:06.001+00:00");
            st.setString(11, payload);
            return st.executeUpdate();
        }
    }

    private static String count(Connection c) throws SQLException {
        try (ResultSet rs = c.createStatement().executeQuery("select count(*) from public.kick_events")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    @Test
    void should_store_and_read_back_a_row_survive_a_restart_and_leave_no_process() throws Exception {
        long postmaster;
        List<Long> children;
        Path dir;
        try (PostgresCluster pg = PostgresCluster.start()) {
            dir = pg.directory();
            assertEquals("jdbc:postgresql://127.0.0.1:" + pg.port() + "/kick", pg.jdbcUrl());
            pg.applySchema(Path.of("sql", "kick_events.sql"));
            assertEquals("kickwatch", pg.psql("select tableowner from pg_tables where tablename = 'kick_events'").strip());
            IOException failed = assertThrows(IOException.class,
                    () -> pg.psql("select '" + pg.password() + "' from no_such_table"));
            assertTrue(failed.getMessage().contains("no_such_table"), failed.getMessage());
            assertFalse(failed.getMessage().contains(pg.password()), "the password masked in: " + failed.getMessage());

            String payload = "{\"id\":\"m-1\",\"content\":\"hello \uD83D\uDC4B\",\"sender\":{\"id\":4000000001,"
                    + "\"username\":\"viewer_1\"}}";
            try (Connection c = connect(pg, pg.password())) {
                assertEquals(1, insert(c, "m-1", payload));
                assertEquals(0, insert(c, "m-1", payload), "the same id again: on conflict do nothing");
                try (ResultSet rs = c.createStatement().executeQuery("select id, type, chatroom_id, created_at, payload, "
                        + "pg_typeof(payload)::text, pg_typeof(created_at)::text, pg_typeof(chatroom_id)::text "
                        + "from public.kick_events")) {
                    assertTrue(rs.next());
                    assertEquals("m-1", rs.getString(1));
                    assertEquals("chat.message.sent", rs.getString(2));
                    assertEquals(668L, rs.getLong(3));
                    assertEquals(Instant.parse("2025-01-02T03:04:05.678Z"),
                            rs.getObject(4, OffsetDateTime.class).toInstant());
                    JsonNode stored = JSON.readTree(rs.getString(5));
                    assertEquals(JSON.readTree(payload), stored);
                    assertEquals("jsonb", rs.getString(6));
                    assertEquals("timestamp with time zone", rs.getString(7));
                    assertEquals("bigint", rs.getString(8));
                    assertFalse(rs.next(), "one row");
                }
            }

            SQLException refused = assertThrows(SQLException.class, () -> connect(pg, "not-the-password").close());
            assertEquals("28P01", refused.getSQLState(), refused.toString());
            assertFalse(refused.toString().contains(pg.password()));

            // the database goes away: the postmaster ends and nothing listens on the port
            long first = pg.pid();
            assertTrue(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false));
            pg.stop();
            assertFalse(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false), "postmaster " + first);
            SQLException down = assertThrows(SQLException.class, () -> connect(pg, pg.password()).close());
            assertEquals("08001", down.getSQLState(), down.toString());

            // and comes back on the same port with the same data
            int port = pg.port();
            pg.startAgain();
            assertEquals(port, pg.port());
            assertNotEquals(first, pg.pid());
            try (Connection c = connect(pg, pg.password())) {
                assertEquals("1", count(c));
                assertEquals(0, insert(c, "m-1", payload));
                assertEquals(1, insert(c, "m-2", payload));
                assertEquals("2", count(c));
            }

            postmaster = pg.pid();
            children = ProcessHandle.of(postmaster).orElseThrow().descendants().map(ProcessHandle::pid).toList();
            assertFalse(children.isEmpty(), "the postmaster's background processes");
        }
        assertFalse(ProcessHandle.of(postmaster).map(ProcessHandle::isAlive).orElse(false), "postmaster " + postmaster);
        for (long child : children) {
            assertFalse(ProcessHandle.of(child).map(ProcessHandle::isAlive).orElse(false), "postgres process " + child);
        }
        assertFalse(Files.exists(dir), dir + " deleted");
    }
}
