package dev.kickwatch.support;

import kafka.tools.StorageTool;

/**
 * The main class of {@link KafkaBroker}'s child JVM: formats the storage (what {@code kafka-storage.sh format} does;
 * skipped when the directory was formatted by an earlier start), then runs the broker as {@code kafka-server-start.sh}
 * does, until SIGTERM. One JVM start for both: a broker is up in a few seconds.
 *
 * <p>Arguments: the server.properties file and the cluster id.
 */
public final class KafkaBrokerMain {

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: KafkaBrokerMain <server.properties> <cluster id>");
            System.exit(2);
        }
        int formatted = StorageTool.execute(new String[] {"format", "--config", args[0], "--cluster-id", args[1],
                "--ignore-formatted"}, System.out);
        if (formatted != 0) {
            System.err.println("kafka-storage format failed with exit code " + formatted);
            System.exit(1);
        }
        kafka.Kafka.main(new String[] {args[0]});
    }
}
