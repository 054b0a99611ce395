package dev.kickwatch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.sink.Journal;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.RelayTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /status.json in-process: the journal backlog, the source, secrets masked, and no page when switched off. The page in a browser: StatusPageIT. */
class StatusPageTest extends RelayTestSupport {

    int port;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void freePort() throws Exception {
        port = dev.kickwatch.support.Fixtures.freePort();
    }

    @Test
    void should_show_the_journal_backlog_the_source_and_no_secret() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(503));
        startApp(Map.of("camel.management.port", Integer.toString(port), "kick.source", "both",
                "kick.webhook.port", Integer.toString(dev.kickwatch.support.Fixtures.freePort())));
        for (int i = 0; i < 30; i++) {
            kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                    "{\"id\":\"sp-" + i + "\",\"content\":\"hi\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
        }
        java.nio.file.Path file = data.resolve("journal/db.jsonl");
        await().atMost(15, SECONDS).until(() -> Journal.pendingLines(file).size() == 30);
        await().atMost(5, SECONDS).until(() -> sink(status(), "db").path("journalRows").asLong() == 30
                && status().path("channels").path(0).path("eventsPerMinute").asLong() == 30);
        JsonNode s = status();
        assertEquals(java.nio.file.Files.size(file), sink(s, "db").path("journalBytes").asLong());
        assertEquals("both", s.path("socket").path("source").asText());
        assertTrue(s.path("socket").path("connected").asBoolean());
        assertEquals(0, s.path("socket").path("webhook").path("verified").asLong(), "the webhook source, with both");
        assertEquals("made by hand", s.path("socket").path("webhook").path("subscriptions").asText());
        assertEquals("testchan", s.path("channels").path(0).path("slug").asText());

        // a warning that carried a secret (none of kickwatch's do) is shown with *** in its place
        LoggerFactory.getLogger("dev.kickwatch.Test").warn("posting to {} with key {}", discord.url(WEBHOOK_PATH), DB_KEY);
        await().atMost(5, SECONDS).until(() -> status().path("warnings").toString().contains("posting to ***"));
        String json = get("/status.json").body();
        assertFalse(json.contains(DISCORD_TOKEN), json);
        assertFalse(json.contains(DB_KEY), json);
        assertTrue(json.contains("with key ***"), json);
    }

    @Test
    void should_serve_no_page_when_switched_off() throws Exception {
        startApp(Map.of("camel.management.port", Integer.toString(port), "kickwatch.status.enabled", "false"));
        assertEquals(404, get("/").statusCode());
        assertEquals(404, get("/status.json").statusCode());
        assertEquals(200, get("/observe/health/live").statusCode());
    }

    private JsonNode status() throws Exception {
        HttpResponse<String> r = get("/status.json");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static JsonNode sink(JsonNode status, String name) {
        for (JsonNode s : status.path("sinks")) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        return JSON.createObjectNode();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
