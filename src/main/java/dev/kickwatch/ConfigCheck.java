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
            "chatroom.cleared", "kicks.gifted", "channel.reward.redeemed", "unknown");

    private final PropertiesComponent pc;

    ConfigCheck(PropertiesComponent pc) {
        this.pc = pc;
    }

    void run() {
        dataDir();
        if (pc.resolveProperty("camel.management.enabled").map(v -> Boolean.parseBoolean(v.trim())).orElse(false)) {
            String port = pc.resolveProperty("camel.management.port").orElse("").trim();
            if (!port.isEmpty()) {
                portFree("camel.management.port", Integer.parseInt(port));
            }
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
