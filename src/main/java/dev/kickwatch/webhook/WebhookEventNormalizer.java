package dev.kickwatch.webhook;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.KickEventNormalizer;
import dev.kickwatch.event.Times;
import dev.kickwatch.pusher.KickChannel;

/**
 * Turns one verified webhook of Kick's official API (its {@code Kick-Event-Type} and JSON body) into the same
 * {@link KickEvent} row the socket gives. The id is the payload's own where it has one (a chat message's
 * {@code message_id}, which the socket carries too), else Kick's {@code Kick-Event-Message-Id}, so a redelivery keeps
 * its id. Dedupe keys equal the socket's for chat messages, subscriptions, gifted subscriptions and live/offline: with
 * {@code kick.source=both} the same action arriving both ways is relayed once.
 */
public final class WebhookEventNormalizer {

    /** The official event types that become rows of their own type; any other becomes {@code unknown}. */
    public static final List<String> TYPES = List.of("chat.message.sent", "channel.followed", "channel.subscription.new",
            "channel.subscription.renewal", "channel.subscription.gifts", "livestream.status.updated",
            "livestream.metadata.updated", "moderation.banned", "kicks.gifted", "channel.reward.redemption.updated");

    private final Map<String, KickChannel> channels;

    /** @param channels the watched channels by slug, lower case: their ids go into the row when the slug is known */
    public WebhookEventNormalizer(Map<String, KickChannel> channels) {
        this.channels = channels;
    }

    public KickEvent normalize(String eventType, String messageId, JsonNode p, String rawBody, Instant receivedAt) {
        String type = eventType == null ? "" : eventType.trim();
        KickEvent e = new KickEvent();
        e.setPusherEvent(type);
        e.setPusherChannel("webhook");
        e.setPayload(p);
        e.setRawPayload(rawBody.indexOf('\n') < 0 && rawBody.indexOf('\r') < 0 ? rawBody : null);
        String receivedText = Times.format(receivedAt);
        e.setReceivedAt(receivedText);
        String slug = text(p.path("broadcaster"), "channel_slug");
        e.setChannel(slug == null ? null : slug.toLowerCase(Locale.ROOT));
        KickChannel known = slug == null ? null : channels.get(slug.toLowerCase(Locale.ROOT));
        if (known != null) {
            e.setChatroomId(known.chatroomId());
            e.setChannelId(known.channelId());
        }
        String naturalId = null;
        Instant created = null;
        boolean listed = TYPES.contains(type) && p.isObject();
        switch (listed ? type : "") {
            case "chat.message.sent" -> {
                naturalId = text(p, "message_id");
                user(e, p.path("sender"));
                e.setContent(text(p, "content"));
                created = Times.parse(p.get("created_at"));
            }
            case "channel.followed" -> user(e, p.path("follower"));
            case "channel.subscription.new", "channel.subscription.renewal" -> {
                user(e, p.path("subscriber"));
                created = Times.parse(p.get("created_at"));
                // the socket announces new subscriptions and renewals alike as SubscriptionEvent: one key for both
                e.setDedupeKey(KickEventNormalizer.subKey(e.getChannel(), e.getUsername()));
            }
            case "channel.subscription.gifts" -> {
                user(e, p.path("gifter"));
                created = Times.parse(p.get("created_at"));
                List<String> giftees = new ArrayList<>();
                p.path("giftees").forEach(g -> {
                    String name = text(g, "username");
                    if (name != null && !name.isBlank()) {
                        giftees.add(name);
                    }
                });
                // as the socket's gift events are keyed: by gifter and giftees, and by size for the ids-only repeat
                KickEventNormalizer.giftKeys(e, e.getChannel(), e.getUsername(), giftees);
            }
            case "livestream.status.updated" -> {
                boolean live = p.path("is_live").asBoolean(false);
                e.setContent(live ? text(p, "title") : null);
                created = Times.parse(live ? p.get("started_at") : p.get("ended_at"));
                e.setDedupeKey(KickEventNormalizer.liveKey(e.getChannel(), live));
            }
            case "livestream.metadata.updated" -> e.setContent(text(p.path("metadata"), "title"));
            case "moderation.banned" -> {
                user(e, p.path("banned_user"));
                e.setContent(text(p.path("metadata"), "reason"));
                created = Times.parse(p.path("metadata").get("created_at"));
            }
            case "kicks.gifted" -> {
                user(e, p.path("sender"));
                e.setContent(text(p.path("gift"), "message"));
                created = Times.parse(p.get("created_at"));
            }
            case "channel.reward.redemption.updated" -> {
                // one redemption changes status (pending, accepted, rejected): one row per state
                naturalId = prefixed(text(p, "id"), text(p, "status"));
                user(e, p.path("redeemer"));
                e.setContent(text(p, "user_input"));
                created = Times.parse(p.get("redeemed_at"));
            }
            default -> {
            }
        }
        e.setType(listed ? type : "unknown");
        e.setId(naturalId != null && !naturalId.isBlank() ? naturalId : messageId);
        if (e.getDedupeKey() == null) {
            e.setDedupeKey(e.getType() + "|" + e.getId());
        }
        e.setCreatedAt(created != null ? Times.format(created) : receivedText);
        return e;
    }

    private static void user(KickEvent e, JsonNode user) {
        if (user.isObject()) {
            JsonNode id = user.get("user_id");
            e.setUserId(id != null && id.canConvertToLong() ? id.asLong() : null);
            e.setUsername(text(user, "username"));
        }
    }

    private static String prefixed(String id, String status) {
        return id == null ? null : id + (status == null ? "" : "-" + status);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }
}
