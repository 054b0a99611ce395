package dev.kickwatch.event;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.kickwatch.pusher.KickChannel;
import dev.kickwatch.pusher.KickFrame;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;

/**
 * Turns one Kick application frame (the {@link KickFrame} of the {@code kick:} consumer: the inner {@code data} JSON,
 * the Pusher event and channel, the Kick channel) into a {@link KickEvent} with a normalized type and a deterministic
 * id (README, "Events").
 */
public class KickEventNormalizer implements Processor {

    // a payload is one JSON value and nothing after it, so its text can go into the row as it came
    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    /** The ingest route's step: the {@link KickFrame} body becomes a {@link KickEvent}. */
    @Override
    public void process(Exchange exchange) {
        Message m = exchange.getMessage();
        KickFrame f = m.getBody(KickFrame.class);
        KickChannel c = f.channel();
        m.setBody(normalize(f.data(), f.pusherEvent(), f.pusherChannel(), c.slug(), c.chatroomId(), c.channelId(),
                f.receivedAt()));
    }

    public KickEvent normalize(String data, String pusherEvent, String pusherChannel, String slug, Long chatroomId,
                               Long channelId, Instant receivedAt) {
        JsonNode p = parse(data);
        String event = shortName(pusherEvent);
        Instant received = receivedAt != null ? receivedAt : Instant.now();
        String receivedText = Times.format(received);

        KickEvent e = new KickEvent();
        e.setPusherEvent(event);
        e.setPusherChannel(pusherChannel);
        e.setChannel(slug);
        e.setChatroomId(chatroomId);
        e.setChannelId(channelId);
        e.setPayload(p);
        e.setReceivedAt(receivedText);
        e.setRawPayload((p.isObject() || p.isArray()) && data != null && !data.isBlank() ? compactJson(data) : null);
        Instant created = null;
        String naturalId = null;

        // a payload that is not a JSON object (wrong type, garbage) is kept whole as an unknown event
        switch (p.isObject() ? event : "") {
            case "ChatMessageEvent" -> {
                e.setType("chat.message.sent");
                naturalId = text(p, "id");
                user(e, p.path("sender"));
                e.setContent(text(p, "content"));
                created = Times.parse(p.get("created_at"));
                String celebration = text(p.path("metadata").path("celebration"), "type");
                if ("celebration".equals(text(p, "type")) && celebration != null && celebration.startsWith("subscription")) {
                    // a shared sub anniversary: the same subscription Kick also announces as SubscriptionEvent
                    e.setType("channel.subscription.new");
                    e.setDedupeKey(subKey(slug, e.getUsername()));
                }
            }
            case "ChatMessageSentEvent" -> {
                e.setType("chat.message.sent");
                JsonNode m = p.path("message");
                naturalId = text(m, "id");
                user(e, p.path("user"));
                e.setContent(text(m, "message"));
                created = Times.parse(m.get("created_at"));
                if ("gift".equals(text(m, "action"))) {
                    // the legacy gift announcement: the same gift as GiftedSubscriptionsEvent
                    e.setType("channel.subscription.gifts");
                    giftKeys(e, slug, e.getUsername(), giftees(p));
                }
            }
            case "MessageDeletedEvent" -> {
                e.setType("chat.message.deleted");
                naturalId = text(p, "id");
                String deleted = text(p.path("message"), "id");
                e.setContent(deleted != null ? deleted : naturalId); // some payloads carry only the message's id
            }
            case "UserBannedEvent" -> {
                e.setType("moderation.banned");
                naturalId = text(p, "id");
                user(e, p.path("user"));
            }
            case "UserUnbannedEvent" -> {
                e.setType("moderation.unbanned");
                naturalId = text(p, "id");
                user(e, p.path("user"));
            }
            case "SubscriptionEvent" -> {
                e.setType("channel.subscription.new");
                e.setUsername(text(p, "username"));
                e.setDedupeKey(subKey(slug, e.getUsername()));
            }
            case "ChannelSubscriptionEvent" -> {
                String name = text(p, "username");
                JsonNode ids = p.path("user_ids");
                if (name == null || name.isEmpty()) {
                    // the gift variant: no gifter name, only the giftees' ids; it repeats a gift event announced
                    // with names, which is recognised by its channel and number of giftees
                    e.setType("channel.subscription.gifts");
                    e.setDedupeKey(giftCountKey(slug, ids.isArray() ? ids.size() : 0));
                } else {
                    e.setType("channel.subscription.new");
                    e.setUsername(name);
                    e.setUserId(ids.isArray() && ids.size() > 0 ? asLong(ids.get(0)) : null);
                    e.setDedupeKey(subKey(slug, name));
                }
            }
            case "GiftedSubscriptionsEvent", "LuckyUsersWhoGotGiftSubscriptionsEvent" -> {
                e.setType("channel.subscription.gifts");
                e.setUsername(text(p, "gifter_username"));
                giftKeys(e, slug, e.getUsername(), giftees(p));
            }
            case "FollowersUpdated" -> {
                e.setType("channel.followed");
                e.setUsername(text(p, "username"));
                created = Times.parse(p.get("created_at"));
            }
            case "StreamerIsLive", "StopStreamBroadcast" -> {
                boolean live = event.equals("StreamerIsLive");
                e.setType("livestream.status.updated");
                JsonNode ls = p.path("livestream");
                String lsId = text(ls, "id");
                naturalId = prefixed(live ? "live-" : "offline-", lsId);
                e.setContent(live ? text(ls, "session_title") : null);
                created = live ? Times.parse(ls.get("created_at")) : null;
                // by channel and state, as Kick's webhook of the same change has no livestream id (kick.source=both)
                e.setDedupeKey(liveKey(slug, live));
            }
            case "StreamHostEvent" -> {
                e.setType("channel.hosted");
                e.setUsername(text(p, "host_username"));
                e.setContent(text(p, "optional_message"));
            }
            case "StreamHostedEvent" -> {
                e.setType("channel.hosted");
                JsonNode m = p.path("message");
                naturalId = prefixed("hosted-", text(m, "id"));
                user(e, p.path("user"));
                e.setContent(text(m, "optionalMessage"));
                created = Times.parse(m.get("createdAt"));
            }
            case "PinnedMessageCreatedEvent" -> {
                e.setType("chat.message.pinned");
                JsonNode m = p.path("message");
                naturalId = prefixed("pinned-", text(m, "id"));
                user(e, m.path("sender"));
                e.setContent(text(m, "content"));
            }
            case "PollUpdateEvent" -> {
                e.setType("chat.poll.updated");
                e.setContent(text(p.path("poll"), "title"));
            }
            case "ChatroomUpdatedEvent" -> e.setType("chatroom.updated");
            case "ChatroomClearEvent" -> {
                e.setType("chatroom.cleared");
                naturalId = prefixed("cleared-", text(p, "id"));
            }
            case "KicksGifted" -> {
                e.setType("kicks.gifted");
                naturalId = text(p, "gift_transaction_id");
                user(e, p.path("sender"));
                e.setContent(text(p, "message"));
                created = Times.parse(p.get("created_at"));
            }
            case "RewardRedeemedEvent" -> {
                e.setType("channel.reward.redeemed");
                e.setUserId(asLong(p.get("user_id")));
                e.setUsername(text(p, "username"));
                e.setContent(text(p, "user_input"));
            }
            default -> e.setType("unknown");
        }
        e.setId(naturalId != null && !naturalId.isBlank() ? naturalId : derivedId(pusherChannel, pusherEvent, data));
        if (e.getDedupeKey() == null) {
            e.setDedupeKey(e.getType() + "|" + e.getId());
        }
        e.setCreatedAt(created != null ? Times.format(created) : receivedText);
        return e;
    }

    /** The part after the last backslash: the same event comes with and without {@code App\Events\}. */
    static String shortName(String pusherEvent) {
        if (pusherEvent == null) {
            return "";
        }
        int i = pusherEvent.lastIndexOf('\\');
        return i >= 0 ? pusherEvent.substring(i + 1) : pusherEvent;
    }

    /**
     * The payload's own text, to be written into the row as it came, when it is on one line (the parser has
     * checked that it is one JSON value and nothing else); else null, and the row is written from the tree.
     */
    private static String compactJson(String data) {
        return data.indexOf('\n') >= 0 || data.indexOf('\r') >= 0 ? null : data;
    }

    private JsonNode parse(String data) {
        if (data == null || data.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        try {
            JsonNode node = mapper.readTree(data);
            return node == null ? JsonNodeFactory.instance.objectNode() : node;
        } catch (Exception e) {
            // not JSON: keep the text so nothing is lost
            return TextNode.valueOf(data);
        }
    }

    private static void user(KickEvent e, JsonNode user) {
        if (user.isObject()) {
            e.setUserId(asLong(user.get("id")));
            if (e.getUserId() == null) {
                e.setUserId(asLong(user.get("user_id")));
            }
            e.setUsername(text(user, "username"));
        }
    }

    private static String lower(String s) {
        return s == null ? "" : s.toLowerCase(Locale.ROOT);
    }

    /** The key of a stream going live or offline, the same from the socket and from a webhook. */
    public static String liveKey(String slug, boolean live) {
        return "live|" + lower(slug) + "|" + (live ? "on" : "off");
    }

    /** The key of a subscription: by channel and subscriber (the socket's several announcements, and the webhook). */
    public static String subKey(String slug, String username) {
        return "sub|" + lower(slug) + "|" + (username == null ? "" : username.toLowerCase(Locale.ROOT));
    }

    /**
     * The giftees' names of a gift event, whichever shape Kick sent: {@code gifted_usernames} (gift events),
     * {@code usernames} (lucky users) or {@code message.giftedUsers[].username} (legacy chat); blanks left out.
     */
    public static List<String> giftees(JsonNode payload) {
        JsonNode names = payload.has("gifted_usernames") ? payload.get("gifted_usernames")
                : payload.has("usernames") ? payload.get("usernames") : payload.path("message").path("giftedUsers");
        List<String> out = new ArrayList<>();
        if (names.isArray()) {
            names.forEach(n -> out.add(n.isObject() ? n.path("username").asText("") : n.asText("")));
        }
        out.removeIf(String::isBlank);
        return out;
    }

    /** A gift by names: keyed by gifter and giftees; also known by its size, for the ids-only repeat. */
    public static void giftKeys(KickEvent e, String slug, String gifter, List<String> giftees) {
        List<String> names = new ArrayList<>();
        giftees.forEach(n -> names.add(n.toLowerCase(Locale.ROOT)));
        names.sort(null);
        e.setDedupeKey("gifts|" + lower(slug) + "|" + (gifter == null ? "" : gifter.toLowerCase(Locale.ROOT)) + "|" + String.join(",", names));
        e.setDedupeAliases(List.of(giftCountKey(slug, names.size())));
    }

    private static String giftCountKey(String slug, int giftees) {
        return "giftcount|" + lower(slug) + "|" + giftees;
    }

    /** Kick reuses a message's id for the pin, host or clear that refers to it: a prefix keeps row ids apart. */
    private static String prefixed(String prefix, String id) {
        return id == null ? null : prefix + id;
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        if (v == null || v.isNull() || v.isContainerNode()) {
            return null;
        }
        return v.asText();
    }

    static Long asLong(JsonNode v) {
        if (v == null || v.isNull()) {
            return null;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        if (v.isTextual()) {
            try {
                return Long.parseLong(v.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** A stable id for events without one of their own: the same frame always maps to the same id. */
    static String derivedId(String pusherChannel, String pusherEvent, String data) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(String.valueOf(pusherChannel).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(String.valueOf(pusherEvent).getBytes(StandardCharsets.UTF_8));
            sha.update((byte) 0);
            sha.update(String.valueOf(data).getBytes(StandardCharsets.UTF_8));
            return "h-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
