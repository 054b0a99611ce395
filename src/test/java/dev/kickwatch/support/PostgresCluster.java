package dev.kickwatch.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;

/**
 * A throwaway PostgreSQL cluster of its own for a test: initdb into a temporary directory, pg_ctl start on a free port
 * of 127.0.0.1 (the unix socket inside that directory), stopped and deleted by {@link #close()}.
 *
 * <p>The binaries are Debian's {@code postgresql} package ({@code /usr/lib/postgresql/<version>/bin}, the highest
 * version), else {@code pg_config --bindir}, else the PATH. The server refuses to run as root: a test run as root runs
 * initdb and pg_ctl as the {@code postgres} OS user (runuser, else su), with the directory owned by it; any other user
 * runs them as itself. The clients (psql, pg_isready) run as the test's own user.
 *
 * <p>The cluster has a database {@code kick} owned by a login role {@code kickwatch} with a password made for this
 * run; TCP connections authenticate with scram-sha-256, the unix socket (the superuser {@code postgres}, for
 * {@link #psql}) is trusted. Durability is traded for speed (fsync off): the data survives {@link #stop()} and
 * {@link #startAgain()}, not a crash of the machine. The password never appears in a message of this class.
 */
public final class PostgresCluster implements AutoCloseable {

    public static final String DATABASE = "kick";
    public static final String USER = "kickwatch";
    private static final String SUPERUSER = "postgres";
    private static final String OS_USER = "postgres";
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final Path bin;
    private final Path dir;
    private final Path data;
    private final Path socketDir;
    private final Path log;
    private final List<String> asServerUser;
    private final String password = "kw-" + UUID.randomUUID();
    private final Thread shutdownHook;
    private int port;
    private long pid = -1;
    private boolean closed;

    private PostgresCluster(Path bin, Path dir, List<String> asServerUser) {
        this.bin = bin;
        this.dir = dir;
        this.data = dir.resolve("data");
        this.socketDir = dir.resolve("socket");
        this.log = dir.resolve("server.log");
        this.asServerUser = asServerUser;
        // a JVM stopped before close() (a test run cut short) still stops the server and removes the directory
        this.shutdownHook = new Thread(() -> {
            killQuietly();
            try {
                ServerFiles.deleteTree(dir);
            } catch (UncheckedIOException e) {
                // nothing more to do at exit
            }
        }, "postgres-cluster-cleanup");
    }

    /** initdb, start on a free port, then the role {@code kickwatch} and the database {@code kick} it owns. */
    public static PostgresCluster start() throws IOException {
        Path bin = binDir();
        boolean root = isRoot();
        Path dir = Files.createTempDirectory("kickwatch-pg-");
        PostgresCluster pg = new PostgresCluster(bin, dir, root ? dropToPostgres() : List.of());
        Runtime.getRuntime().addShutdownHook(pg.shutdownHook);
        try {
            Files.createDirectories(pg.socketDir);
            if (root) {
                UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
                for (Path p : List.of(dir, pg.socketDir)) {
                    Files.setOwner(p, users.lookupPrincipalByName(OS_USER));
                }
            }
            pg.initdb();
            IOException portTaken = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                // a free port now may be taken before the server binds it: then another one
                pg.port = Fixtures.freePort();
                try {
                    pg.configurePort();
                    pg.startServer();
                    portTaken = null;
                    break;
                } catch (IOException e) {
                    portTaken = e;
                    pg.killQuietly();
                }
            }
            if (portTaken != null) {
                throw portTaken;
            }
            pg.psql("postgres", "create role " + USER + " login password '" + pg.password + "';\n"
                    + "create database " + DATABASE + " owner " + USER + ";\n");
            return pg;
        } catch (IOException | RuntimeException | Error e) {
            pg.close();
            throw e;
        }
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return password;
    }

    public int port() {
        return port;
    }

    /** The postmaster's PID while the server runs, else -1. */
    public long pid() {
        return pid;
    }

    /** The temporary directory holding the data, the socket and the server log; deleted by {@link #close()}. */
    public Path directory() {
        return dir;
    }

    /** Runs SQL (statements separated by ;) in database kick as the superuser; returns psql's unaligned output. */
    public String psql(String sql) throws IOException {
        return psql(DATABASE, sql);
    }

    /**
     * Applies a schema file (sql/kick_events.sql) to database kick in one transaction, as the role kickwatch, which
     * so owns the tables (and may insert and select).
     */
    public void applySchema(Path sqlFile) throws IOException {
        psql(DATABASE, "set role " + USER + ";\n" + Files.readString(sqlFile, StandardCharsets.UTF_8), "-1");
    }

    /** Stops the server (fast shutdown: clients are disconnected); the data and the port stay for {@link #startAgain}. */
    public void stop() throws IOException {
        if (pid < 0) {
            return;
        }
        long was = pid;
        Result r = runAsServerUser(List.of(tool("pg_ctl"), "-D", data.toString(), "-m", "fast", "-w", "-t", "30",
                "stop"));
        if (r.exit != 0) {
            killQuietly();
            throw new IOException("pg_ctl stop failed (exit " + r.exit + "), the server was killed: " + r.output());
        }
        awaitGone(was);
        pid = -1;
    }

    /** Starts the stopped server again on the same port with the same data. */
    public void startAgain() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (pid >= 0) {
            throw new IllegalStateException("already running");
        }
        startServer();
    }

    /** Stops the server (immediate shutdown, else by its PID) and deletes the directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (pid >= 0) {
                long was = pid;
                Result r = null;
                try {
                    r = runAsServerUser(List.of(tool("pg_ctl"), "-D", data.toString(), "-m", "immediate", "-w", "-t",
                            "30", "stop"));
                } catch (IOException | RuntimeException e) {
                    // killed below
                }
                if (r == null || r.exit != 0 || !gone(was, Duration.ofSeconds(10))) {
                    killQuietly();
                }
                pid = -1;
            }
        } finally {
            ServerFiles.deleteTree(dir);
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs anyway
            }
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private void initdb() throws IOException {
        Result r = runAsServerUser(List.of(tool("initdb"), "-D", data.toString(), "-U", SUPERUSER, "-E", "UTF8",
                "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "--no-instructions"));
        if (r.exit != 0) {
            throw new IOException("initdb failed (exit " + r.exit + "): " + r.output());
        }
    }

    /** The settings go in postgresql.conf, so that startAgain() comes back on the same port and socket. */
    private void configurePort() throws IOException {
        Path conf = data.resolve("postgresql.conf");
        String base = Files.readString(conf, StandardCharsets.UTF_8).replaceFirst("(?s)\n# kickwatch test cluster\n.*", "");
        String settings = "\n# kickwatch test cluster\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "port = " + port + "\n"
                + "unix_socket_directories = '" + socketDir + "'\n"
                + "password_encryption = 'scram-sha-256'\n"
                + "fsync = off\n"
                + "full_page_writes = off\n"
                + "shared_buffers = 16MB\n"
                + "max_connections = 50\n"
                + "max_wal_senders = 0\n"
                + "wal_level = minimal\n"
                + "log_min_error_statement = panic\n";
        // written in place: the file keeps its owner (postgres when the test runs as root)
        Files.writeString(conf, base + settings, StandardCharsets.UTF_8);
    }

    private void startServer() throws IOException {
        Result r = runAsServerUser(List.of(tool("pg_ctl"), "-D", data.toString(), "-l", log.toString(), "-w", "-t",
                String.valueOf(READY_TIMEOUT.toSeconds()), "start"));
        // the PID first: a server that came up but is not ready is still stopped by close()
        pid = readPid().orElse(-1L);
        if (r.exit != 0) {
            throw new IOException("pg_ctl start on port " + port + " failed (exit " + r.exit + "): " + r.output()
                    + "\nserver log:\n" + mask(ServerFiles.tail(log, 20)));
        }
        if (pid < 0) {
            throw new IOException("pg_ctl start succeeded but " + data.resolve("postmaster.pid") + " names no PID");
        }
        // pg_ctl -w waited for the socket; this is the TCP listener the tests connect to
        await("PostgreSQL accepting TCP connections on 127.0.0.1:" + port).atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> run(List.of(tool("pg_isready"), "-q", "-h", "127.0.0.1", "-p", String.valueOf(port), "-d",
                        "postgres", "-t", "2"), null).exit == 0);
    }

    private String psql(String database, String sql, String... options) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(tool("psql"), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                "-h", socketDir.toString(), "-p", String.valueOf(port), "-U", SUPERUSER, "-d", database));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-f", "-"));
        // the SQL goes on stdin, never on a command line; the password is masked in what comes back
        Result r = run(cmd, sql);
        if (r.exit != 0) {
            throw new IOException("psql failed (exit " + r.exit + "): " + r.stderr.strip());
        }
        return r.stdout;
    }

    private Optional<Long> readPid() {
        try {
            Path file = data.resolve("postmaster.pid");
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            String first = Files.readString(file, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
            return first.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(first));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean gone(long pid, Duration within) {
        try {
            awaitGone(pid, within);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static void awaitGone(long pid) {
        awaitGone(pid, Duration.ofSeconds(30));
    }

    private static void awaitGone(long pid, Duration within) {
        await("postmaster " + pid + " gone").atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true));
    }

    /** The postmaster and its children killed by PID (SIGQUIT: immediate shutdown; then SIGKILL). */
    private void killQuietly() {
        long target = pid >= 0 ? pid : readPid().orElse(-1L);
        if (target < 0) {
            return;
        }
        Optional<ProcessHandle> postmaster = ProcessHandle.of(target);
        if (postmaster.isEmpty() || !postmaster.get().isAlive()) {
            pid = -1;
            return;
        }
        List<ProcessHandle> children = postmaster.get().descendants().toList();
        try {
            // the shell's kill: a minimal Debian has no kill binary
            new ProcessBuilder("/bin/sh", "-c", "kill -QUIT " + target).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // SIGKILL below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!gone(target, Duration.ofSeconds(5))) {
            children.forEach(ProcessHandle::destroyForcibly);
            postmaster.get().destroyForcibly();
            gone(target, Duration.ofSeconds(5));
        }
        children.forEach(ProcessHandle::destroyForcibly);
        pid = -1;
    }

    private Result runAsServerUser(List<String> cmd) throws IOException {
        List<String> full = new ArrayList<>(asServerUser);
        if (!full.isEmpty() && full.get(full.size() - 1).equals("-c")) {
            // su takes one shell command line: every argument quoted for sh
            full.add(String.join(" ", cmd.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList()));
        } else {
            full.addAll(cmd);
        }
        return run(full, null);
    }

    private Result run(List<String> cmd, String stdin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("PG"));
        pb.environment().put("LC_ALL", "C");
        // output to files, not pipes: the postmaster pg_ctl starts must not hold a pipe of ours open
        Path out = Files.createTempFile("kickwatch-pg-out-", ".txt");
        Path err = Files.createTempFile("kickwatch-pg-err-", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new IOException(commandLine(cmd) + " did not finish within " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            return new Result(p.exitValue(), mask(Files.readString(out, StandardCharsets.UTF_8)),
                    mask(Files.readString(err, StandardCharsets.UTF_8)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + commandLine(cmd), e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private String commandLine(List<String> cmd) {
        return mask(String.join(" ", cmd));
    }

    private String mask(String text) {
        return text.replace(password, "****");
    }

    private String tool(String name) {
        return bin.resolve(name).toString();
    }

    private record Result(int exit, String stdout, String stderr) {
        String output() {
            return (stdout + stderr).strip();
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static final Pattern VERSION = Pattern.compile("\\d+(\\.\\d+)?");

    /** /usr/lib/postgresql/<highest version>/bin, else pg_config --bindir, else the directory of initdb on PATH. */
    static Path binDir() throws IOException {
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Optional<Path> best = versions
                        .filter(v -> VERSION.matcher(v.getFileName().toString()).matches())
                        .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparingDouble(v -> Double.parseDouble(v.getFileName().toString())));
                if (best.isPresent()) {
                    return best.get().resolve("bin");
                }
            }
        }
        Optional<Path> pgConfig = onPath("pg_config");
        if (pgConfig.isPresent()) {
            try {
                Process p = new ProcessBuilder(pgConfig.get().toString(), "--bindir").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0
                        && Files.isExecutable(Path.of(out).resolve("initdb"))) {
                    return Path.of(out);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return onPath("initdb").map(Path::getParent).orElseThrow(() -> new IllegalStateException(
                "PostgreSQL is not installed: no initdb under /usr/lib/postgresql/*/bin, from pg_config or on PATH "
                        + "(Debian: apt-get install postgresql; .ci/run does this)"));
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(java.io.File.pathSeparator)).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /** The command prefix that runs a command as the postgres OS user: runuser, else su. */
    private static List<String> dropToPostgres() {
        for (String runuser : List.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser")) {
            if (Files.isExecutable(Path.of(runuser))) {
                return List.of(runuser, "-u", OS_USER, "--");
            }
        }
        Optional<Path> runuser = onPath("runuser");
        if (runuser.isPresent()) {
            return List.of(runuser.get().toString(), "-u", OS_USER, "--");
        }
        Optional<Path> su = Files.isExecutable(Path.of("/bin/su")) ? Optional.of(Path.of("/bin/su")) : onPath("su");
        return List.of(su.orElseThrow(() -> new IllegalStateException(
                "running as root and neither runuser nor su found to run PostgreSQL as the postgres user")).toString(),
                "-s", "/bin/sh", OS_USER, "-c");
    }
}
