package dev.kickwatch.cluster;

import java.util.Locale;

/**
 * What one process of a Kafka cluster does ({@code kickwatch.role}): watch Kick and publish its events ({@code ingest}),
 * take them from the topic and deliver them ({@code sinks}), or both ({@code all}, the default). Without Kafka it is
 * always {@code all}.
 */
public enum KickwatchRole {
    ALL, INGEST, SINKS;

    /** One line naming the setting when the value is none of the three. */
    public static KickwatchRole of(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "", "all" -> ALL;
            case "ingest" -> INGEST;
            case "sinks" -> SINKS;
            default -> throw new IllegalArgumentException("kickwatch.role (KICKWATCH_ROLE) must be all, ingest or sinks, not '"
                    + value.trim() + "'");
        };
    }

    /** Watches Kick (socket, webhooks) and publishes to the events topic. */
    public boolean ingests() {
        return this != SINKS;
    }

    /** Consumes the events topic and delivers to Discord and the DB. */
    public boolean delivers() {
        return this != INGEST;
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
