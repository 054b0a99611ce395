package dev.kickwatch;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.kickwatch.pusher.KickChannel;
import dev.kickwatch.cluster.KickwatchRole;
import dev.kickwatch.webhook.KickSource;
import org.apache.camel.spi.PropertiesComponent;

/**
 * What kickwatch is about to do, in a few lines at start-up: the channels it watches, where notifications and rows
 * go, the data directory, the management port, the profile. URLs are shown by host (and, for the DB, the table's
 * path) only: a webhook's path is its token, a query may carry a key.
 */
final class StartupSummary {

    /** kick.channels as shipped: the example channel, watched when nobody chose channels. */
    static final String EXAMPLE_CHANNELS = "xqc:668";

    private StartupSummary() {
    }

    static List<String> lines(PropertiesComponent pc, String profile) {
        List<String> out = new ArrayList<>();
        out.add(Application.version() + ", profile " + (profile == null || profile.isBlank() ? "(none)" : profile));
        try {
            List<String> slugs = KickChannel.slugs(get(pc, "kick.channels", "")); // bare slugs too: looked up later
            out.add("  Kick:     " + slugs.size() + (slugs.size() == 1 ? " channel" : " channels") + " ("
                    + String.join(", ", slugs.size() > 10 ? slugs.subList(0, 10) : slugs) + (slugs.size() > 10 ? ", …" : "")
                    + ") from " + source(pc));
        } catch (IllegalArgumentException e) {
            out.add("  Kick:     kick.channels is not valid (the error follows)");
        }
        String kafka = get(pc, "kafka.bootstrap-servers", "");
        if (!kafka.isBlank()) {
            String cluster = get(pc, "kickwatch.cluster", "kickwatch").trim();
            String role;
            try {
                role = KickwatchRole.of(get(pc, "kickwatch.role", "all")).toString();
            } catch (IllegalArgumentException e) {
                role = "? (kickwatch.role is not valid: the error follows)";
            }
            out.add("  Kafka:    cluster " + cluster + " at " + kafka.trim() + ", role " + role + ": events to topic " + cluster
                    + ".events, the sinks take them as group " + cluster + "-sinks");
        }
        String webhook = get(pc, "discord.webhook.url", "");
        out.add("  Discord:  " + (webhook.isBlank() ? "the console (no discord.webhook.url)" : "webhook at " + host(webhook))
                + "; events " + orNone(get(pc, "discord.events", "")) + "; chat " + get(pc, "discord.chat", "match"));
        String db = get(pc, "db.url", "");
        String dataDir = get(pc, "kickwatch.data-dir", "./data");
        String jdbc = get(pc, "db.jdbc-url", "");
        String where;
        if (!db.isBlank()) {
            where = "PostgREST at " + hostAndPath(db);
        } else if (!jdbc.isBlank()) {
            where = "PostgreSQL at " + hostAndPath(jdbc.replaceFirst("^jdbc:", "")) + " (JDBC), table kick_events";
        } else if ("jsonl".equalsIgnoreCase(get(pc, "db.local", "sqlite"))) {
            where = "the local file " + Path.of(dataDir, "events.jsonl") + " (no db.url or db.jdbc-url; db.local = jsonl)";
        } else {
            where = "SQLite " + Path.of(dataDir, "events.db") + " (no db.url or db.jdbc-url)";
        }
        out.add("  DB:       " + where + "; events " + get(pc, "db.events", "all"));
        out.add("  data:     " + dataDir + " (journals of undelivered events, breaker state)");
        boolean management = Boolean.parseBoolean(get(pc, "camel.management.enabled", "false"));
        out.add("  health:   " + (management ? "port " + get(pc, "camel.management.port", "?")
                + ", /observe/health and /observe/metrics"
                + (Boolean.parseBoolean(get(pc, "kickwatch.status.enabled", "true")) ? "; status page /" : "")
                : "off (camel.management.enabled)"));
        return out;
    }

    /** Where events come from (kick.source): the socket's host, the webhook listener, or both. */
    private static String source(PropertiesComponent pc) {
        KickSource source;
        try {
            source = KickSource.of(get(pc, "kick.source", "pusher"));
        } catch (IllegalArgumentException e) {
            return "? (kick.source is not valid: the error follows)";
        }
        String socket = host(get(pc, "kick.pusher.url", ""));
        String webhooks = "Kick's webhooks on port " + get(pc, "kick.webhook.port", "?") + ", POST "
                + get(pc, "kick.webhook.path", "?") + (get(pc, "kick.api.client-id", "").isBlank() ? " (subscriptions made by hand)"
                : " (subscriptions kept by kickwatch)");
        return switch (source) {
            case PUSHER -> socket;
            case WEBHOOK -> webhooks;
            case BOTH -> socket + " and " + webhooks;
        };
    }

    /** True when nobody chose channels: neither KICK_CHANNELS nor a kick.channels other than the example. */
    static boolean exampleChannel(PropertiesComponent pc, Map<String, String> env) {
        return env.get("KICK_CHANNELS") == null && EXAMPLE_CHANNELS.equals(get(pc, "kick.channels", ""));
    }

    private static String orNone(String list) {
        return list.isBlank() ? "(none)" : list;
    }

    private static String get(PropertiesComponent pc, String key, String orElse) {
        return pc.resolveProperty(key).orElse(orElse).trim();
    }

    /** {@code wss://ws-us2.pusher.com/app/…} → {@code ws-us2.pusher.com}; never the path or the query. */
    static String host(String url) {
        return hostAndPath(url, false);
    }

    /** The host and path of a PostgREST table URL (the table is no secret), without user info or query. */
    static String hostAndPath(String url) {
        return hostAndPath(url, true);
    }

    private static String hostAndPath(String url, boolean withPath) {
        try {
            URI u = URI.create(url);
            if (u.getHost() == null) {
                return "(not a URL)";
            }
            return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "")
                    + (withPath && u.getRawPath() != null ? u.getRawPath() : "");
        } catch (IllegalArgumentException e) {
            return "(not a URL)";
        }
    }
}
