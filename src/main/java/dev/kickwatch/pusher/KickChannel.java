package dev.kickwatch.pusher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** One watched Kick channel ({@code slug:chatroomId[:channelId]}) and the Pusher channels it is heard on. */
public record KickChannel(String slug, long chatroomId, Long channelId) {

    private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** Parses {@code kick.channels}; every bad entry is reported in one line naming the property. */
    public static List<KickChannel> parseList(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("kick.channels (KICK_CHANNELS) is empty: give slug:chatroomId[:channelId], comma separated");
        }
        List<KickChannel> out = new ArrayList<>();
        for (String raw : text.split(",")) {
            String entry = raw.trim();
            if (!entry.isEmpty()) {
                out.add(parse(entry));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("kick.channels (KICK_CHANNELS) has no entries: give slug:chatroomId[:channelId], comma separated");
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
                + "' is not slug:chatroomId[:channelId] with positive numeric ids");
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
