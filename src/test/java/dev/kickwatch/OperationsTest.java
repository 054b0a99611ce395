package dev.kickwatch;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.RelayTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Health (liveness, readiness with reasons), Prometheus metrics, no secrets in either, README covers every property. */
class OperationsTest extends RelayTestSupport {

    int port;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeEach
    void freePort() throws Exception {
        port = dev.kickwatch.support.Fixtures.freePort();
    }

    void start(Map<String, String> extra) throws Exception {
        Map<String, String> p = new java.util.HashMap<>(Map.of("camel.management.port", Integer.toString(port), "discord.chat", "all"));
        p.putAll(extra);
        startApp(p);
    }

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode check(String path, String name) throws Exception {
        for (JsonNode c : JSON.readTree(get(path).body()).path("checks")) {
            if (name.equals(c.path("name").asText())) {
                return c;
            }
        }
        return JSON.createObjectNode();
    }

    void publish(int n) {
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                "{\"id\":\"o-" + n + "\",\"content\":\"hi\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
    }

    void assertNoSecrets(String text) {
        assertFalse(text.contains(DISCORD_TOKEN), "webhook token exposed");
        assertFalse(text.contains(DB_KEY), "DB key exposed");
    }

    @Test
    void should_report_ready_then_not_ready_with_the_reason_from_the_first_failed_connect() throws Exception {
        // the grace period is long: a failed attempt to connect says DOWN at once, not after it
        start(Map.of("kickwatch.health.disconnected-grace", "600000"));
        await().atMost(10, SECONDS).until(() -> get("/observe/health/ready").statusCode() == 200);
        int kickPort = kick.port();
        kick.stop();
        await().atMost(15, SECONDS).until(() -> get("/observe/health/ready").statusCode() == 503);
        JsonNode kickCheck = check("/observe/health/ready", "kick");
        assertEquals("DOWN", kickCheck.path("status").asText(), kickCheck.toString());
        assertEquals("cannot connect to 127.0.0.1:" + kickPort + ": connection refused", kickCheck.path("message").asText(),
                kickCheck.toString());
        assertEquals(200, get("/observe/health/live").statusCode(), "liveness stays UP");
    }

    @Test
    void should_report_not_ready_while_a_breaker_is_open_and_after_a_404() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(503));
        discord.behave(r -> HttpSinkServer.Response.of(404, "{\"message\":\"Unknown Webhook\",\"code\":10015}"));
        start(Map.of("db.cb.failures", "2", "db.cb.open-initial-seconds", "60", "db.cb.open-seconds", "60"));
        for (int i = 0; i < 3; i++) {
            publish(i);
            int n = i + 1;
            await().atMost(10, SECONDS).until(() -> db.requests().size() >= Math.min(n, 2));
        }
        await().atMost(10, SECONDS).until(() -> "DOWN".equals(check("/observe/health/ready", "db").path("status").asText()));
        assertTrue(check("/observe/health/ready", "db").toString().contains("OPEN"));
        await().atMost(10, SECONDS).until(() -> "DOWN".equals(check("/observe/health/ready", "discord").path("status").asText()));
        assertTrue(check("/observe/health/ready", "discord").toString().contains("404"));
        assertEquals(200, get("/observe/health/live").statusCode());
        String health = get("/observe/health").body();
        String metrics = get("/observe/metrics").body();
        assertNoSecrets(health);
        assertNoSecrets(metrics);
        assertTrue(metrics.contains("kickwatch_sink_breaker_state{sink=\"db\"} 2.0"), metrics);
        assertTrue(metrics.contains("kickwatch_sink_gone{sink=\"discord\"} 1.0"), metrics);
    }

    @Test
    void should_count_events_bad_frames_and_queues_in_prometheus_format() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(201));
        discord.behave(r -> HttpSinkServer.Response.of(204));
        start(Map.of());
        kick.sendRawTo(null, "{not json");
        kick.sendRawTo(null, "[" .repeat(5000) + "]".repeat(5000)); // JSON nested 5,000 deep
        kick.sendRawTo(null, "{\"event\":\"App\\\\Events\\\\ChatMessageEvent\",\"channel\":\"chatrooms.1000.v2\",\"data\":"
                + "\"" + "x".repeat(2 * 1024 * 1024) + "\"}"); // a 2 MB frame
        kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent", "[1,2]"); // wrong type: kept as unknown
        for (int i = 0; i < 5; i++) {
            publish(i);
        }
        await().atMost(10, SECONDS).until(() -> get("/observe/metrics").body()
                .contains("kickwatch_sink_sent_total{sink=\"db\"}"));
        await().atMost(10, SECONDS).until(() -> {
            String m = get("/observe/metrics").body();
            return m.contains("kickwatch_events_received_total{channel=\"testchan\",type=\"chat.message.sent\"} 5.0")
                    && m.contains("kickwatch_kick_frames_rejected_total 3.0");
        });
        String scrape = get("/observe/metrics").body();
        assertTrue(scrape.contains("kickwatch_sink_request_seconds_count{sink=\"db\"}"), "send latency per sink");
        assertTrue(scrape.contains("jvm_memory_used_bytes{area=\"heap\""), "JVM metrics");
        assertFalse(scrape.contains("camel_exchanges_total"), "no per-exchange Camel timers (docs/benchmarks.md)");
        String m = get("/observe/metrics").body();
        assertTrue(m.contains("kickwatch_events_received_total{channel=\"testchan\",type=\"unknown\"} 1.0"), m);
        for (String name : List.of("kickwatch_kick_connected 1.0", "kickwatch_kick_subscribed_channels 4.0",
                "kickwatch_queue_depth{queue=\"events\"}", "kickwatch_journal_bytes{journal=\"db\"}",
                "kickwatch_kick_last_message_age_seconds", "resilience4j_circuitbreaker_state", "kickwatch_journal_writable 1.0",
                "kickwatch_journal_write_errors_total 0.0")) {
            assertTrue(m.contains(name), name + " missing");
        }
        assertNoSecrets(m);
    }

    @Test
    void should_document_every_property_in_the_readme_table() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        List<String> missing = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("application.properties"))) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#") || !l.contains("=")) {
                continue;
            }
            String key = l.substring(0, l.indexOf('=')).trim();
            if (!key.startsWith("camel.") && !readme.contains("| `" + key + "` |")) {
                missing.add(key);
            }
        }
        assertEquals(List.of(), missing, "properties missing from README's configuration table");
    }
}
