package dev.kickwatch;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import dev.kickwatch.demo.PusherServer;
import dev.kickwatch.support.JarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.kickwatch.support.Fixtures.freePort;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the jar says at start-up, as a user starts it: its options, and settings it does not know. */
class StartupIT {

    @TempDir
    Path tmp;

    private List<String> lines(JarProcess app) {
        return app.output().lines().filter(l -> !l.startsWith("Picked up")).toList();
    }

    @Test
    void should_refuse_an_unknown_option_with_exit_2_and_one_line() throws Exception {
        try (JarProcess app = JarProcess.start(tmp.resolve("profle.log"), Map.of(), "--profle", "prod")) {
            assertEquals(2, app.waitForExit(30), app.output());
            assertEquals(List.of("kickwatch: unknown option '--profle' (did you mean --profile?); kickwatch --help lists the "
                    + "options"), lines(app));
        }
    }

    @Test
    void should_print_its_own_usage_and_version() throws Exception {
        try (JarProcess help = JarProcess.start(tmp.resolve("help.log"), Map.of(), "--help")) {
            assertEquals(0, help.waitForExit(30), help.output());
            String out = help.output();
            assertTrue(out.startsWith("Usage: java [JVM options] -jar kickwatch.jar"), out);
            for (String expected : List.of("demo:", "dev:", "prod:", "KICK_CHANNELS", "DISCORD_WEBHOOK_URL", "DB_URL",
                    "KICKWATCH_DATA_DIR", "CAMEL_MANAGEMENT_PORT", "README.md")) {
                assertTrue(out.contains(expected), expected + " in:\n" + out);
            }
            assertFalse(out.contains("Apache Camel Runner"), "not Camel's generic help:\n" + out);
        }
        try (JarProcess version = JarProcess.start(tmp.resolve("version.log"), Map.of(), "--version")) {
            assertEquals(0, version.waitForExit(30), version.output());
            List<String> lines = lines(version);
            assertEquals(1, lines.size(), version.output());
            assertTrue(lines.get(0).matches("kickwatch \\d+\\.\\d+\\.\\d+\\S*, Apache Camel 4\\.17\\.0"), lines.get(0));
        }
    }

    @Test
    void should_warn_of_a_misspelled_setting_and_refuse_it_under_prod() throws Exception {
        try (PusherServer kick = new PusherServer("startkey")) {
            kick.start(0);
            Map<String, String> env = Map.of("KICK_PUSHER_URL", kick.url(), "KICK_CHANNELS", "startchan:1000",
                    "KICKWATCH_DATA_DIR", tmp.resolve("data").toString(), "CAMEL_MANAGEMENT_PORT", String.valueOf(freePort()),
                    "DISCORD_WEBHOK_URL", "https://discord.example/api/webhooks/1/SECRET-token");
            try (JarProcess app = JarProcess.start(tmp.resolve("warn.log"), env)) {
                await().atMost(30, SECONDS).until(() -> app.output().contains("Connected to Kick"));
                assertTrue(app.output().contains("unknown environment variable DISCORD_WEBHOK_URL (did you mean "
                        + "DISCORD_WEBHOOK_URL?): it is ignored"), app.output());
                // the start-up summary shows what the typo means: notifications go to the console
                assertTrue(app.output().contains("Discord:  the console (no discord.webhook.url)"), app.output());
                assertTrue(app.output().contains("Kick:     1 channel (startchan) from 127.0.0.1:" + kick.port()), app.output());
                assertFalse(app.output().contains("SECRET"), app.output());
            }
            try (JarProcess app = JarProcess.start(tmp.resolve("prod.log"), env, "--profile", "prod")) {
                assertNotEquals(0, app.waitForExit(60), app.output());
                String line = "unknown environment variable DISCORD_WEBHOK_URL (did you mean DISCORD_WEBHOOK_URL?) (the prod "
                        + "profile starts only with known settings)";
                assertTrue(app.output().lines().anyMatch(l -> l.endsWith(line)), app.output());
                assertFalse(app.output().contains("SECRET"), app.output());
            }
        }
    }

    @Test
    void should_exit_1_with_one_line_naming_a_busy_management_port() throws Exception {
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0)) {
            Map<String, String> env = Map.of("KICK_PUSHER_URL", "ws://127.0.0.1:9/app/x?protocol=7", "KICK_CHANNELS", "c:1",
                    "KICKWATCH_DATA_DIR", tmp.resolve("data").toString(),
                    "CAMEL_MANAGEMENT_PORT", String.valueOf(busy.getLocalPort()));
            try (JarProcess app = JarProcess.start(tmp.resolve("port.log"), env)) {
                assertEquals(1, app.waitForExit(60), app.output());
                assertTrue(app.output().lines().anyMatch(l -> l.equals("kickwatch failed to start: camel.management.port "
                        + "(CAMEL_MANAGEMENT_PORT): port " + busy.getLocalPort() + " is in use by another process; stop it or "
                        + "choose another port")), app.output());
                assertFalse(app.output().contains("\tat "), "no stack trace:\n" + app.output());
            }
        }
    }

    @Test
    void should_exit_1_with_one_line_naming_a_data_directory_it_cannot_write() throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "not a directory");
        Map<String, String> env = Map.of("KICK_PUSHER_URL", "ws://127.0.0.1:9/app/x?protocol=7", "KICK_CHANNELS", "c:1",
                "KICKWATCH_DATA_DIR", file.resolve("data").toString(), "CAMEL_MANAGEMENT_PORT", String.valueOf(freePort()));
        try (JarProcess app = JarProcess.start(tmp.resolve("datadir.log"), env)) {
            assertEquals(1, app.waitForExit(60), app.output());
            assertTrue(app.output().lines().anyMatch(l -> l.startsWith("kickwatch failed to start: kickwatch.data-dir "
                    + "(KICKWATCH_DATA_DIR): " + file.resolve("data") + " is not a writable directory")), app.output());
            assertFalse(app.output().contains("\tat "), "no stack trace:\n" + app.output());
        }
    }

    @Test
    void should_say_loudly_that_the_example_channel_is_watched_and_refuse_it_under_prod() throws Exception {
        Map<String, String> env = Map.of("KICK_PUSHER_URL", "ws://127.0.0.1:9/app/x?protocol=7",
                "KICKWATCH_DATA_DIR", tmp.resolve("data").toString(), "CAMEL_MANAGEMENT_PORT", String.valueOf(freePort()),
                "DISCORD_WEBHOOK_URL", "http://127.0.0.1:9/api/webhooks/1/SECRET-token", "DB_URL", "http://127.0.0.1:9/rest/v1/t");
        try (JarProcess app = JarProcess.start(tmp.resolve("example.log"), env)) {
            await().atMost(30, SECONDS).until(() -> app.output().contains("Routes startup"));
            assertTrue(app.output().contains("KICK_CHANNELS is not set: watching the example channel xqc:668 only"),
                    app.output());
        }
        try (JarProcess app = JarProcess.start(tmp.resolve("example-prod.log"), env, "--profile", "prod")) {
            assertEquals(1, app.waitForExit(60), app.output());
            assertTrue(app.output().lines().anyMatch(l -> l.equals("kickwatch failed to start: kick.channels (KICK_CHANNELS) "
                    + "is not set: the prod profile does not watch the example channel xqc:668; set KICK_CHANNELS")),
                    app.output());
            assertFalse(app.output().contains("SECRET"), app.output());
        }
    }

    @Test
    void should_find_routes_through_a_symbolic_link_and_refuse_to_start_without_them() throws Exception {
        Map<String, String> env = Map.of("KICK_PUSHER_URL", "ws://127.0.0.1:9/app/x?protocol=7", "KICK_CHANNELS", "c:1",
                "KICKWATCH_DATA_DIR", tmp.resolve("data").toString(), "CAMEL_MANAGEMENT_PORT", String.valueOf(freePort()));
        // routes -> a directory elsewhere, as a package or a config-management tool installs them
        Path linked = java.nio.file.Files.createDirectories(tmp.resolve("linked"));
        java.nio.file.Files.createSymbolicLink(linked.resolve("routes"), Path.of("routes").toAbsolutePath());
        try (JarProcess app = JarProcess.startIn(linked, tmp.resolve("linked.log"), env)) {
            await().atMost(30, SECONDS).until(() -> app.output().contains("Routes startup"));
            // all routes found (those of the webhook source and of Kafka are not made without their settings)
            assertTrue(app.output().contains("Routes startup (total:10"), app.output());
            app.sigterm();
            assertEquals(0, app.waitForExit(60), app.output());
        }
        // an empty routes directory: nothing would ever be relayed
        Path empty = java.nio.file.Files.createDirectories(tmp.resolve("empty/routes")).getParent().toRealPath();
        try (JarProcess app = JarProcess.startIn(empty, tmp.resolve("empty.log"), env)) {
            assertEquals(1, app.waitForExit(60), app.output());
            assertTrue(app.output().lines().anyMatch(l -> l.equals("kickwatch failed to start: no routes found in file:"
                    + empty.resolve("routes") + "/*.camel.yaml: start kickwatch from the directory that holds "
                    + "routes/*.camel.yaml, or from any other to use the routes inside the jar")), app.output());
            assertFalse(app.output().contains("\tat "), "no stack trace:\n" + app.output());
        }
        // routes without kick-ingest: the sinks would wait for events that never come
        Path partial = java.nio.file.Files.createDirectories(tmp.resolve("partial/routes")).toRealPath();
        try (var files = java.nio.file.Files.list(Path.of("routes"))) {
            for (Path f : files.filter(f -> !f.getFileName().toString().equals("kick-ingest.camel.yaml")).toList()) {
                java.nio.file.Files.copy(f, partial.resolve(f.getFileName()));
            }
        }
        try (JarProcess app = JarProcess.startIn(partial.getParent(), tmp.resolve("partial.log"), env)) {
            assertEquals(1, app.waitForExit(60), app.output());
            assertTrue(app.output().lines().anyMatch(l -> l.startsWith("kickwatch failed to start: no route with id "
                    + "'kick-ingest' in file:" + partial + "/*.camel.yaml (")), app.output());
            assertFalse(app.output().contains("\tat "), "no stack trace:\n" + app.output());
        }
    }

    @Test
    void should_probe_the_sinks_and_say_not_ready_from_the_first_failed_connect() throws Exception {
        try (dev.kickwatch.support.HttpSinkServer discord = new dev.kickwatch.support.HttpSinkServer();
             dev.kickwatch.support.HttpSinkServer db = new dev.kickwatch.support.HttpSinkServer()) {
            discord.probeAnswer(dev.kickwatch.support.HttpSinkServer.Response.of(404,
                    "{\"message\": \"Unknown Webhook\", \"code\": 10015}"));
            db.probeAnswer(dev.kickwatch.support.HttpSinkServer.Response.of(401,
                    "{\"code\":\"PGRST301\",\"message\":\"JWSError JWSInvalidSignature\"}"));
            int port = freePort();
            Map<String, String> env = Map.of("KICK_PUSHER_URL", "ws://127.0.0.1:9/app/x?protocol=7", "KICK_CHANNELS", "c:1",
                    "KICKWATCH_DATA_DIR", tmp.resolve("data").toString(), "CAMEL_MANAGEMENT_PORT", String.valueOf(port),
                    "DISCORD_WEBHOOK_URL", discord.url("/api/webhooks/1/SECRET-token"),
                    "DB_URL", db.url("/rest/v1/kick_events"), "DB_API_KEY", "SECRET-key");
            try (JarProcess app = JarProcess.start(tmp.resolve("probe.log"), env)) {
                // outside prod the start does not wait for the answers: they are said when they come
                await().atMost(30, SECONDS).until(() -> app.output().contains("Routes startup")
                        && app.output().contains("SinkProbe - Probe: discord.webhook.url")
                        && app.output().contains("SinkProbe - Probe: db.api-key"));
                assertTrue(app.output().contains("[ERROR] SinkProbe - Probe: discord.webhook.url (DISCORD_WEBHOOK_URL): discord "
                        + "at 127.0.0.1:" + discord.port() + " answers HTTP 404 (Unknown Webhook): the webhook was deleted, or the "
                        + "URL is wrong; nothing is sent to it until restart, messages go to the discord journal"), app.output());
                assertTrue(app.output().contains("[ERROR] SinkProbe - Probe: db.api-key (DB_API_KEY): db at 127.0.0.1:"
                        + db.port() + " answers HTTP 401 (JWSError JWSInvalidSignature): the key is wrong or may not use this "
                        + "table"), app.output());
                assertEquals("limit=0", db.probes().get(0).query());
                assertEquals("SECRET-key", db.probes().get(0).headers().get("apikey"));
                assertTrue(discord.requests().isEmpty() && db.requests().isEmpty(), "a probe sends no data");
                // Kick cannot be reached: not ready at once, with the reason, not after the 60 s grace period
                java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
                java.net.http.HttpRequest ready = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/observe/health/ready")).build();
                await().atMost(20, SECONDS).until(() -> {
                    var r = http.send(ready, java.net.http.HttpResponse.BodyHandlers.ofString());
                    return r.statusCode() == 503 && r.body().contains("cannot connect to 127.0.0.1:9: connection refused");
                });
                String health = http.send(ready, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                assertTrue(health.contains("discord answered HTTP 404: not used until restart"), health);
                assertFalse(health.contains("SECRET"), health);
                assertFalse(app.output().contains("SECRET"), app.output());
                app.sigterm();
                assertEquals(0, app.waitForExit(60), app.output());
            }
            // prod: both refusals in one line, and no start
            try (JarProcess app = JarProcess.start(tmp.resolve("probe-prod.log"), env, "--profile", "prod")) {
                assertEquals(1, app.waitForExit(60), app.output());
                assertTrue(app.output().lines().anyMatch(l -> l.startsWith("kickwatch failed to start: discord.webhook.url "
                        + "(DISCORD_WEBHOOK_URL): discord at 127.0.0.1:" + discord.port() + " answers HTTP 404")
                        && l.contains("; db.api-key (DB_API_KEY): db at 127.0.0.1:" + db.port() + " answers HTTP 401")
                        && l.endsWith("(the prod profile starts only with sinks that accept their settings)")), app.output());
                assertFalse(app.output().contains("SECRET"), app.output());
                assertFalse(app.output().contains("\tat "), "no stack trace:\n" + app.output());
            }
        }
        // sinks that cannot be reached now: a WARN each, and it starts (they may come later)
        Map<String, String> env = Map.of("KICK_PUSHER_URL", "ws://127.0.0.1:9/app/x?protocol=7", "KICK_CHANNELS", "c:1",
                "KICKWATCH_DATA_DIR", tmp.resolve("data2").toString(), "CAMEL_MANAGEMENT_PORT", String.valueOf(freePort()),
                "DISCORD_WEBHOOK_URL", "http://127.0.0.1:9/api/webhooks/1/SECRET-token", "DB_URL", "http://127.0.0.1:9/rest/v1/t");
        try (JarProcess app = JarProcess.start(tmp.resolve("probe-down.log"), env, "--profile", "prod")) {
            await().atMost(30, SECONDS).until(() -> app.output().contains("Routes startup"));
            assertTrue(app.output().contains("[WARN] SinkProbe - Probe: discord at 127.0.0.1:9 cannot be reached now "
                    + "(connection refused); its events wait in the discord journal until it answers"), app.output());
            assertTrue(app.output().contains("[WARN] SinkProbe - Probe: db at 127.0.0.1:9 cannot be reached now"), app.output());
            app.sigterm();
            assertEquals(0, app.waitForExit(60), app.output());
        }
    }
}
