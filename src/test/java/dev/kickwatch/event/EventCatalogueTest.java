package dev.kickwatch.event;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.sink.DiscordRenderer;
import dev.kickwatch.sink.RowBatch;
import dev.kickwatch.support.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static dev.kickwatch.support.Fixtures.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every Kick event kickwatch knows (README, "Events"), from a realistic fixture frame under src/test/resources/fixtures: normalized
 * event, DB row exactly as README's "The database" (payload kept whole), and whether and how it reaches Discord under the
 * shipped defaults of application.properties.
 */
class EventCatalogueTest {

    static final Instant RECEIVED = Instant.parse("2026-01-01T00:00:00Z");
    static final List<String> ROW_FIELDS = List.of("id", "type", "channel", "chatroom_id", "channel_id", "user_id",
            "username", "content", "created_at", "received_at", "payload");

    static DiscordRenderer renderer;
    final KickEventNormalizer normalizer = new KickEventNormalizer();

    @BeforeAll
    static void shippedDefaults() throws Exception {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(Path.of("application.properties"))) {
            p.load(r);
        }
        renderer = new DiscordRenderer();
        renderer.setEvents(p.getProperty("discord.events"));
        renderer.setChat(p.getProperty("discord.chat"));
        renderer.setKeywords(p.getProperty("discord.chat.keywords"));
        renderer.setChatUsers(p.getProperty("discord.chat.users"));
        renderer.setIgnoreUsers(p.getProperty("discord.ignore-users"));
        renderer.setLiveRoleId(p.getProperty("discord.live-role-id"));
    }

    KickEvent normalize(String fixture) {
        JsonNode f = Fixtures.frame(fixture);
        return normalizer.normalize(f.get("data").toString(), f.get("event").asText(), f.get("channel").asText(),
                "testchan", 1000L, 2000L, RECEIVED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            // fixture                  | type                        | id (h- = derived)                             | username           | user id  | content                                     | created_at                   | Discord (default) | Discord text
            "chat-message               | chat.message.sent           | bbcdbcfd-8619-40c2-a0d0-ae7cf4c7a932          | OhLookItsMax       | 3528468  | [emote:3989851:litneyspears4Max]on my way to show you love | 2025-07-17T08:44:56Z | -     | -",
            "chat-reply                 | chat.message.sent           | 37e2ddbd-302c-4e5a-beda-4913c1747459          | OhLookItsMax       | 3528468  | this is what someone deals with after Litney goes through Deadspace | 2025-07-19T03:47:45Z | - | -",
            "chat-celebration           | channel.subscription.new    | 1fc36aef-d1c8-4af3-841f-0d38574b73c3          | feepsyy            | 11497484 | 🎉                                          | 2025-07-19T14:18:32Z         | feepsyy subscribed | Months",
            "legacy-chat-message        | chat.message.sent           | cbe30b46-547a-4029-bc5c-d536c9296bf9          | indigogo           | 1370709  | [emote:113773:L]ove you                     | 2023-03-06T06:40:57Z         | -                 | -",
            "message-deleted            | chat.message.deleted        | d1e2f3a4-0000-4000-8000-000000000001          | -                  | -        | 579f6afc-88ea-45fc-8dfd-1336e29ecb8b        | 2026-01-01T00:00:00Z         | -                 | -",
            "user-banned-timeout        | moderation.banned           | 286ae0b2-bba8-497d-a783-1adf703cbe03          | darer123           | 63349022 | -                                           | 2026-01-01T00:00:00Z         | darer123 was timed out for 10 min | Vixie",
            "user-banned-permanent      | moderation.banned           | a3aadb10-22ae-4081-ba8f-46bb9a6c89ff          | JohnsonAndJohnson1 | 25556531 | -                                           | 2026-01-01T00:00:00Z         | JohnsonAndJohnson1 was banned | covid1942",
            "user-unbanned              | moderation.unbanned         | 70e7e789-0b5e-498f-b475-ad6cd148abde          | symbaz             | 152392   | -                                           | 2026-01-01T00:00:00Z         | -                 | -",
            "subscription               | channel.subscription.new    | h-                                            | feepsyy            | -        | -                                           | 2026-01-01T00:00:00Z         | feepsyy subscribed | Months",
            "channel-subscription       | channel.subscription.new    | h-                                            | feepsyy            | 67477867 | -                                           | 2026-01-01T00:00:00Z         | feepsyy subscribed | -",
            "gifted-subscriptions       | channel.subscription.gifts  | h-                                            | court              | -        | -                                           | 2026-01-01T00:00:00Z         | court gifted 3 subs | OhDollar",
            "gifted-subscriptions-unprefixed | channel.subscription.gifts | h-                                       | court              | -        | -                                           | 2026-01-01T00:00:00Z         | court gifted 3 subs | OhDollar",
            "lucky-users-gift           | channel.subscription.gifts  | h-                                            | court              | -        | -                                           | 2026-01-01T00:00:00Z         | court gifted 3 subs | OhDollar",
            "channel-subscription-gift  | channel.subscription.gifts  | h-                                            | -                  | -        | -                                           | 2026-01-01T00:00:00Z         | someone gifted 3 subs | -",
            "legacy-gift-info           | channel.subscription.gifts  | cbe30b46-547a-4029-bc5c-d536c9296bf0          | court              | 61177    | court gifted 3 subs                         | 2025-07-17T08:44:56Z         | court gifted 3 subs | OhDollar",
            "stream-host                | channel.hosted              | h-                                            | raidleader         | -        | have fun                                    | 2026-01-01T00:00:00Z         | raidleader is hosting | 77",
            "stream-hosted              | channel.hosted              | hosted-af4673b8-a06f-4d47-84d2-9fb8c75117e2   | ABC                | 2341810  | -                                           | 2025-08-19T09:37:20.859247Z  | ABC is hosting    | 8",
            "streamer-is-live           | livestream.status.updated   | live-22976949                                 | -                  | -        | Sunday chill stream 🎮                      | 2024-02-06T19:10:40Z         | testchan is live  | Sunday chill stream",
            "stop-stream-broadcast      | livestream.status.updated   | offline-22976949                              | -                  | -        | -                                           | 2026-01-01T00:00:00Z         | testchan went offline | -",
            "followers-updated          | channel.followed            | h-                                            | -                  | -        | -                                           | 2024-02-06T20:39:35Z         | -                 | -",
            "pinned-message-created     | chat.message.pinned         | pinned-c898642d-5287-44d3-a3f6-bb196319ae96   | Kevman95           | 245024   | giveaway at 8                               | 2026-01-01T00:00:00Z         | -                 | -",
            "pinned-message-deleted     | unknown                     | h-                                            | -                  | -        | -                                           | 2026-01-01T00:00:00Z         | -                 | -",
            "poll-update                | chat.poll.updated           | h-                                            | -                  | -        | What do you prefer?                         | 2026-01-01T00:00:00Z         | -                 | -",
            "poll-delete                | unknown                     | h-                                            | -                  | -        | -                                           | 2026-01-01T00:00:00Z         | -                 | -",
            "chatroom-updated           | chatroom.updated            | h-                                            | -                  | -        | -                                           | 2026-01-01T00:00:00Z         | -                 | -",
            "chatroom-clear             | chatroom.cleared            | cleared-9f0c3a52-1111-4222-8333-444455556666  | -                  | -        | -                                           | 2026-01-01T00:00:00Z         | -                 | -",
            "kicks-gifted               | kicks.gifted                | gtx_01K7ZQ8M3T                                | gift_sender        | 987654321 | w                                          | 2025-10-20T04:00:08.634Z     | gift_sender sent 500 Kicks | -",
            "reward-redeemed            | channel.reward.redeemed     | h-                                            | Bombg              | 1502053  | ''                                          | 2026-01-01T00:00:00Z         | -                 | -",
            "gifts-leaderboard          | unknown                     | h-                                            | -                  | -        | -                                           | 2026-01-01T00:00:00Z         | -                 | -",
            "prediction-created         | unknown                     | h-                                            | -                  | -        | -                                           | 2026-01-01T00:00:00Z         | -                 | -",
    })
    void should_normalize_render_and_store_every_event(String fixture, String type, String id, String username, Long userId,
                                                       String content, String createdAt, String discordTitle,
                                                       String discordField) throws Exception {
        KickEvent e = normalize(fixture);
        assertEquals(type, e.getType());
        if (id.equals("h-")) {
            assertTrue(e.getId().matches("h-[0-9a-f]{32}"), e.getId());
        } else {
            assertEquals(id, e.getId());
        }
        assertEquals(e.getId(), normalize(fixture).getId(), "the same frame always gets the same id");
        assertEquals(username, e.getUsername());
        assertEquals(userId, e.getUserId());
        assertEquals(content, e.getContent());
        assertEquals(Instant.parse(createdAt), Instant.parse(e.getCreatedAt()));

        // the DB row: exactly the table's fields, the inner payload whole
        JsonNode row = JSON.readTree(RowBatch.line(e));
        List<String> names = new ArrayList<>();
        row.fieldNames().forEachRemaining(names::add);
        assertEquals(ROW_FIELDS, names);
        assertEquals(Fixtures.frame(fixture).get("data"), row.get("payload"));
        assertEquals("testchan", row.get("channel").asText());
        assertEquals(1000, row.get("chatroom_id").asLong());
        assertEquals(RECEIVED.toString(), row.get("received_at").asText());

        // Discord under the shipped defaults
        assertEquals(discordTitle != null, renderer.wanted(e), "relayed to Discord by default");
        JsonNode body = JSON.readTree(renderer.render(e));
        assertEquals(0, body.path("allowed_mentions").path("parse").size());
        JsonNode embed = body.path("embeds").get(0);
        assertEquals("https://kick.com/testchan", embed.path("url").asText());
        assertTrue(embed.path("title").asText().length() <= 256);
        if (discordTitle != null) {
            assertTrue(embed.path("title").asText().contains(discordTitle), embed.toString());
        }
        if (discordField != null) {
            assertTrue(embed.toString().contains(discordField), embed.toString());
        }
    }

    @Test
    void should_have_a_fixture_for_every_normalized_type() throws Exception {
        Set<String> covered = new TreeSet<>();
        try (var files = Files.list(Path.of("src/test/resources/fixtures"))) {
            for (Path f : files.toList()) {
                covered.add(normalize(f.getFileName().toString().replace(".json", "")).getType());
            }
        }
        assertEquals(new TreeSet<>(Set.of("chat.message.sent", "chat.message.deleted", "moderation.banned",
                "moderation.unbanned", "channel.subscription.new", "channel.subscription.gifts", "channel.followed",
                "livestream.status.updated", "channel.hosted", "chat.message.pinned", "chat.poll.updated",
                "chatroom.updated", "chatroom.cleared", "kicks.gifted", "channel.reward.redeemed", "unknown")), covered);
    }

    @Test
    void should_ping_only_the_configured_role_on_live_and_leave_offline_optional() throws Exception {
        DiscordRenderer r = new DiscordRenderer();
        r.setEvents("livestream.status.updated");
        r.setLiveRoleId("123456789");
        JsonNode live = JSON.readTree(r.render(normalize("streamer-is-live")));
        assertEquals("<@&123456789>", live.get("content").asText(), "the mention sits in content: embeds do not ping");
        assertEquals("[]", live.get("allowed_mentions").get("parse").toString());
        assertEquals("[\"123456789\"]", live.get("allowed_mentions").get("roles").toString());
        JsonNode offline = JSON.readTree(r.render(normalize("stop-stream-broadcast")));
        assertFalse(offline.has("content"), "no ping when the stream ends");
        assertTrue(r.wanted(normalize("stop-stream-broadcast")));
        r.setOffline(false);
        assertFalse(r.wanted(normalize("stop-stream-broadcast")));
        assertTrue(r.wanted(normalize("streamer-is-live")));
    }

    /** Feeds fixtures through one deduplicator; returns those that pass. */
    List<String> firsts(String... fixtures) {
        EventDeduplicator dedupe = new EventDeduplicator();
        List<String> out = new ArrayList<>();
        for (String f : fixtures) {
            if (dedupe.isFirst(normalize(f))) {
                out.add(f);
            }
        }
        return out;
    }

    @Test
    void should_store_a_subscription_once_whichever_copy_comes_first() {
        assertEquals(List.of("subscription"), firsts("subscription", "channel-subscription", "chat-celebration"));
        assertEquals(List.of("chat-celebration"), firsts("chat-celebration", "subscription", "channel-subscription"));
        assertEquals(List.of("channel-subscription"), firsts("channel-subscription", "chat-celebration", "subscription"));
    }

    @Test
    void should_store_a_gift_once_across_its_five_announcements() {
        assertEquals(List.of("gifted-subscriptions"), firsts("gifted-subscriptions", "gifted-subscriptions-unprefixed",
                "lucky-users-gift", "channel-subscription-gift", "legacy-gift-info"));
        assertEquals(List.of("lucky-users-gift"), firsts("lucky-users-gift", "legacy-gift-info", "channel-subscription-gift",
                "gifted-subscriptions"));
    }

    @Test
    void should_keep_events_of_other_channels_and_other_messages_apart() {
        assertEquals(List.of("chat-message", "chat-reply", "legacy-chat-message", "message-deleted"),
                firsts("chat-message", "chat-reply", "legacy-chat-message", "message-deleted", "chat-message"));
    }
}
