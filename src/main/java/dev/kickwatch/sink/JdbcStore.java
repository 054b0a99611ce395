package dev.kickwatch.sink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.kickwatch.LogLimiter;
import dev.kickwatch.sink.HttpTarget.Probe;
import dev.kickwatch.sink.HttpTarget.ProbeResult;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DB sink's JDBC stores: PostgreSQL ({@code db.jdbc-url}) or, with no database configured, an SQLite file in the
 * data directory ({@code events.db}, created on first start). A batch of rows is one JDBC batch of
 * {@code INSERT … ON CONFLICT (id) DO NOTHING}: a replayed or repeated row is stored once. A batch the database refuses
 * for its data (SQLState class 22 or 23) is inserted again row by row: the rows it refuses go to the
 * {@code db-rejected} journal, the others are stored. Everything else (down, timed out, wrong password, no table) is a
 * {@link SinkUnavailableException}: a breaker failure, and the batch goes to the {@code db} journal.
 * Connections come from a bounded pool; the password never appears in a message. {@link #toString()} is redacted.
 */
public class JdbcStore {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final String COLUMNS = "id, type, channel, chatroom_id, channel_id, user_id, username, content, created_at, "
            + "received_at, payload";
    private static final String POSTGRESQL_INSERT = "insert into kick_events (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, "
            + "?, cast(? as timestamptz), cast(? as timestamptz), cast(? as jsonb)) on conflict (id) do nothing";
    private static final String SQLITE_INSERT = "insert into kick_events (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, "
            + "?, ?) on conflict (id) do nothing";
    /** The SQLite table: the columns of sql/kick_events.sql, as SQLite types (timestamps as ISO-8601 text, payload as JSON text). */
    static final List<String> SQLITE_SCHEMA = List.of(
            "create table if not exists kick_events (id text primary key, type text not null, channel text not null, "
                    + "chatroom_id integer, channel_id integer, user_id integer, username text, content text, "
                    + "created_at text not null, received_at text not null, payload text not null)",
            "create index if not exists kick_events_channel_created on kick_events (channel, created_at desc)",
            "create index if not exists kick_events_type on kick_events (type)");

    private String jdbcUrl = "";
    private String user = "";
    private String password = "";
    private String local = "sqlite";
    private String dataDir = "data";
    private int poolSize = 4;
    private long connectTimeout = 5000;
    private long statementTimeout = 12000;
    private Journal journal;

    private HikariDataSource pool;
    private boolean stopped;
    private volatile String problem;
    private volatile boolean schemaReady;
    private final LogLimiter rejectLog = new LogLimiter(10_000);
    private final java.util.concurrent.atomic.AtomicLong stored = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong batches = new java.util.concurrent.atomic.AtomicLong();
    private volatile long lastStoredAt;
    private final java.util.concurrent.atomic.AtomicLong rejectedRows = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong failedBatches = new java.util.concurrent.atomic.AtomicLong();

    /** True when rows go through JDBC: a {@code db.jdbc-url}, or the local SQLite store. */
    public boolean isEnabled() {
        return !jdbcUrl.isBlank() || "sqlite".equals(local);
    }

    public boolean isSqlite() {
        return jdbcUrl.isBlank();
    }

    /** Where rows go, for the start-up summary: host, port and database of PostgreSQL, or the SQLite file. */
    public String describe() {
        if (isSqlite()) {
            return "SQLite " + sqliteFile();
        }
        String rest = jdbcUrl.substring("jdbc:postgresql://".length());
        int q = rest.indexOf('?');
        return "PostgreSQL at " + (q < 0 ? rest : rest.substring(0, q)) + ", table kick_events";
    }

    Path sqliteFile() {
        return Path.of(dataDir, "events.db");
    }

    /**
     * Nothing to open yet: the pool opens with the first use, so neither the route check nor a database that is down
     * at start-up opens a connection.
     */
    public void start() {
        stopped = false;
    }

    /** The pool, opened on first use; null once stopped. */
    private synchronized HikariDataSource pool() {
        if (pool == null && !stopped && isEnabled()) {
            pool = new HikariDataSource(config());
        }
        return pool;
    }

    private HikariConfig config() {
        HikariConfig c = new HikariConfig();
        c.setPoolName("db");
        c.setMaximumPoolSize(isSqlite() ? 1 : poolSize); // SQLite: one writer
        c.setMinimumIdle(0);
        c.setConnectionTimeout(Math.max(250, connectTimeout));
        c.setValidationTimeout(Math.max(250, Math.min(connectTimeout, 5000) - 1));
        c.setInitializationFailTimeout(-1);
        c.setAutoCommit(true);
        if (isSqlite()) {
            // by class, not by DriverManager: under camel run the driver's jar is not on the system class path
            c.setDriverClassName("org.sqlite.JDBC");
            c.setJdbcUrl("jdbc:sqlite:" + sqliteFile());
            // readers (sqlite3) do not block the writer; a locked file is waited for at most the statement timeout
            c.addDataSourceProperty("journal_mode", "WAL");
            c.addDataSourceProperty("busy_timeout", String.valueOf(statementTimeout));
        } else {
            c.setDriverClassName("org.postgresql.Driver");
            c.setJdbcUrl(jdbcUrl);
            c.setUsername(user);
            c.setPassword(password);
            long seconds = Math.max(1, (connectTimeout + 999) / 1000);
            c.addDataSourceProperty("connectTimeout", String.valueOf(seconds));
            c.addDataSourceProperty("loginTimeout", String.valueOf(seconds));
            // a statement the server runs too long is cancelled there; the socket gives up a little later
            c.addDataSourceProperty("options", "-c statement_timeout=" + statementTimeout);
            c.addDataSourceProperty("socketTimeout", String.valueOf((statementTimeout + 999) / 1000 + 5));
            c.addDataSourceProperty("reWriteBatchedInserts", "true");
            c.addDataSourceProperty("ApplicationName", "kickwatch");
        }
        return c;
    }

    /** The SQLite table, created with the first connection that needs it. */
    private void schema(Connection con) throws SQLException {
        if (isSqlite() && !schemaReady) {
            try (Statement st = con.createStatement()) {
                for (String ddl : SQLITE_SCHEMA) {
                    st.execute(ddl);
                }
            }
            schemaReady = true;
        }
    }

    public synchronized void stop() {
        stopped = true;
        HikariDataSource p = pool;
        pool = null;
        if (p != null) {
            p.close();
        }
    }

    /** Inserts the batch in hand ({@link RowBatch}); see the class comment for what each failure becomes. */
    public void insert(Exchange exchange) throws org.apache.camel.InvalidPayloadException {
        RowBatch batch = exchange.getMessage().getMandatoryBody(RowBatch.class);
        List<dev.kickwatch.event.KickEvent> events = batch.events();
        List<JsonNode> rows = new ArrayList<>(batch.size());
        if (events != null) {
            for (dev.kickwatch.event.KickEvent e : events) {
                rows.add(row(e));
            }
        } else {
            for (String line : batch.lines()) {
                rows.add(parse(line));
            }
        }
        insert(batch::lines, rows); // a live batch's JSON lines are made only if a row is refused
    }

    /** The row of a live event, as the journal line would parse: no JSON round trip. */
    private static JsonNode row(dev.kickwatch.event.KickEvent e) {
        com.fasterxml.jackson.databind.node.ObjectNode n = JSON.createObjectNode();
        n.put("id", e.getId());
        n.put("type", e.getType());
        n.put("channel", e.getChannel());
        n.put("chatroom_id", e.getChatroomId());
        n.put("channel_id", e.getChannelId());
        n.put("user_id", e.getUserId());
        n.put("username", e.getUsername());
        n.put("content", e.getContent());
        n.put("created_at", e.getCreatedAt());
        n.put("received_at", e.getReceivedAt());
        if (e.getRawPayload() != null) {
            n.set("payload", new RawPayload(e.getRawPayload()));
        } else {
            n.set("payload", e.getPayload());
        }
        return n;
    }

    /** A payload kept as the text Kick sent: bound as is, never parsed again. */
    private static final class RawPayload extends com.fasterxml.jackson.databind.node.TextNode {
        RawPayload(String json) {
            super(json);
        }
    }

    void insert(java.util.function.Supplier<List<String>> lines, List<JsonNode> rows) {
        if (rows.isEmpty()) {
            return;
        }
        HikariDataSource p = pool();
        if (p == null) {
            throw new SinkUnavailableException("db (JDBC) is stopped");
        }
        if (isSqlite() && !schemaReady) {
            try {
                Files.createDirectories(Path.of(dataDir)); // the file's directory, with the first row (not at start)
            } catch (IOException e) {
                throw new SinkUnavailableException("db (SQLite) cannot create " + dataDir + ": " + e.getMessage());
            }
        }
        try (Connection con = p.getConnection()) {
            schema(con);
            insertBatch(con, rows);
            stored.addAndGet(rows.size());
            batches.incrementAndGet();
            lastStoredAt = System.currentTimeMillis();
            problem = null;
        } catch (SQLException e) {
            if (isDataError(e)) {
                rowByRow(p, lines, rows);
                return;
            }
            throw unavailable(e);
        }
    }

    private void insertBatch(Connection con, List<JsonNode> rows) throws SQLException {
        try (PreparedStatement ps = con.prepareStatement(insertSql())) {
            ps.setQueryTimeout(timeoutSeconds());
            for (JsonNode row : rows) {
                bind(ps, row);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A batch the database refused for its data: each row alone; the ones it refuses go to db-rejected. */
    private void rowByRow(HikariDataSource p, java.util.function.Supplier<List<String>> batchLines, List<JsonNode> rows) {
        List<String> lines = batchLines.get();
        int rejected = 0;
        String reason = null;
        for (int i = 0; i < rows.size(); i++) {
            try (Connection con = p.getConnection(); PreparedStatement ps = con.prepareStatement(insertSql())) {
                ps.setQueryTimeout(timeoutSeconds());
                bind(ps, rows.get(i));
                ps.executeUpdate();
                stored.incrementAndGet();
                lastStoredAt = System.currentTimeMillis();
            } catch (SQLException e) {
                if (!isDataError(e)) {
                    // the rows not yet inserted are the batch's failure; those before were stored, and are again
                    // stored once when the journal is replayed (on conflict do nothing)
                    throw unavailable(e);
                }
                rejected++;
                rejectedRows.incrementAndGet();
                reason = oneLine(e);
                if (journal != null) {
                    journal.append("db-rejected", lines.get(i));
                }
            }
        }
        problem = null;
        long held = rejectLog.tryAcquire();
        if (rejected > 0 && held >= 0) {
            LOG.warn("db refused {} of {} rows ({}); they are kept in the db-rejected journal, the others are stored{}",
                    rejected, rows.size(), reason, held > 0 ? " (" + held + " similar lines held back)" : "");
        }
    }

    private String insertSql() {
        return isSqlite() ? SQLITE_INSERT : POSTGRESQL_INSERT;
    }

    private int timeoutSeconds() {
        return (int) Math.max(1, (statementTimeout + 999) / 1000);
    }

    private static JsonNode parse(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new SinkRejectedException("db row is not JSON: " + e.getMessage());
        }
    }

    private static void bind(PreparedStatement ps, JsonNode row) throws SQLException {
        text(ps, 1, row.get("id"));
        text(ps, 2, row.get("type"));
        text(ps, 3, row.get("channel"));
        number(ps, 4, row.get("chatroom_id"));
        number(ps, 5, row.get("channel_id"));
        number(ps, 6, row.get("user_id"));
        text(ps, 7, row.get("username"));
        text(ps, 8, row.get("content"));
        text(ps, 9, row.get("created_at"));
        text(ps, 10, row.get("received_at"));
        JsonNode payload = row.get("payload");
        if (payload == null || payload.isNull()) {
            ps.setNull(11, Types.VARCHAR);
        } else {
            ps.setString(11, payload instanceof RawPayload raw ? raw.textValue() : payload.toString());
        }
    }

    private static void text(PreparedStatement ps, int i, JsonNode v) throws SQLException {
        if (v == null || v.isNull()) {
            ps.setNull(i, Types.VARCHAR);
        } else {
            ps.setString(i, v.asText());
        }
    }

    private static void number(PreparedStatement ps, int i, JsonNode v) throws SQLException {
        if (v == null || v.isNull() || !v.canConvertToLong()) {
            ps.setNull(i, Types.BIGINT);
        } else {
            ps.setLong(i, v.asLong());
        }
    }

    /** SQLState class 22 (data exception) or 23 (integrity constraint): this data, not the database, is the problem. */
    static boolean isDataError(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = state(s);
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return true; // a batch's exception, or the next one the driver chained to it, names the row's fault
            }
        }
        // SQLite reports constraints by its own codes: SQLITE_CONSTRAINT (19), SQLITE_MISMATCH (20)
        return isSqliteCode(e, 19) || isSqliteCode(e, 20);
    }

    private static boolean isSqliteCode(SQLException e, int code) {
        return e.getClass().getName().startsWith("org.sqlite") && (e.getErrorCode() & 0xff) == code;
    }

    private static String state(SQLException e) {
        String state = e.getSQLState();
        if (state == null && e.getCause() instanceof SQLException c) {
            state = c.getSQLState();
        }
        return state;
    }

    /** The failure as a breaker failure, with the setting to fix when the database said which. */
    private SinkUnavailableException unavailable(SQLException e) {
        failedBatches.incrementAndGet();
        String state = state(e);
        String what = meaning(state);
        if (what != null) {
            problem = what;
        }
        String msg = "db (" + (isSqlite() ? "SQLite" : "PostgreSQL") + ") " + (what != null ? what : oneLine(e));
        return new SinkUnavailableException(msg);
    }

    /** A wrong setting the database names by its SQLState, in words; null for an outage. */
    String meaning(String state) {
        if (state == null) {
            return null;
        }
        return switch (state) {
            case "28P01", "28000" -> "refuses the login: check db.user (DB_USER) and db.password (DB_PASSWORD)";
            case "3D000" -> "has no such database: check db.jdbc-url (DB_JDBC_URL)";
            case "42P01" -> "has no table kick_events: create it with sql/kick_events.sql";
            case "42501" -> "denies db.user (DB_USER) the insert into kick_events: grant it";
            default -> null;
        };
    }

    /** Rows written (a row already there counts too: on conflict do nothing). */
    public long getStored() {
        return stored.get();
    }

    /** Batches written whole (the status page's requests). */
    public long getBatches() {
        return batches.get();
    }

    /** When a batch was last written (epoch ms), 0 before the first. */
    public long getLastStoredAt() {
        return lastStoredAt;
    }

    /** Rows the database refused for their data (set aside in db-rejected). */
    public long getRejectedRows() {
        return rejectedRows.get();
    }

    /** Batches that failed for the database's sake (down, timed out, a wrong setting): journaled, replayed. */
    public long getFailedBatches() {
        return failedBatches.get();
    }

    /** While the database refuses a setting (login, database, table, permission): what to fix; else null. */
    public String getProblem() {
        return problem;
    }

    /** At start-up: one connection and {@code select … limit 0} on the table, without writing (see SinkProbe). */
    public ProbeResult probe() {
        String where = "db (" + describe() + ")";
        HikariDataSource p = pool();
        if (p == null) {
            return new ProbeResult("db", Probe.UNREACHABLE, where + " is stopped");
        }
        long start = System.nanoTime();
        try (Connection con = p.getConnection(); Statement st = con.createStatement()) {
            st.setQueryTimeout(timeoutSeconds());
            st.executeQuery("select id from kick_events limit 0").close();
            return new ProbeResult("db", Probe.OK, where + " answers in " + (System.nanoTime() - start) / 1_000_000 + " ms");
        } catch (SQLException e) {
            String state = state(e);
            String what = meaning(state);
            if (what != null) {
                problem = what;
                String setting = state.startsWith("28") ? "db.password (DB_PASSWORD)" : "db.jdbc-url (DB_JDBC_URL)";
                return new ProbeResult("db", Probe.WRONG, setting + ": " + where + " " + what);
            }
            return new ProbeResult("db", Probe.UNREACHABLE, where + " cannot be reached now (" + oneLine(e)
                    + "); its rows wait in the db journal until it answers");
        }
    }

    private String oneLine(SQLException e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (!password.isBlank()) {
            m = m.replace(password, "***");
        }
        m = m.replaceAll("\\s+", " ").trim();
        if (e instanceof SQLTimeoutException || e instanceof SQLTransientException) {
            m = "timed out or busy: " + m;
        }
        return m.length() > 200 ? m.substring(0, 200) + "…" : m;
    }

    // configuration --------------------------------------------------------------------------------------------------

    /** {@code jdbc:postgresql://host:port/database}; empty: the local store. */
    public void setJdbcUrl(String jdbcUrl) {
        String u = jdbcUrl == null ? "" : jdbcUrl.trim();
        if (!u.isEmpty() && !u.toLowerCase(Locale.ROOT).startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException("db.jdbc-url (DB_JDBC_URL) must be a jdbc:postgresql://host:port/database URL");
        }
        this.jdbcUrl = u;
    }

    public void setUser(String user) {
        this.user = user == null ? "" : user.trim();
    }

    public void setPassword(String password) {
        this.password = password == null ? "" : password;
    }

    /** The store without db.url or db.jdbc-url: {@code sqlite} (events.db) or {@code jsonl} (events.jsonl). */
    public void setLocal(String local) {
        String l = local == null ? "" : local.trim().toLowerCase(Locale.ROOT);
        if (!l.equals("sqlite") && !l.equals("jsonl")) {
            throw new IllegalArgumentException("db.local (DB_LOCAL) must be sqlite or jsonl, got '" + local + "'");
        }
        this.local = l;
    }

    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }

    public void setPoolSize(int poolSize) {
        if (poolSize < 1 || poolSize > 50) {
            throw new IllegalArgumentException("db.jdbc.pool-size (DB_JDBC_POOL_SIZE) must be 1 to 50, got " + poolSize);
        }
        this.poolSize = poolSize;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public void setStatementTimeout(long statementTimeout) {
        this.statementTimeout = statementTimeout;
    }

    public void setJournal(Journal journal) {
        this.journal = journal;
    }

    @Override
    public String toString() {
        return "db (" + (isEnabled() ? describe() : "not JDBC") + (password.isBlank() ? "" : ", password redacted") + ")";
    }
}
