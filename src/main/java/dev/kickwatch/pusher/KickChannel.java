package dev.kickwatch.pusher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One watched Kick channel ({@code slug:chatroomId[:channelId]}, or a bare {@code slug} whose ids are looked up at
 * start-up: {@link ChannelResolver}) and the Pusher channels it is heard on.
 */
public record KickChannel(String slug, long chatroomId, Long channelId) {

    private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Parses {@code kick.channels}; every bad entry is reported in one line naming the property. */
    public static List<KickChannel> parseList(String text) {
        return parseList(text, Map.of());
    }

    /**
     * Parses {@code kick.channels}, taking the ids of entries given as a bare slug ({@code xqc}) from {@code resolved}
     * (by lower-case slug); a bare slug not in it is a bad entry.
     */
    public static List<KickChannel> parseList(String text, Map<String, KickChannel> resolved) {
        List<KickChannel> out = new ArrayList<>();
        for (String entry : entries(text)) {
            if (!entry.contains(":") && SLUG.matcher(entry).matches()) {
                KickChannel c = resolved.get(entry.toLowerCase(Locale.ROOT));
                if (c == null) {
                    throw new IllegalArgumentException("kick.channels (KICK_CHANNELS): entry '" + entry
                            + "' has no ids and was not looked up; give slug:chatroomId[:channelId]");
                }
                out.add(c);
            } else {
                out.add(parse(entry));
            }
        }
        return out;
    }

    /**
     * The entries of {@code kick.channels} given as a bare slug (lower case, in order), to be looked up; the other
     * entries are checked as {@link #parseList} checks them, so a bad list fails before anything is looked up.
     */
    public static List<String> bareSlugs(String text) {
        List<String> out = new ArrayList<>();
        for (String entry : entries(text)) {
            if (!entry.contains(":") && SLUG.matcher(entry).matches()) {
                String slug = entry.toLowerCase(Locale.ROOT);
                if (!out.contains(slug)) {
                    out.add(slug);
                }
            } else {
                parse(entry);
            }
        }
        return out;
    }

    /** The slugs of {@code kick.channels}, with or without ids, in order (for the start-up summary). */
    public static List<String> slugs(String text) {
        List<String> out = new ArrayList<>();
        for (String entry : entries(text)) {
            out.add(!entry.contains(":") && SLUG.matcher(entry).matches() ? entry.toLowerCase(Locale.ROOT) : parse(entry).slug());
        }
        return out;
    }

    /** A Kick channel slug: letters, digits, - and _, at most 64. */
    public static boolean isSlug(String text) {
        return text != null && SLUG.matcher(text).matches();
    }

    private static List<String> entries(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("kick.channels (KICK_CHANNELS) is empty: give slug:chatroomId[:channelId] "
                    + "or a bare slug, comma separated");
        }
        List<String> out = new ArrayList<>();
        for (String raw : text.split(",")) {
            String entry = raw.trim();
            if (!entry.isEmpty()) {
                out.add(entry);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("kick.channels (KICK_CHANNELS) has no entries: give slug:chatroomId[:channelId] "
                    + "or a bare slug, comma separated");
        }
        return out;
    }

    static KickChannel parse(String entry) {
        String[] parts = entry.split(":", -1);
        if (parts.length < 2 || parts.length > 3 || !SLUG.matcher(parts[0]).matches()) {
            throw bad(entry);
        }
        try {
            long chatroom = Long.parseLong(parts[1].trim());
            Long channel = parts.length == 3 && !parts[2].isBlank() ? Long.parseLong(parts[2].trim()) : null;
            if (chatroom <= 0 || (channel != null && channel <= 0)) {
                throw bad(entry);
            }
            return new KickChannel(parts[0].toLowerCase(Locale.ROOT), chatroom, channel);
        } catch (NumberFormatException e) {
            throw bad(entry);
        }
    }

    private static IllegalArgumentException bad(String entry) {
        return new IllegalArgumentException("kick.channels (KICK_CHANNELS): entry '" + entry
                + "' is not slug:chatroomId[:channelId] with positive numeric ids, nor a bare slug");
    }

    /**
     * Expands the templates ({@code {chatroomId}}, {@code {channelId}}, {@code {slug}}) into Pusher channel names,
     * keyed by Pusher channel. Templates that need a channel id are skipped when it is unknown.
     */
    public static Map<String, KickChannel> pusherChannels(List<KickChannel> channels, String templates) {
        Map<String, KickChannel> out = new LinkedHashMap<>();
        for (KickChannel c : channels) {
            for (String raw : templates.split(",")) {
                String t = raw.trim();
                if (t.isEmpty() || (t.contains("{channelId}") && c.channelId() == null)) {
                    continue;
                }
                String name = t.replace("{chatroomId}", Long.toString(c.chatroomId()))
                        .replace("{channelId}", String.valueOf(c.channelId()))
                        .replace("{slug}", c.slug());
                if (name.contains("{") || name.contains("}")) {
                    throw new IllegalArgumentException("kick.pusher.channel-templates (KICK_PUSHER_CHANNEL_TEMPLATES): unknown placeholder in '"
                            + t + "'; use {chatroomId}, {channelId} or {slug}");
                }
                out.putIfAbsent(name, c);
            }
        }
        return out;
    }
}
