package dev.kickwatch.webhook;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.support.FakeKickOfficialApi;
import dev.kickwatch.support.Fixtures;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.KickWebhookSender;
import dev.kickwatch.support.KickwatchApp;
import dev.kickwatch.support.RelayTestSupport;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kick's signed webhooks into the real app, over HTTP on the listener's own port: what is verified becomes rows in
 * the same DB as the socket's events, what is not is answered 401/400/413 and stored nowhere.
 */
class WebhookSourceTest extends RelayTestSupport {

    private int webhookPort;
    private KickWebhookSender sender;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureErr() {
        originalErr = System.err;
        PrintStream original = originalErr;
        System.setErr(new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                captured.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                captured.write(b, off, len);
            }
        }, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void noSecretPrinted() throws Exception {
        if (app != null) {
            app.close();
            app = null;
        }
        System.setErr(originalErr);
        String out = captured.toString(StandardCharsets.UTF_8);
        for (String secret : List.of("SECRET-kick-client-secret", DISCORD_TOKEN, DB_KEY, KickSignatureTest.SIGNATURE.substring(0, 40))) {
            assertFalse(out.contains(secret), "printed: " + secret.substring(0, 12) + "…");
        }
    }

    private void startWebhookApp(String source, Map<String, String> extra) throws Exception {
        webhookPort = Fixtures.freePort();
        Map<String, String> p = KickwatchApp.baseProperties(kick.url(), data.toString());
        p.put("discord.webhook.url", discord.url(WEBHOOK_PATH));
        p.put("db.url", db.url("/rest/v1/kick_events"));
        p.put("db.api-key", DB_KEY);
        p.put("kick.source", source);
        p.put("kick.webhook.port", String.valueOf(webhookPort));
        p.put("kick.webhook.public-key", sender().publicKeyPem());
        p.putAll(extra);
        db.behave(r -> HttpSinkServer.Response.of(201));
        discord.behave(r -> HttpSinkServer.Response.of(204));
        app = KickwatchApp.start(p);
    }

    private KickWebhookSender sender() throws Exception {
        if (sender == null) {
            sender = new KickWebhookSender("http://127.0.0.1:" + webhookPort + "/kick/webhook");
        }
        return sender;
    }

    private List<JsonNode> dbRows() throws Exception {
        List<JsonNode> rows = new ArrayList<>();
        for (HttpSinkServer.Request r : db.requests()) {
            JSON.readTree(r.body()).forEach(rows::add);
        }
        return rows;
    }

    @Test
    void kicks_own_test_vector_verifies_with_the_built_in_key_and_one_changed_byte_does_not() throws Exception {
        startWebhookApp("webhook", Map.of("kick.webhook.public-key", "", "kick.webhook.max-age", "0"));
        byte[] body = KickSignatureTest.BODY.getBytes(StandardCharsets.UTF_8);
        byte[] tampered = body.clone();
        tampered[tampered.length - 10] = (byte) 'X';
        HttpResponse<String> bad = sender().post("livestream.status.updated", KickSignatureTest.ID, KickSignatureTest.TIMESTAMP,
                tampered, KickSignatureTest.SIGNATURE);
        assertEquals(401, bad.statusCode());
        HttpResponse<String> good = sender().post("livestream.status.updated", KickSignatureTest.ID, KickSignatureTest.TIMESTAMP,
                body, KickSignatureTest.SIGNATURE);
        assertEquals(200, good.statusCode());
        assertTrue(good.headers().firstValue("Kick-Event-Signature").isEmpty(), "Kick's headers are not sent back");
        assertTrue(bad.headers().firstValue("Kick-Event-Signature").isEmpty());
        await().atMost(10, SECONDS).until(() -> dbRows().size() >= 1);
        JsonNode row = dbRows().get(0);
        assertEquals("livestream.status.updated", row.get("type").asText());
        assertEquals(KickSignatureTest.ID, row.get("id").asText());
        assertEquals("fusedchat", row.get("channel").asText());
        assertEquals("Multiplatform bot!", row.get("content").asText());
        assertEquals("2025-04-01T07:56:18Z", row.get("created_at").asText().replace(".000", ""));
        assertEquals(JSON.readTree(KickSignatureTest.BODY), row.get("payload"));
        assertEquals(1, dbRows().size(), "the tampered copy was not stored");
        assertNull(app.context().getRoute("kick-ingest"), "kick.source=webhook opens no socket");
        assertEquals(0, kick.totalConnections());
    }

    @Test
    void every_official_event_type_becomes_a_row_of_its_type_and_an_unknown_type_becomes_unknown() throws Exception {
        startWebhookApp("webhook", Map.of());
        JsonNode events = Fixtures.json("webhook/official-events.json");
        Map<String, String> expectedUser = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = events.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertEquals(200, sender().send(e.getKey(), e.getValue().toString()), e.getKey());
        }
        assertEquals(200, sender().send("channel.unfollowed.maybe", "{\"broadcaster\":{\"channel_slug\":\"testchan\"},\"x\":1}"));
        int expected = events.size() + 1;
        await().atMost(10, SECONDS).until(() -> dbRows().size() >= expected);
        Map<String, JsonNode> byType = new HashMap<>();
        dbRows().forEach(r -> byType.put(r.get("type").asText(), r));
        assertEquals(expected, byType.size(), "one row per type: " + byType.keySet());
        for (Iterator<String> it = events.fieldNames(); it.hasNext(); ) {
            String type = it.next();
            JsonNode row = byType.get(type);
            assertEquals("testchan", row.get("channel").asText(), type);
            assertEquals(1000, row.get("chatroom_id").asLong(), type + ": the ids of the watched channel");
            assertEquals(2000, row.get("channel_id").asLong(), type);
            assertEquals(events.get(type), row.get("payload"), type);
        }
        assertEquals("11111111-2222-4333-8444-555555555555", byType.get("chat.message.sent").get("id").asText());
        assertEquals("sender_name", byType.get("chat.message.sent").get("username").asText());
        assertEquals(987654321, byType.get("chat.message.sent").get("user_id").asLong());
        assertEquals("Hello [emote:37226:KEKW]", byType.get("chat.message.sent").get("content").asText());
        assertEquals("new_follower", byType.get("channel.followed").get("username").asText());
        assertEquals("subscriber_name", byType.get("channel.subscription.new").get("username").asText());
        assertEquals("renewer", byType.get("channel.subscription.renewal").get("username").asText());
        assertEquals("gifter_name", byType.get("channel.subscription.gifts").get("username").asText());
        assertEquals("01KBHE78QE4HZY1617DK5FC7YD-rejected", byType.get("channel.reward.redemption.updated").get("id").asText());
        assertEquals("unban me", byType.get("channel.reward.redemption.updated").get("content").asText());
        assertEquals("Stream Title", byType.get("livestream.status.updated").get("content").asText());
        assertEquals("New Title", byType.get("livestream.metadata.updated").get("content").asText());
        assertEquals("banned_user_name", byType.get("moderation.banned").get("username").asText());
        assertEquals("banned reason", byType.get("moderation.banned").get("content").asText());
        assertEquals("gift_sender", byType.get("kicks.gifted").get("username").asText());
        assertTrue(byType.containsKey("unknown"));
        // the live webhook made the channel live (status page, kickwatch_channel_live), as the socket's live event does
        assertTrue(metrics().contains("kickwatch_channel_live{channel=\"testchan\"} 1.0"), metrics());
        // Discord: the types discord.events names (live, new sub, gifts, kicks, ban), not chat (discord.chat = match)
        await().atMost(10, SECONDS).until(() -> !discord.requests().isEmpty());
    }

    @Test
    void unsigned_badly_signed_stale_or_non_json_requests_are_refused_and_stored_nowhere() throws Exception {
        startWebhookApp("webhook", Map.of());
        String body = Fixtures.json("webhook/official-events.json").get("channel.followed").toString();
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String now = Instant.now().toString();
        KickWebhookSender stranger = new KickWebhookSender("http://127.0.0.1:" + webhookPort + "/kick/webhook");

        assertEquals(401, sender().post("channel.followed", "m1", now, bytes, null).statusCode(), "no signature");
        assertEquals(401, sender().post("channel.followed", null, now, bytes, "c2ln").statusCode(), "no message id");
        assertEquals(401, sender().post("channel.followed", "m2", now, bytes, "not base64 at all!").statusCode());
        assertEquals(401, stranger.send("channel.followed", "m3", now, bytes), "signed with another key");
        byte[] tampered = body.replace("new_follower", "new_fol1ower").getBytes(StandardCharsets.UTF_8);
        assertEquals(401, sender().post("channel.followed", "m4", now, tampered, sender().sign("m4", now, bytes)).statusCode(),
                "a body changed after signing");
        assertEquals(401, sender().post("channel.followed", "m5", now, bytes, sender().sign("m5x", now, bytes)).statusCode(),
                "the signature of another message id");
        String old = Instant.now().minusSeconds(301).toString();
        HttpResponse<String> stale = sender().post("channel.followed", "m6", old, bytes, sender().sign("m6", old, bytes));
        assertEquals(401, stale.statusCode(), "older than kick.webhook.max-age");
        assertTrue(stale.body().contains("kick.webhook.max-age"), stale.body());
        byte[] notJson = "hello, not json".getBytes(StandardCharsets.UTF_8);
        assertEquals(400, sender().send("channel.followed", "m7", now, notJson), "signed, but not JSON");
        byte[] big = new byte[2 * 1024 * 1024];
        java.util.Arrays.fill(big, (byte) ' ');
        assertEquals(413, sender().send("channel.followed", "m8", now, big), "a 2 MB body");

        HttpResponse<String> form = sender().post("application/x-www-form-urlencoded", "channel.followed", "m9", now, bytes,
                sender().sign("m9", now, bytes));
        assertEquals(415, form.statusCode(), "a form body, as curl sends without -H Content-Type");

        // one good one behind them: once it is stored, a refused one would have been stored before it
        assertEquals(200, sender().send("channel.followed", "good-1", now, bytes));
        await().atMost(10, SECONDS).until(() -> dbRows().size() >= 1);
        assertEquals(1, dbRows().size());
        assertEquals("good-1", dbRows().get(0).get("id").asText());
        Map<String, Object> details = webhookReadiness().getDetails();
        assertEquals(1L, details.get("verified"));
        assertEquals(4L, details.get("refused_bad_signature"), details.toString());
        assertEquals(2L, details.get("refused_unsigned"));
        assertEquals(1L, details.get("refused_stale"));
        assertEquals(1L, details.get("refused_not_json"));
        String metrics = metrics();
        assertTrue(metrics.contains("kickwatch_webhook_verified_total 1.0"), metrics);
        assertTrue(metrics.contains("kickwatch_webhook_refused_total{reason=\"bad-signature\"} 4.0"), metrics);
        assertTrue(metrics.contains("kickwatch_webhook_refused_total{reason=\"stale\"} 1.0"), metrics);
    }

    @Test
    void a_repeated_message_id_is_answered_200_and_stored_once() throws Exception {
        startWebhookApp("webhook", Map.of());
        byte[] body = Fixtures.json("webhook/official-events.json").get("channel.subscription.new").toString()
                .getBytes(StandardCharsets.UTF_8);
        String now = Instant.now().toString();
        assertEquals(200, sender().send("channel.subscription.new", "dup-1", now, body));
        assertEquals(200, sender().send("channel.subscription.new", "dup-1", now, body));
        assertEquals(200, sender().send("channel.followed", "marker", now,
                Fixtures.json("webhook/official-events.json").get("channel.followed").toString().getBytes(StandardCharsets.UTF_8)));
        await().atMost(10, SECONDS).until(() -> dbRows().size() >= 2);
        assertEquals(List.of("dup-1", "marker"), dbRows().stream().map(r -> r.get("id").asText()).toList());
        await().atMost(10, SECONDS).until(() -> !discord.requests().isEmpty());
        int embeds = 0;
        for (HttpSinkServer.Request r : discord.requests()) {
            embeds += JSON.readTree(r.body()).get("embeds").size();
        }
        assertEquals(1, embeds, "one notification of the sub");
    }

    @Test
    void the_same_chat_message_from_the_socket_and_as_a_webhook_is_one_row_and_one_notification() throws Exception {
        startWebhookApp("both", Map.of("discord.chat", "all"));
        await().atMost(10, SECONDS).until(() -> kick.subscribedChannels().size() == 4);
        String id = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee";
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent", "{\"id\":\"" + id + "\",\"chatroom_id\":1000,"
                + "\"content\":\"hello both\",\"type\":\"message\",\"created_at\":\"2025-01-14T16:08:06+00:00\","
                + "\"sender\":{\"id\":987654321,\"username\":\"sender_name\",\"slug\":\"sender_name\"}}");
        await().atMost(10, SECONDS).until(() -> dbRows().size() >= 1);
        JsonNode chat = Fixtures.json("webhook/official-events.json").get("chat.message.sent").deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) chat).put("message_id", id).put("content", "hello both");
        assertEquals(200, sender().send("chat.message.sent", chat.toString()));
        // and the other way round: first the webhook, then the socket
        String id2 = "ffffffff-bbbb-4ccc-8ddd-eeeeeeeeeeee";
        ((com.fasterxml.jackson.databind.node.ObjectNode) chat).put("message_id", id2).put("content", "second");
        assertEquals(200, sender().send("chat.message.sent", chat.toString()));
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent", "{\"id\":\"" + id2 + "\",\"chatroom_id\":1000,"
                + "\"content\":\"second\",\"type\":\"message\",\"sender\":{\"id\":987654321,\"username\":\"sender_name\"}}");
        // the stream going live, on the socket and then as a webhook: one row (the socket's), one live alert
        kick.publish("channel.2000", "App\\Events\\StreamerIsLive", "{\"livestream\":{\"id\":555,\"channel_id\":2000,"
                + "\"session_title\":\"Live both ways\",\"created_at\":\"2025-01-14T16:08:06+00:00\"}}");
        await().atMost(10, SECONDS).until(() -> dbRows().size() >= 3);
        JsonNode live = Fixtures.json("webhook/official-events.json").get("livestream.status.updated");
        assertEquals(200, sender().send("livestream.status.updated", live.toString()));
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"marker-1\",\"content\":\"marker\",\"type\":\"message\",\"sender\":{\"id\":1,\"username\":\"m\"}}");
        await().atMost(10, SECONDS).until(() -> dbRows().stream().anyMatch(r -> r.get("id").asText().equals("marker-1")));
        assertEquals(List.of(id, id2, "live-555", "marker-1"), dbRows().stream().map(r -> r.get("id").asText()).toList());
        // Discord gets them in order: once the marker is there, a repeat would have been sent before it
        await().atMost(10, SECONDS).until(() -> discord.requests().stream().anyMatch(r -> r.body().contains("marker")));
        int notifications = 0;
        for (HttpSinkServer.Request r : discord.requests()) {
            notifications += JSON.readTree(r.body()).get("embeds").size();
        }
        assertEquals(4, notifications, "one notification per chat message, one live alert");
        assertEquals(HealthCheck.State.UP, webhookReadiness().getState());
    }

    @Test
    void the_app_keeps_the_subscriptions_of_its_channels_and_readiness_names_what_kick_refused() throws Exception {
        try (FakeKickOfficialApi api = new FakeKickOfficialApi("app-client", "SECRET-kick-client-secret")
                .channel("testchan", 2007).failing("livestream.status.updated")) {
            startWebhookApp("webhook", Map.of("kick.api.client-id", "app-client", "kick.api.client-secret",
                    "SECRET-kick-client-secret", "kick.api.url", api.url(), "kick.api.auth-url", api.url(),
                    "kick.api.events", "chat.message.sent,livestream.status.updated"));
            await().atMost(10, SECONDS).until(() -> webhookReadiness().getMessage().orElse("").contains("refused by Kick"));
            assertEquals(HealthCheck.State.DOWN, webhookReadiness().getState());
            assertEquals("1 subscription refused by Kick: testchan livestream.status.updated: webhooks are not enabled for app",
                    webhookReadiness().getMessage().get());
            assertEquals(List.of("2007|chat.message.sent"), api.subscriptions());
            assertEquals(1, webhookReadiness().getDetails().get("subscriptions"));
        }
    }

    private String metrics() throws Exception {
        String port = app.context().getPropertiesComponent().resolveProperty("camel.management.port").orElseThrow();
        return java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + port + "/observe/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private HealthCheck.Result webhookReadiness() {
        return HealthCheckHelper.invokeReadiness(app.context(), "full").stream()
                .filter(r -> r.getCheck().getId().equals("kick-webhook")).findFirst().orElseThrow();
    }
}
