package dev.kickwatch;

import java.util.Locale;
import java.util.Set;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Start-up checks of the numbers in application.properties that no single bean sees together. Each failure is one
 * line naming the property and its environment variable; nothing starts.
 */
final class ConfigCheck {

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
        for (String sink : pc.resolveProperty("kickwatch.required-sinks").orElse("").split(",")) {
            String s = sink.trim().toLowerCase(Locale.ROOT);
            String urlKey = switch (s) {
                case "" -> null;
                case "discord" -> "discord.webhook.url";
                case "db" -> "db.url";
                default -> throw new IllegalArgumentException(name("kickwatch.required-sinks")
                        + ": unknown sink '" + s + "'; known: discord, db");
            };
            if (urlKey != null && pc.resolveProperty(urlKey).orElse("").isBlank()) {
                throw new IllegalArgumentException(name(urlKey) + " is empty, but " + name("kickwatch.required-sinks")
                        + " requires the " + s + " sink");
            }
        }
        String chat = pc.resolveProperty("discord.chat").orElse("match").trim().toLowerCase(Locale.ROOT);
        if (!Set.of("all", "off", "match", "").contains(chat)) {
            throw new IllegalArgumentException(name("discord.chat") + " must be all, off or match, got '" + chat + "'");
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
        return key + " (" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') + ")";
    }
}
