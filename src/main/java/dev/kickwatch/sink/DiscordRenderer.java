package dev.kickwatch.sink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.KickEventNormalizer;
import dev.kickwatch.event.TypeFilter;
import dev.kickwatch.event.Times;
import org.apache.camel.Exchange;
import org.apache.camel.Predicate;

/**
 * Decides which events reach Discord and renders each as one embed within Discord's limits, always with
 * {@code allowed_mentions} so relayed text can never ping anyone (Discord's limits: 10 embeds, 6,000 characters a message).
 */
public class DiscordRenderer implements Predicate {

    static final int TITLE_MAX = 256;
    static final int DESCRIPTION_MAX = 4096;
    static final int FIELD_VALUE_MAX = 1024;
    static final int NAME_MAX = 256;
    static final int MAX_EMBEDS = 10;
    static final int TOTAL_MAX = 6000;
    private static final Pattern CONTROL = Pattern.compile("[\\p{Cntrl}\\u2028\\u2029]");
    private static final Pattern EMOTE = Pattern.compile("\\[emote:(\\d+):([^\\]\\s]{1,64})\\]");
    private static final Pattern MARKDOWN = Pattern.compile("([\\\\*_~`|>\\[\\]()#:<-])");

    private static final ObjectMapper JSON = new ObjectMapper();

    private Set<String> events = Set.of();
    private String chat = "match";
    private Set<String> keywords = Set.of();
    private Set<String> chatUsers = Set.of();
    private Set<String> ignoreUsers = Set.of();
    private String liveRoleId = "";
    private boolean offline = true;

    /** True when the event should be sent to Discord under the configured filters. */
    /** The dispatch route's filter: whether Discord wants the event in the body. */
    @Override
    public boolean matches(Exchange exchange) {
        return wanted(exchange.getMessage().getBody(KickEvent.class));
    }

    public boolean wanted(KickEvent e) {
        if (e.getUsername() != null && ignoreUsers.contains(e.getUsername().toLowerCase(Locale.ROOT))) {
            return false;
        }
        if ("chat.message.sent".equals(e.getType())) {
            String text = e.getContent() == null ? "" : e.getContent();
            if (text.startsWith("!")) {
                return false;
            }
            return switch (chat) {
                case "all" -> true;
                case "off" -> false;
                default -> (e.getUsername() != null && chatUsers.contains(e.getUsername().toLowerCase(Locale.ROOT)))
                        || matchesKeyword(text);
            };
        }
        if (!offline && "livestream.status.updated".equals(e.getType()) && !isLive(e)) {
            return false;
        }
        return events.contains(e.getType());
    }

    private boolean matchesKeyword(String text) {
        if (keywords.isEmpty()) {
            return false;
        }
        for (String word : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}_]+")) {
            if (keywords.contains(word)) {
                return true;
            }
        }
        return false;
    }

    /** The execute-webhook JSON body for one event. */
    public String render(KickEvent e) {
        return renderBatch(List.of(e));
    }

    /**
     * The Discord messages of a batch, in order: one, or more when its embeds (rendered when they were batched)
     * exceed Discord's 10 embeds or 6,000 characters together.
     */
    public List<DiscordMessage> messages(DiscordBatch batch) {
        List<KickEvent> events = batch.events();
        List<ObjectNode> embeds = batch.embeds();
        List<DiscordMessage> out = new ArrayList<>(1);
        int from = 0;
        int chars = 0;
        for (int i = 0; i < embeds.size(); i++) {
            int c = embedChars(embeds.get(i));
            if (i > from && (i - from >= MAX_EMBEDS || chars + c > TOTAL_MAX)) {
                out.add(message(events.subList(from, i), embeds.subList(from, i)));
                from = i;
                chars = 0;
            }
            chars += c;
        }
        if (from < embeds.size()) {
            out.add(message(events.subList(from, embeds.size()), embeds.subList(from, embeds.size())));
        }
        return out;
    }

    /** The journal lines of a batch that was not delivered: its messages, as {@link DiscordMessage#journalLine()}. */
    public List<String> journalLines(DiscordBatch batch) {
        return messages(batch).stream().map(DiscordMessage::journalLine).toList();
    }

    /** A message made of the first {@code count} journaled messages. */
    public record Packed(DiscordMessage message, int count) {
    }

    /**
     * Journaled messages, oldest first, packed into one message as far as Discord's limits allow (10 embeds, 6,000
     * characters), so a journal drains at up to 10 notifications per request. A message with a role mention is sent
     * on its own. The first message is always taken.
     */
    public Packed pack(List<DiscordMessage> messages) {
        ObjectNode first;
        try {
            first = (ObjectNode) JSON.readTree(messages.get(0).json());
        } catch (Exception e) {
            return new Packed(messages.get(0), 1);
        }
        ArrayNode embeds = first.withArray("embeds");
        int chars = 0;
        for (JsonNode e : embeds) {
            chars += embedChars((ObjectNode) e);
        }
        long oldest = messages.get(0).oldestMs();
        int count = 1;
        if (!first.has("content")) {
            for (; count < messages.size(); count++) {
                JsonNode next;
                try {
                    next = JSON.readTree(messages.get(count).json());
                } catch (Exception e) {
                    break;
                }
                JsonNode more = next.path("embeds");
                int moreChars = 0;
                for (JsonNode e : more) {
                    moreChars += e instanceof ObjectNode o ? embedChars(o) : TOTAL_MAX;
                }
                if (next.has("content") || !more.isArray() || embeds.size() + more.size() > MAX_EMBEDS
                        || chars + moreChars > TOTAL_MAX) {
                    break;
                }
                embeds.addAll((ArrayNode) more);
                chars += moreChars;
                oldest = Math.min(oldest, messages.get(count).oldestMs());
            }
        }
        return new Packed(count == 1 ? messages.get(0) : new DiscordMessage(first.toString(), oldest), count);
    }

    private DiscordMessage message(List<KickEvent> events, List<ObjectNode> embeds) {
        return new DiscordMessage(body(events, embeds), oldest(events));
    }

    /** One webhook body with one embed per event; a live alert in the batch carries the configured role mention. */
    public String renderBatch(List<KickEvent> events) {
        List<ObjectNode> embeds = new ArrayList<>(events.size());
        for (KickEvent e : events) {
            embeds.add(embed(e));
        }
        return body(events, embeds);
    }

    private String body(List<KickEvent> events, List<ObjectNode> embeds) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ObjectNode mentions = body.putObject("allowed_mentions");
        mentions.putArray("parse");
        boolean live = events.stream().anyMatch(DiscordRenderer::isLive);
        if (live && !liveRoleId.isBlank()) {
            body.put("content", "<@&" + liveRoleId + ">");
            mentions.putArray("roles").add(liveRoleId);
        }
        body.putArray("embeds").addAll(embeds);
        return body.toString();
    }

    /** The oldest event time of a batch, epoch milliseconds, for the journal's age check. */
    public long oldest(List<KickEvent> events) {
        long t = Long.MAX_VALUE;
        for (KickEvent e : events) {
            Instant i = e.getCreatedAt() == null ? null : Times.parse(e.getCreatedAt());
            if (i != null) {
                t = Math.min(t, i.toEpochMilli());
            }
        }
        return t == Long.MAX_VALUE ? System.currentTimeMillis() : t;
    }

    ObjectNode embed(KickEvent e) {
        ObjectNode embed = JsonNodeFactory.instance.objectNode();
        embed.put("title", cut(title(e), TITLE_MAX));
        String description = description(e);
        if (description != null && !description.isBlank()) {
            embed.put("description", cut(description, DESCRIPTION_MAX));
        }
        if (e.getChannel() != null) {
            embed.put("url", "https://kick.com/" + e.getChannel());
        }
        embed.put("color", color(e));
        if (e.getCreatedAt() != null) {
            embed.put("timestamp", e.getCreatedAt());
        }
        if (e.getUsername() != null && !e.getUsername().isBlank()) {
            embed.putObject("author").put("name", cut(e.getUsername(), NAME_MAX));
        }
        ArrayNode fields = embed.putArray("fields");
        addFields(e, fields);
        if (fields.isEmpty()) {
            embed.remove("fields");
        }
        embed.putObject("footer").put("text", "kick.com/" + e.getChannel() + " · " + e.getType());
        return embed;
    }

    /** The characters Discord counts toward the 6,000 limit of a message. */
    static int embedChars(ObjectNode embed) {
        int n = embed.path("title").asText("").length() + embed.path("description").asText("").length()
                + embed.path("footer").path("text").asText("").length() + embed.path("author").path("name").asText("").length();
        for (JsonNode f : embed.path("fields")) {
            n += f.path("name").asText("").length() + f.path("value").asText("").length();
        }
        return n;
    }

    /** The journal line for one event that could not even be queued. */
    public String journalLineOf(KickEvent event) {
        return Journal.envelope(render(event), oldest(List.of(event)));
    }

    /** One readable line for the console sink (no webhook configured); the text is shown as Kick sent it. */
    public String consoleLine(KickEvent e) {
        String text = description(e) == null ? "" : emotes(e.getContent());
        String line = "[kick.com/" + e.getChannel() + "] " + title(e) + (text.isBlank() ? "" : ": " + text);
        return CONTROL.matcher(line).replaceAll(" "); // one log line per event, whatever the chat text holds
    }

    private static boolean isLive(KickEvent e) {
        return "livestream.status.updated".equals(e.getType()) && "StreamerIsLive".equals(e.getPusherEvent());
    }

    private String title(KickEvent e) {
        String who = e.getUsername() == null || e.getUsername().isBlank() ? "someone" : e.getUsername();
        JsonNode p = e.getPayload();
        return switch (e.getType()) {
            case "chat.message.sent" -> "💬 " + who;
            case "chat.message.deleted" -> "🗑️ A message was deleted";
            case "channel.subscription.new" -> "⭐ " + who + " subscribed";
            case "channel.subscription.gifts" -> "🎁 " + who + " gifted " + giftCount(p) + " sub" + (giftCount(p) == 1 ? "" : "s");
            case "livestream.status.updated" -> isLive(e) ? "🔴 " + e.getChannel() + " is live" : "⚫ " + e.getChannel() + " went offline";
            case "moderation.banned" -> p.path("permanent").asBoolean(false)
                    ? "🔨 " + who + " was banned"
                    : "⏱️ " + who + " was timed out" + (p.hasNonNull("duration") ? " for " + p.get("duration").asText() + " min" : "");
            case "moderation.unbanned" -> "🕊️ " + who + " was unbanned";
            case "channel.hosted" -> "📣 " + who + " is hosting";
            case "kicks.gifted" -> "💚 " + who + " sent " + p.path("gift").path("amount").asText("?") + " Kicks";
            case "channel.followed" -> "➕ New follower count";
            case "chat.message.pinned" -> "📌 Message pinned";
            case "chat.poll.updated" -> "📊 Poll";
            case "chatroom.updated" -> "⚙️ Chat settings changed";
            case "chatroom.cleared" -> "🧹 Chat cleared";
            case "channel.reward.redeemed" -> "🎟️ " + who + " redeemed " + p.path("reward_title").asText("a reward");
            default -> "❔ " + e.getPusherEvent();
        };
    }

    private String description(KickEvent e) {
        if (e.getContent() == null || "chat.message.deleted".equals(e.getType())) {
            return null;
        }
        return escape(emotes(e.getContent()));
    }

    private void addFields(KickEvent e, ArrayNode fields) {
        JsonNode p = e.getPayload();
        switch (e.getType()) {
            case "channel.subscription.new" -> {
                JsonNode months = p.hasNonNull("months") ? p.get("months")
                        : p.path("metadata").path("celebration").path("total_months");
                if (!months.isMissingNode() && !months.isNull() && !months.isContainerNode()) {
                    field(fields, "Months", months.asText());
                }
            }
            case "channel.subscription.gifts" -> {
                List<String> names = KickEventNormalizer.giftees(p);
                if (!names.isEmpty()) {
                    field(fields, "Recipients", escape(String.join(", ", names)));
                }
            }
            case "moderation.banned" -> {
                String by = p.path("banned_by").path("username").asText(null);
                if (by != null) {
                    field(fields, "By", escape(by));
                }
            }
            case "channel.hosted" -> {
                JsonNode viewers = p.has("number_viewers") ? p.get("number_viewers") : p.path("message").path("numberOfViewers");
                if (!viewers.isMissingNode() && !viewers.isNull()) {
                    field(fields, "Viewers", viewers.asText());
                }
            }
            case "channel.followed" -> {
                if (p.hasNonNull("followersCount")) {
                    field(fields, "Followers", p.get("followersCount").asText());
                }
            }
            default -> {
            }
        }
    }

    private static void field(ArrayNode fields, String name, String value) {
        fields.addObject().put("name", name).put("value", cut(value, FIELD_VALUE_MAX)).put("inline", true);
    }

    private static int giftCount(JsonNode p) {
        int names = KickEventNormalizer.giftees(p).size();
        if (names > 0) {
            return names;
        }
        JsonNode ids = p.path("user_ids");
        return ids.isArray() && !ids.isEmpty() ? ids.size() : Math.max(1, p.path("message").path("subscriptions_count").asInt(1));
    }

    static int color(KickEvent e) {
        return switch (e.getType()) {
            case "livestream.status.updated" -> isLive(e) ? 0xE91E63 : 0x607D8B;
            case "channel.subscription.new", "channel.subscription.gifts" -> 0x53FC18;
            case "kicks.gifted" -> 0x2ECC71;
            case "moderation.banned" -> 0xE74C3C;
            case "moderation.unbanned" -> 0x95A5A6;
            case "channel.hosted" -> 0x9B59B6;
            default -> 0x3498DB;
        };
    }

    /** {@code [emote:37225:KEKLEO]} becomes {@code :KEKLEO:}. */
    static String emotes(String text) {
        return EMOTE.matcher(text).replaceAll(":$2:");
    }

    /** Escapes Markdown and breaks mentions so user text cannot format, mask links or ping. */
    static String escape(String text) {
        String s = MARKDOWN.matcher(text).replaceAll("\\\\$1");
        return s.replace("@", "@\u200B");
    }

    /** Truncates to at most {@code max} UTF-16 units without splitting a surrogate pair. */
    static String cut(String s, int max) {
        if (s == null || s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + "…";
    }

    // configuration --------------------------------------------------------------------------------------------------

    /** Comma list of normalized types that always go to Discord. */
    public void setEvents(String events) {
        this.events = TypeFilter.csv(events);
    }

    /** Chat relay: {@code all}, {@code off}, or {@code match} (keywords and users only). */
    public void setChat(String chat) {
        String c = chat == null ? "" : chat.trim().toLowerCase(Locale.ROOT);
        this.chat = c.isEmpty() ? "match" : c;
    }

    public void setKeywords(String keywords) {
        this.keywords = TypeFilter.csv(keywords);
    }

    public void setChatUsers(String users) {
        this.chatUsers = TypeFilter.csv(users);
    }

    public void setIgnoreUsers(String users) {
        this.ignoreUsers = TypeFilter.csv(users);
    }

    /** Whether "went offline" is relayed too (with livestream.status.updated in the events). */
    public void setOffline(boolean offline) {
        this.offline = offline;
    }

    /** Discord role id to mention in live alerts; empty for none. */
    public void setLiveRoleId(String liveRoleId) {
        this.liveRoleId = liveRoleId == null ? "" : liveRoleId.trim();
    }

}
