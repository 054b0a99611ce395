package dev.kickwatch.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;

import static org.awaitility.Awaitility.await;

/**
 * A throwaway Apache Kafka broker of its own for a test: one KRaft node that is broker and controller at once (no
 * ZooKeeper, no Docker), in a child JVM ({@link KafkaBrokerMain}: {@code kafka-storage format} with a random cluster
 * id, then {@code kafka.Kafka}), listening on two free ports of 127.0.0.1, its data in a temporary directory. Stopped
 * by its PID; {@link #close()} kills it and deletes the directory.
 *
 * <p>The child's classpath is the tests' own, written by the maven-dependency-plugin at
 * {@code target/kafka-broker.classpath} (pom.xml), so the broker runs on the same jar versions as the tests and the
 * clients in them. Settings are for one node and a fast start: every internal topic has replication factor 1 and few
 * partitions, a new group gets its first assignment at once ({@code group.initial.rebalance.delay.ms=0}), a small
 * heap. The broker's log (stdout and stderr) is {@link #log()}.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final String CLASSPATH_FILE = "kafka-broker.classpath";

    private final Path dir;
    private final Path properties;
    private final Path log;
    private final String clusterId = Uuid.randomUuid().toString();
    private final Thread shutdownHook;
    private int port;
    private int controllerPort;
    private Process process;
    private boolean closed;

    private KafkaBroker(Path dir) {
        this.dir = dir;
        this.properties = dir.resolve("server.properties");
        this.log = dir.resolve("broker.log");
        // a JVM stopped before close() (a test run cut short) still kills the broker and removes the directory
        this.shutdownHook = new Thread(() -> {
            killQuietly();
            try {
                ServerFiles.deleteTree(dir);
            } catch (UncheckedIOException e) {
                // nothing more to do at exit
            }
        }, "kafka-broker-cleanup");
    }

    /** Formats the storage and starts the broker on free ports; returns once it answers a client as a cluster of one. */
    public static KafkaBroker start() throws IOException {
        Path dir = Files.createTempDirectory("kickwatch-kafka-");
        KafkaBroker broker = new KafkaBroker(dir);
        Runtime.getRuntime().addShutdownHook(broker.shutdownHook);
        try {
            IOException portTaken = null;
            for (int attempt = 0; attempt < 3; attempt++) {
                // free ports now may be taken before the broker binds them: then others (the data stays formatted)
                broker.port = Fixtures.freePort();
                broker.controllerPort = Fixtures.freePort();
                while (broker.controllerPort == broker.port) {
                    broker.controllerPort = Fixtures.freePort();
                }
                try {
                    broker.writeProperties();
                    broker.launch();
                    portTaken = null;
                    break;
                } catch (IOException e) {
                    portTaken = e;
                    broker.killQuietly();
                    if (!e.getMessage().contains("Address already in use")) {
                        break;
                    }
                }
            }
            if (portTaken != null) {
                throw portTaken;
            }
            return broker;
        } catch (IOException | RuntimeException | Error e) {
            broker.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers} (and {@code kafka.bootstrap-servers}). */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The client (PLAINTEXT) port; the same after {@link #startAgain()}. */
    public int port() {
        return port;
    }

    /** The KRaft controller's port. */
    public int controllerPort() {
        return controllerPort;
    }

    public String clusterId() {
        return clusterId;
    }

    /** The broker's PID while it runs, else -1. */
    public long pid() {
        Process p = process;
        return p != null && p.isAlive() ? p.pid() : -1;
    }

    /** The temporary directory holding the data, server.properties and the log; deleted by {@link #close()}. */
    public Path directory() {
        return dir;
    }

    /** The broker's output (its log lines), kept across restarts. */
    public Path log() {
        return log;
    }

    /** The last lines of the broker's log, for a failure message. */
    public String logTail() {
        return ServerFiles.tail(log, 30);
    }

    /**
     * Stops the broker as SIGTERM does in production (controlled shutdown, logs flushed) and waits until the process
     * is gone and its ports are free; killed if it takes longer than 30 s. The data and ports stay for
     * {@link #startAgain()}.
     */
    public void stop() throws IOException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            process = null;
            return;
        }
        p.destroy();
        boolean exited;
        try {
            exited = p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            killQuietly();
            throw new IOException("the Kafka broker (PID " + p.pid() + ") did not stop within "
                    + STOP_TIMEOUT.toSeconds() + " s of SIGTERM and was killed; log:\n" + ServerFiles.tail(log, 30));
        }
        process = null;
        awaitPortsFree();
    }

    /** Kills the broker at once (SIGKILL: no controlled shutdown, as a crashed host) and waits until it is gone. */
    public void kill() {
        killQuietly();
        awaitPortsFree();
    }

    /** Starts the stopped (or killed) broker again on the same ports with the same data and cluster id. */
    public void startAgain() throws IOException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (pid() >= 0) {
            throw new IllegalStateException("already running");
        }
        launch();
    }

    /** Kills the broker by its PID (if it runs) and deletes the directory. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            killQuietly();
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

    private void writeProperties() throws IOException {
        String listeners = "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort;
        String text = String.join("\n",
                "# kickwatch test broker (support/KafkaBroker): one KRaft node, broker and controller",
                "process.roles=broker,controller",
                "node.id=1",
                "controller.quorum.voters=1@127.0.0.1:" + controllerPort,
                "listeners=" + listeners,
                "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                "log.dirs=" + dir.resolve("data"),
                // one node: every internal topic with one replica, and few partitions (each is a file set to create)
                "offsets.topic.replication.factor=1",
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=1",
                "transaction.state.log.min.isr=1",
                "transaction.state.log.num.partitions=4",
                "default.replication.factor=1",
                "min.insync.replicas=1",
                "num.partitions=1",
                // a new consumer group is assigned at once, not after 3 s
                "group.initial.rebalance.delay.ms=0",
                // after a kill the restarted controller refuses the broker's new registration until the old session
                // expires: 6 s, not 9 (heartbeats every second, in the same process)
                "broker.session.timeout.ms=6000",
                "broker.heartbeat.interval.ms=1000",
                // small: two cores shared with the build; the cleaner (compacted topics) with a small dedupe buffer
                "num.network.threads=2",
                "num.io.threads=2",
                "background.threads=2",
                "num.recovery.threads.per.data.dir=1",
                "log.cleaner.threads=1",
                "log.cleaner.dedupe.buffer.size=4194304",
                "log.cleaner.backoff.ms=1000",
                // as a default broker: topics a producer names are created (with num.partitions), and can be deleted
                "auto.create.topics.enable=true",
                "delete.topic.enable=true",
                "");
        Files.writeString(properties, text, StandardCharsets.UTF_8);
    }

    /** Starts the child JVM and waits until the broker answers; the process is stopped again if it does not. */
    private void launch() throws IOException {
        Path argFile = dir.resolve("java.args");
        // the classpath in an argument file: some hundred jars, not a command line in ps
        Files.writeString(argFile, "-cp \"" + childClasspath().replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-Djava.awt.headless=true",
                // the broker's log lines carry their time; none at debug
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
                "@" + argFile,
                KafkaBrokerMain.class.getName(), properties.toString(), clusterId));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                // a file, not a pipe: nobody has to drain it, and it is there after the process is gone
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        pb.environment().remove("KAFKA_OPTS");
        process = pb.start();
        try {
            awaitReady();
        } catch (RuntimeException | IOException e) {
            String tail = ServerFiles.tail(log, 30);
            killQuietly();
            throw new IOException("the Kafka broker on 127.0.0.1:" + port + " did not start: " + e.getMessage()
                    + "\nbroker log:\n" + tail, e);
        }
    }

    private void awaitReady() throws IOException {
        Process p = process;
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        // first the listener (cheap, and tells a process that died at once)
        await("the Kafka broker listening on 127.0.0.1:" + port).atMost(READY_TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    if (!p.isAlive()) {
                        throw new IOException("the broker exited with code " + p.exitValue()
                                + (ServerFiles.tail(log, 30).contains("Address already in use") ? " (Address already in use)" : ""));
                    }
                    return accepts(port);
                });
        // then a client's view: the node in the cluster metadata, i.e. registered and unfenced
        long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(left, Integer.MAX_VALUE)))) {
            List<Node> nodes = new ArrayList<>(admin.describeCluster().nodes().get(left, TimeUnit.MILLISECONDS));
            if (nodes.isEmpty()) {
                throw new IOException("the broker answered with no node");
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the broker did not answer a describeCluster within " + READY_TIMEOUT.toSeconds()
                    + " s: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private void awaitPortsFree() {
        await("ports " + port + " and " + controllerPort + " free again").atMost(STOP_TIMEOUT)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> bindable(port) && bindable(controllerPort));
    }

    /** The process killed by its PID (SIGKILL), and waited for. */
    private void killQuietly() {
        Process p = process;
        if (p == null) {
            return;
        }
        if (p.isAlive()) {
            p.destroyForcibly();
            try {
                p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        process = null;
    }

    /** target/test-classes (KafkaBrokerMain) and the jars of target/kafka-broker.classpath: the tests' classpath. */
    public static String childClasspath() throws IOException {
        Path testClasses;
        try {
            testClasses = Path.of(KafkaBrokerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IOException("where KafkaBrokerMain was loaded from", e);
        }
        Path file = testClasses.getParent().resolve(CLASSPATH_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IOException(file + " is missing: it is written by mvn generate-test-resources "
                    + "(maven-dependency-plugin, execution kafka-broker-classpath)");
        }
        return testClasses + java.io.File.pathSeparator + Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean bindable(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
