package dev.kickwatch.event;

import java.time.Instant;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.sink.DiscordRenderer;
import dev.kickwatch.sink.RowBatch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static dev.kickwatch.support.Fixtures.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Kick may send next: nulls, missing fields, wrong types, numbers as strings, 2,000+ characters, emoji,
 * right-to-left and zero-width text. Each frame still becomes one event, one valid DB row and one Discord body within
 * Discord's limits; user text is kept exactly in the row and cannot format or ping in Discord.
 */
class HostilePayloadTest {

    static final Instant RECEIVED = Instant.parse("2026-01-01T00:00:00Z");
    static final String LONG = "a".repeat(1500) + "🎉".repeat(400) + "b".repeat(700); // > 2,000 UTF-16 units
    static final String RTL = "مرحبا بالعالم \u202Egnp.exe";
    static final String ZERO_WIDTH = "he\u200Bll\u200Co\u200D \uFEFF@\u200Beveryone";

    static Stream<Arguments> frames() {
        return Stream.of(
                // event                 | data                                                                   | type                      | username | user id | content
                Arguments.of("ChatMessageEvent", "{\"id\":null,\"content\":null,\"sender\":null}", "chat.message.sent", null, null, null),
                Arguments.of("ChatMessageEvent", "{}", "chat.message.sent", null, null, null),
                Arguments.of("ChatMessageEvent", "{\"id\":123,\"content\":456,\"sender\":\"nobody\",\"created_at\":\"garbage\"}",
                        "chat.message.sent", null, null, "456"),
                Arguments.of("ChatMessageEvent", "{\"id\":\"m1\",\"content\":[1,2],\"sender\":{\"id\":\"42\",\"username\":7}}",
                        "chat.message.sent", "7", 42L, null),
                Arguments.of("ChatMessageEvent", chat(LONG), "chat.message.sent", "viewer", 5L, LONG),
                Arguments.of("ChatMessageEvent", chat("🎉👩‍👩‍👧‍👦🇺🇦 [emote:1:KEKW]"), "chat.message.sent", "viewer", 5L, "🎉👩‍👩‍👧‍👦🇺🇦 [emote:1:KEKW]"),
                Arguments.of("ChatMessageEvent", chat(RTL), "chat.message.sent", "viewer", 5L, RTL),
                Arguments.of("ChatMessageEvent", chat(ZERO_WIDTH), "chat.message.sent", "viewer", 5L, ZERO_WIDTH),
                Arguments.of("ChatMessageEvent", chat("@everyone @here <@&1> [x](https://evil) **b** `c` ||s|| > q"),
                        "chat.message.sent", "viewer", 5L, "@everyone @here <@&1> [x](https://evil) **b** `c` ||s|| > q"),
                Arguments.of("UserBannedEvent", "{\"id\":\"b1\",\"user\":{\"id\":\"9\",\"username\":\"x\"},\"duration\":\"15\",\"permanent\":\"false\"}",
                        "moderation.banned", "x", 9L, null),
                Arguments.of("UserBannedEvent", "{\"id\":\"b2\",\"user\":null,\"banned_by\":5}", "moderation.banned", null, null, null),
                Arguments.of("SubscriptionEvent", "{\"chatroom_id\":\"1000\",\"username\":\"s\",\"months\":\"3\"}",
                        "channel.subscription.new", "s", null, null),
                Arguments.of("SubscriptionEvent", "{\"username\":null}", "channel.subscription.new", null, null, null),
                Arguments.of("GiftedSubscriptionsEvent", "{\"gifted_usernames\":\"notalist\",\"gifter_username\":42}",
                        "channel.subscription.gifts", "42", null, null),
                Arguments.of("ChannelSubscriptionEvent", "{\"user_ids\":null,\"username\":null}", "channel.subscription.gifts", null, null, null),
                Arguments.of("StreamerIsLive", "{\"livestream\":null}", "livestream.status.updated", null, null, null),
                Arguments.of("StopStreamBroadcast", "{}", "livestream.status.updated", null, null, null),
                Arguments.of("KicksGifted", "{\"sender\":{\"id\":\"1\",\"username\":\"k\"},\"gift\":{\"amount\":\"500\"}}", "kicks.gifted", "k", 1L, null),
                Arguments.of("FollowersUpdated", "{\"followersCount\":\"12\",\"created_at\":\"1707251975\"}", "channel.followed", null, null, null),
                Arguments.of("MessageDeletedEvent", "{\"id\":\"only-id\"}", "chat.message.deleted", null, null, "only-id"),
                Arguments.of("StreamHostedEvent", "{\"message\":\"x\",\"user\":[]}", "channel.hosted", null, null, null),
                Arguments.of("PollUpdateEvent", "{\"poll\":{\"title\":null}}", "chat.poll.updated", null, null, null),
                Arguments.of("ChatMessageEvent", "not json at all", "unknown", null, null, null),
                Arguments.of("ChatMessageEvent", "[1,2,3]", "unknown", null, null, null),
                Arguments.of("ChatMessageEvent", "\"just a string\"", "unknown", null, null, null),
                Arguments.of("ChatMessageEvent", "", "chat.message.sent", null, null, null),
                Arguments.of("SomethingKickAddsNextYear", "{\"a\":{\"b\":[1,{\"c\":null}]}}", "unknown", null, null, null));
    }

    static String chat(String content) {
        return "{\"id\":\"m-" + Integer.toHexString(content.hashCode()) + "\",\"content\":" + JSON.valueToTree(content)
                + ",\"type\":\"message\",\"created_at\":\"2025-07-17T08:44:56+00:00\",\"sender\":{\"id\":5,\"username\":\"viewer\"}}";
    }

    @ParameterizedTest
    @MethodSource("frames")
    void should_turn_any_frame_into_one_row_and_a_safe_discord_body(String event, String data, String type, String username,
                                                                     Long userId, String content) throws Exception {
        KickEvent e = new KickEventNormalizer().normalize(data, "App\\Events\\" + event, "chatrooms.1000.v2", "testchan",
                1000L, 2000L, RECEIVED);
        assertEquals(type, e.getType());
        assertEquals(username, e.getUsername());
        assertEquals(userId, e.getUserId());
        assertEquals(content, e.getContent());
        assertTrue(e.getId() != null && !e.getId().isBlank());
        assertTrue(e.getCreatedAt() != null && Instant.parse(e.getCreatedAt()) != null);

        JsonNode row = JSON.readTree(RowBatch.line(e));
        assertEquals(11, row.size());
        assertEquals(content, row.get("content").isNull() ? null : row.get("content").asText(), "user text kept exactly");

        DiscordRenderer renderer = new DiscordRenderer();
        renderer.setChat("all");
        String body = renderer.render(e);
        JsonNode b = JSON.readTree(body);
        assertEquals(0, b.path("allowed_mentions").path("parse").size());
        JsonNode embed = b.path("embeds").get(0);
        assertTrue(embed.path("title").asText().length() <= 256);
        String description = embed.path("description").asText("");
        assertTrue(description.length() <= 4096, "description " + description.length());
        if (description.endsWith("…")) {
            assertFalse(Character.isHighSurrogate(description.charAt(description.length() - 2)), "no emoji cut in half");
        }
        assertFalse(description.contains("@everyone") || description.contains("@here"), description);
        assertFalse(description.contains("](http"), description);
        String console = renderer.consoleLine(e);
        assertFalse(console.contains("\n") || console.contains("\r"), "one console line");
    }
}
