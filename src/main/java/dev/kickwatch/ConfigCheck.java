package dev.kickwatch;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.kickwatch.cluster.KickwatchRole;
import dev.kickwatch.webhook.KickSource;
import dev.kickwatch.webhook.WebhookEventNormalizer;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Start-up checks of the settings: numbers that no single bean sees together, the data directory, the ports our
 * servers will listen on. Each failure is one line naming the property and its environment variable; nothing starts.
 */
public final class ConfigCheck {

    /** The normalized event types (README, "Events"). */
    static final Set<String> TYPES = Set.of("chat.message.sent", "chat.message.deleted", "moderation.banned",
            "moderation.unbanned", "channel.subscription.new", "channel.subscription.gifts", "channel.followed",
            "livestream.status.updated", "channel.hosted", "chat.message.pinned", "chat.poll.updated", "chatroom.updated",
            "chatroom.cleared", "kicks.gifted", "channel.reward.redeemed", "unknown",
            // only from Kick's official webhooks (kick.source webhook or both)
            "channel.subscription.renewal", "livestream.metadata.updated", "channel.reward.redemption.updated");

    private final PropertiesComponent pc;

    ConfigCheck(PropertiesComponent pc) {
        this.pc = pc;
    }

    void run() {
        dataDir();
        String managementPort = "";
        if (pc.resolveProperty("camel.management.enabled").map(v -> Boolean.parseBoolean(v.trim())).orElse(false)) {
            managementPort = pc.resolveProperty("camel.management.port").orElse("").trim();
            if (!managementPort.isEmpty()) {
                portFree("camel.management.port", Integer.parseInt(managementPort));
            }
        }
        webhook(managementPort);
        KickwatchRole role = KickwatchRole.of(pc.resolveProperty("kickwatch.role").orElse("all"));
        if (role != KickwatchRole.ALL && pc.resolveProperty("kafka.bootstrap-servers").orElse("").isBlank()) {
            throw new IllegalArgumentException(name("kickwatch.role") + " is " + role + ", which needs a Kafka cluster, but "
                    + name("kafka.bootstrap-servers") + " is empty: set it, or use kickwatch.role all");
        }
        for (String sink : new String[] { "discord", "db" }) {
            long connect = positive(sink + ".http.connect-timeout");
            long response = positive(sink + ".http.response-timeout");
            long breaker = positive(sink + ".cb.timeout");
            positive(sink + ".cb.failures");
            positive(sink + ".cb.open-seconds");
            positive(sink + ".queue-size");
            if (response >= breaker || connect >= breaker) {
                throw new IllegalArgumentException(name(sink + ".http.response-timeout") + " and " + name(sink + ".http.connect-timeout")
                        + " must be shorter than " + name(sink + ".cb.timeout") + " so that no request outlives its breaker");
            }
        }
        positive("kickwatch.queue.size");
        positive("discord.rate.requests");
        positive("discord.rate.period");
        positive("discord.max-age");
        long batch = positive("db.batch.size");
        if (batch > 1000) {
            throw new IllegalArgumentException(name("db.batch.size") + " must be at most 1000, got " + batch);
        }
        long waiting = positive("db.batch.waiting");
        if (waiting > 10) { // each may hold db.batch.size rows in memory
            throw new IllegalArgumentException(name("db.batch.waiting") + " must be at most 10, got " + waiting);
        }
        knownTypes("discord.events", pc.resolveProperty("discord.events").orElse(""));
        String dbEvents = pc.resolveProperty("db.events").orElse("all").trim().toLowerCase(Locale.ROOT);
        if (!dbEvents.equals("all")) {
            knownTypes("db.events", dbEvents);
        }
        List<String> missing = new ArrayList<>();
        List<String> sinks = new ArrayList<>();
        for (String sink : pc.resolveProperty("kickwatch.required-sinks").orElse("").split(",")) {
            String s = sink.trim().toLowerCase(Locale.ROOT);
            String urlKey = switch (s) {
                case "" -> null;
                case "discord" -> "discord.webhook.url";
                case "db" -> "db.url";
                default -> throw new IllegalArgumentException(name("kickwatch.required-sinks")
                        + ": unknown sink '" + s + "'; known: discord, db");
            };
            boolean jdbc = "db".equals(s) && !pc.resolveProperty("db.jdbc-url").orElse("").isBlank();
            if (urlKey != null && !jdbc && pc.resolveProperty(urlKey).orElse("").isBlank()) {
                missing.add("db".equals(s) ? name(urlKey) + " / " + name("db.jdbc-url") : name(urlKey));
                sinks.add(s);
            }
        }
        if (!missing.isEmpty()) { // every missing setting in one line, not one per start
            throw new IllegalArgumentException(String.join(" and ", missing) + (missing.size() == 1 ? " is" : " are")
                    + " empty, but " + name("kickwatch.required-sinks") + " requires the " + String.join(" and ", sinks)
                    + (sinks.size() == 1 ? " sink" : " sinks"));
        }
        if (!pc.resolveProperty("db.url").orElse("").isBlank() && !pc.resolveProperty("db.jdbc-url").orElse("").isBlank()) {
            throw new IllegalArgumentException(name("db.url") + " and " + name("db.jdbc-url") + " are both set: rows go to one "
                    + "database; keep the one you mean");
        }
        long dbBreaker = positive("db.cb.timeout");
        if (positive("db.jdbc.connect-timeout") >= dbBreaker || positive("db.jdbc.statement-timeout") >= dbBreaker) {
            throw new IllegalArgumentException(name("db.jdbc.statement-timeout") + " and " + name("db.jdbc.connect-timeout")
                    + " must be shorter than " + name("db.cb.timeout") + " so that no statement outlives its breaker");
        }
        String chat = pc.resolveProperty("discord.chat").orElse("match").trim().toLowerCase(Locale.ROOT);
        if (!Set.of("all", "off", "match", "").contains(chat)) {
            throw new IllegalArgumentException(name("discord.chat") + " must be all, off or match, got '" + chat + "'");
        }
    }

    /** kick.source, and with the webhook listener its port (free, not the management port), path and credentials. */
    private void webhook(String managementPort) {
        if (!KickSource.of(pc.resolveProperty("kick.source").orElse("pusher")).listens()) {
            return;
        }
        long port = positive("kick.webhook.port");
        if (String.valueOf(port).equals(managementPort)) {
            throw new IllegalArgumentException(name("kick.webhook.port") + " and " + name("camel.management.port") + " are both "
                    + port + ": Kick's webhooks come in on a public port, health and metrics stay on their own; give them two ports");
        }
        portFree("kick.webhook.port", (int) port);
        String path = pc.resolveProperty("kick.webhook.path").orElse("").trim();
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException(name("kick.webhook.path") + " must start with /, got '" + path + "'");
        }
        positive("kick.webhook.max-body-size");
        positive("kick.api.check-interval");
        positive("kick.api.timeout");
        boolean id = !pc.resolveProperty("kick.api.client-id").orElse("").isBlank();
        boolean secret = !pc.resolveProperty("kick.api.client-secret").orElse("").isBlank();
        if (id != secret) {
            throw new IllegalArgumentException((id ? "KICK_CLIENT_SECRET (kick.api.client-secret) is empty"
                    : "KICK_CLIENT_ID (kick.api.client-id) is empty") + ": subscriptions are managed with both, or neither");
        }
        if (id) {
            List<String> unknown = new ArrayList<>();
            for (String e : pc.resolveProperty("kick.api.events").orElse("").split(",")) {
                if (!e.isBlank() && !WebhookEventNormalizer.TYPES.contains(e.trim())) {
                    unknown.add(e.trim());
                }
            }
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException(name("kick.api.events") + ": unknown official event type" + (unknown.size() == 1 ? " " : "s ")
                        + String.join(", ", unknown) + "; known: " + String.join(", ", WebhookEventNormalizer.TYPES));
            }
        }
    }

    /** The journals (what a sink could not take yet) live in the data directory: it must be writable at start. */
    private void dataDir() {
        String dir = pc.resolveProperty("kickwatch.data-dir").orElse("./data").trim();
        try {
            Path d = Files.createDirectories(Path.of(dir));
            Files.delete(Files.createTempFile(d, ".write-check", ".tmp"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(name("kickwatch.data-dir") + ": " + dir + " is not a writable directory ("
                    + e.getClass().getSimpleName() + "); the journals of undelivered events are kept there");
        }
    }

    /**
     * A port one of kickwatch's servers will listen on is free now: else one line naming the setting, instead of a
     * stack trace and a relay that runs on without it.
     */
    public static void portFree(String key, int port) {
        if (port <= 0) {
            return; // 0: any free port
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true); // a socket of an earlier run in TIME_WAIT does not count
            s.bind(new InetSocketAddress(port));
        } catch (IOException e) {
            throw new IllegalArgumentException(name(key) + ": port " + port + " is in use by another process; stop it or "
                    + "choose another port");
        }
    }

    private static void knownTypes(String key, String list) {
        for (String t : list.split(",")) {
            String type = t.trim().toLowerCase(Locale.ROOT);
            if (!type.isEmpty() && !TYPES.contains(type)) {
                throw new IllegalArgumentException(name(key) + ": unknown event type '" + type + "'; known: "
                        + String.join(", ", new java.util.TreeSet<>(TYPES)));
            }
        }
    }

    private long positive(String key) {
        String raw = pc.resolveProperty(key).orElse(null);
        if (raw == null) {
            return 1; // not configured here: the route's own default applies
        }
        long v;
        try {
            v = Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name(key) + " must be a whole number, got '" + raw.trim() + "'");
        }
        if (v <= 0) {
            throw new IllegalArgumentException(name(key) + " must be positive, got " + v);
        }
        return v;
    }

    static String name(String key) {
        return key + " (" + UnknownSettings.envName(key) + ")";
    }
}
