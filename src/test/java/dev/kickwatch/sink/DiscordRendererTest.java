package dev.kickwatch.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.event.KickEvent;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Discord bodies: allowed_mentions always, escaped user text, limits kept. */
class DiscordRendererTest {

    final ObjectMapper json = new ObjectMapper();

    KickEvent chat(String user, String text) {
        KickEvent e = new KickEvent();
        e.setType("chat.message.sent");
        e.setPusherEvent("ChatMessageEvent");
        e.setChannel("somechan");
        e.setUsername(user);
        e.setContent(text);
        e.setCreatedAt("2025-07-17T08:44:56Z");
        e.setPayload(json.createObjectNode());
        return e;
    }

    @Test
    void should_never_let_relayed_text_ping_or_format() throws Exception {
        DiscordRenderer r = new DiscordRenderer();
        JsonNode body = json.readTree(r.render(chat("u", "@everyone **bold** [click](https://evil) <@&123> `x`")));
        assertEquals(0, body.get("allowed_mentions").get("parse").size());
        String d = body.get("embeds").get(0).get("description").asText();
        assertFalse(d.contains("@everyone"));
        assertFalse(d.contains("**"));
        assertFalse(d.contains("](https"));
        assertTrue(d.contains("\\*\\*bold\\*\\*"), d);
    }

    @Test
    void should_show_emotes_by_name() {
        assertEquals(":KEKLEO: hi :a_b:", DiscordRenderer.emotes("[emote:37225:KEKLEO] hi [emote:1:a_b]"));
    }

    @Test
    void should_truncate_to_discord_limits_without_breaking_a_surrogate_pair() throws Exception {
        DiscordRenderer r = new DiscordRenderer();
        String longText = "😀".repeat(3000); // 6000 UTF-16 units
        JsonNode body = json.readTree(r.render(chat("x".repeat(300), longText)));
        JsonNode embed = body.get("embeds").get(0);
        assertTrue(embed.get("description").asText().length() <= DiscordRenderer.DESCRIPTION_MAX);
        assertTrue(embed.get("author").get("name").asText().length() <= DiscordRenderer.NAME_MAX);
        String d = embed.get("description").asText();
        assertFalse(Character.isHighSurrogate(d.charAt(d.length() - 2)) && !Character.isLowSurrogate(d.charAt(d.length() - 1)));
    }

    @Test
    void should_filter_chat_by_keywords_users_and_commands() {
        DiscordRenderer r = new DiscordRenderer();
        r.setEvents("channel.subscription.new");
        r.setKeywords("giveaway");
        r.setChatUsers("BossMan");
        r.setIgnoreUsers("nightbot");
        assertTrue(r.wanted(chat("someone", "the GIVEAWAY starts now")));
        assertFalse(r.wanted(chat("someone", "giveaways are fun"))); // whole words only
        assertTrue(r.wanted(chat("bossman", "hi")));
        assertFalse(r.wanted(chat("nightbot", "giveaway")));
        assertFalse(r.wanted(chat("someone", "!giveaway")));
        r.setChat("all");
        assertTrue(r.wanted(chat("someone", "anything")));
        r.setChat("off");
        assertFalse(r.wanted(chat("bossman", "giveaway")));
    }

    @Test
    void should_mention_only_the_configured_role_in_live_alerts() throws Exception {
        DiscordRenderer r = new DiscordRenderer();
        r.setLiveRoleId("987");
        KickEvent live = new KickEvent();
        live.setType("livestream.status.updated");
        live.setPusherEvent("StreamerIsLive");
        live.setChannel("somechan");
        live.setContent("title");
        live.setPayload(json.createObjectNode());
        JsonNode body = json.readTree(r.render(live));
        assertEquals("<@&987>", body.get("content").asText());
        assertEquals("[\"987\"]", body.get("allowed_mentions").get("roles").toString());
        assertEquals(0, body.get("allowed_mentions").get("parse").size());
    }

    @Test
    void should_split_a_batch_into_messages_within_discords_limits_in_order() throws Exception {
        DiscordRenderer r = new DiscordRenderer();
        DiscordBatch batch = new DiscordBatch();
        for (int i = 0; i < 10; i++) {
            KickEvent e = chat("u", i + " " + "x".repeat(2000)); // about 2,040 characters an embed
            batch.add(e, r.embed(e));
        }
        java.util.List<DiscordMessage> messages = r.messages(batch);
        assertEquals(5, messages.size(), "2 embeds of about 2,040 characters fit in 6,000, a third does not");
        int next = 0;
        for (DiscordMessage m : messages) {
            JsonNode body = json.readTree(m.json());
            assertTrue(body.get("allowed_mentions").get("parse").isArray());
            int chars = 0;
            for (JsonNode embed : body.get("embeds")) {
                assertTrue(embed.get("description").asText().startsWith(next++ + " "), "order kept");
                chars += DiscordRenderer.embedChars((com.fasterxml.jackson.databind.node.ObjectNode) embed);
            }
            assertTrue(chars <= DiscordRenderer.TOTAL_MAX, "message of " + chars + " characters");
        }
        assertEquals(10, next);
    }

    @Test
    void should_pack_journaled_messages_into_one_request_as_far_as_the_limits_allow() throws Exception {
        DiscordRenderer r = new DiscordRenderer();
        java.util.List<DiscordMessage> journaled = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            journaled.add(DiscordMessage.fromJournal(Journal.envelope(r.render(chat("u", "m" + i)), 1000L + i)));
        }
        DiscordRenderer.Packed packed = r.pack(journaled);
        assertEquals(10, packed.count(), "10 embeds per message");
        JsonNode body = json.readTree(packed.message().json());
        assertEquals(10, body.get("embeds").size());
        assertEquals("m9", body.get("embeds").get(9).get("description").asText());
        assertEquals(1000L, packed.message().oldestMs());
        assertEquals(0, body.get("allowed_mentions").get("parse").size());

        DiscordRenderer withRole = new DiscordRenderer();
        withRole.setLiveRoleId("42");
        KickEvent live = chat("somechan", null);
        live.setType("livestream.status.updated");
        live.setPusherEvent("StreamerIsLive");
        java.util.List<DiscordMessage> mixed = java.util.List.of(
                DiscordMessage.fromJournal(Journal.envelope(withRole.render(live), 1L)), journaled.get(0));
        assertEquals(1, withRole.pack(mixed).count(), "a role mention is sent on its own");
    }
}
