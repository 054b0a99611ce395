package dev.kickwatch;

import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kickwatch.support.Fixtures;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.RelayTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static dev.kickwatch.support.Fixtures.json;
import static dev.kickwatch.support.Fixtures.publish;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Frames from a real Pusher-protocol server in, the exact Discord body and DB rows out of real local HTTP servers. */
class EndToEndTest extends RelayTestSupport {

    @BeforeEach
    void start() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(201));
        startApp(Map.of());
    }

    List<JsonNode> dbRows() throws Exception {
        List<JsonNode> rows = new java.util.ArrayList<>();
        for (HttpSinkServer.Request r : db.requests()) {
            JSON.readTree(r.body()).forEach(rows::add);
        }
        return rows;
    }

    @Test
    void should_relay_frames_as_exact_discord_body_and_db_rows() throws Exception {
        await().atMost(10, SECONDS).until(() -> kick.subscribedChannels().size() == 4);
        assertEquals(Set.of("chatrooms.1000.v2", "chatroom_1000", "channel.2000", "channel_2000"), kick.subscribedChannels());

        publish(kick, "chat-message");          // to the DB only: chat is not relayed to Discord by default
        publish(kick, "subscription");          // to both
        publish(kick, "channel-subscription");  // the same subscription again on channel.2000: dropped
        await().atMost(10, SECONDS).until(() -> dbRows().size() >= 2 && discord.requests().size() >= 1);

        // a marker behind the duplicate: once it is stored, the duplicate would have been stored before it
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"marker-1\",\"content\":\"marker\",\"type\":\"message\",\"sender\":{\"id\":1,\"username\":\"m\"}}");
        await().atMost(10, SECONDS).until(() -> dbRows().size() >= 3);
        assertEquals(3, dbRows().size(), "the repeated subscription was stored once");
        assertEquals(1, discord.requests().size(), "one Discord message");

        // the DB requests: PostgREST conventions, rows in order (batched when they arrive together)
        for (HttpSinkServer.Request r : db.requests()) {
            assertEquals("POST", r.method());
            assertEquals("/rest/v1/kick_events", r.path());
            assertEquals("on_conflict=id", r.query());
            assertEquals("application/json", r.headers().get("content-type"));
            assertEquals("return=minimal,resolution=ignore-duplicates", r.headers().get("prefer"));
            assertEquals(DB_KEY, r.headers().get("apikey"));
            assertEquals("Bearer " + DB_KEY, r.headers().get("authorization"));
        }
        ArrayNode rows = JSON.createArrayNode();
        dbRows().subList(0, 2).forEach(rows::add);
        assertEquals(Fixtures.expectedE2eRows(rows), rows);

        // the Discord request: exact body, no headers of ours leaked
        HttpSinkServer.Request d = discord.requests().get(0);
        assertEquals(WEBHOOK_PATH, d.path());
        assertEquals("application/json", d.headers().get("content-type"));
        ObjectNode expectedDiscord = (ObjectNode) json("expected/e2e-discord-subscription.json");
        ((ObjectNode) expectedDiscord.get("embeds").get(0)).put("timestamp", rows.get(1).get("created_at").asText());
        assertEquals(expectedDiscord, JSON.readTree(d.body()));
        for (String h : List.of("kickpusherchannel", "kickpusherevent", "kickchannelslug", "apikey", "authorization", "prefer")) {
            assertEquals(null, d.headers().get(h), "header " + h + " must not reach Discord");
        }
    }
}
