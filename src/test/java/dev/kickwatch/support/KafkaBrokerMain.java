package dev.kickwatch.support;

import java.nio.file.Path;

import kafka.tools.StorageTool;

/**
 * The main class of {@link KafkaBroker}'s child JVM: formats the storage (what {@code kafka-storage.sh format} does;
 * skipped when the directory was formatted by an earlier start), then runs the broker as {@code kafka-server-start.sh}
 * does, until SIGTERM. One JVM start for both: a broker is up in a few seconds.
 *
 * <p>Arguments: the server.properties file and the cluster id. The broker stops by itself when the JVM that started
 * it is gone.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster id>");
            System.exit(2);
        }
        // the test JVM that started this broker gone (killed, or cut short by a CI time-out): this broker goes too,
        // so that no run leaves a broker behind, whatever happened to KafkaBroker.close()
        // (and its directory, which close() would have deleted)
        Path dir = Path.of(args[0]).toAbsolutePath().getParent();
        ProcessHandle.current().parent().ifPresent(parent -> parent.onExit().thenRun(() -> {
            System.err.println("KafkaBrokerMain: the test JVM (PID " + parent.pid() + ") is gone; stopping");
            try {
                ServerFiles.deleteTree(dir);
            } catch (RuntimeException e) {
                // halting anyway
            }
            Runtime.getRuntime().halt(3);
        }));
        int formatted = StorageTool.execute(new String[] {"format", "--config", args[0], "--cluster-id", args[1],
                "--ignore-formatted"}, System.out);
        if (formatted != 0) {
            System.err.println("kafka-storage format failed with exit code " + formatted);
            System.exit(1);
        }
        kafka.Kafka.main(new String[] {args[0]});
    }
}
