package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import dev.kickwatch.demo.PusherServer;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.JarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.kickwatch.support.Fixtures.JSON;
import static dev.kickwatch.support.Fixtures.publish;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The routes, properties and Java code of the project run by the Camel CLI ({@code camel run}, here cli/camel: the
 * same commands from camel-jbang-core 4.17.0 without JBang), exactly as README tells users, against local peers:
 * one Kick event goes end to end into the DB and Discord; its log file has no colour codes; SIGTERM stops it gracefully
 * with exit code 0, and a route that cannot start ends it with 1.
 */
class CamelCliIT {

    private static final String DISCORD_TOKEN = "SECRET-cli-discord-token";
    private static final String DB_KEY = "SECRET-cli-db-key";

    @TempDir
    Path tmp;

    @Test
    void should_relay_one_event_end_to_end_under_camel_run() throws Exception {
        String version = System.getProperty("project.version");
        Path thinJar = Path.of("target", "kickwatch-" + version + ".jar");
        assertTrue(Files.isRegularFile(thinJar), "run mvn package first: " + thinJar);

        // the build installed this jar into the local repository before the integration tests (pom.xml), as
        // mvn install does for users
        try (PusherServer kick = new PusherServer("clikey");
             HttpSinkServer discord = new HttpSinkServer();
             HttpSinkServer db = new HttpSinkServer()) {
            kick.start(0);
            db.behave(r -> HttpSinkServer.Response.of(201));
            List<String> cmd = new ArrayList<>(List.of("bash", "cli/camel", "run"));
            try (Stream<Path> routes = Files.list(Path.of("routes"))) {
                routes.filter(p -> p.toString().endsWith(".camel.yaml")).sorted().forEach(p -> cmd.add(p.toString()));
            }
            cmd.addAll(List.of("application.properties", "--dep=dev.kickwatch:kickwatch:" + version,
                    "--max-seconds=600"));
            Map<String, String> env = Map.of(
                    "KICK_PUSHER_URL", kick.url(),
                    "KICK_CHANNELS", "clichan:1000:2000",
                    "DISCORD_WEBHOOK_URL", discord.url("/api/webhooks/1/" + DISCORD_TOKEN),
                    "DB_URL", db.url("/rest/v1/kick_events"),
                    "DB_API_KEY", DB_KEY,
                    "KICKWATCH_DATA_DIR", tmp.resolve("data").toString(),
                    "CAMEL_MANAGEMENT_PORT", String.valueOf(dev.kickwatch.support.Fixtures.freePort()));
            try (JarProcess cli = JarProcess.command(tmp.resolve("cli.log"), env, cmd)) {
                // on a fresh machine the first call builds the CLI (Maven downloads camel-jbang-core): give it time
                await().atMost(480, SECONDS).until(() -> kick.subscribedChannels().size() == 4 || !cli.isAlive());
                assertEquals(4, kick.subscribedChannels().size(), () -> "camel run did not subscribe; output:\n" + cli.output());

                publish(kick, "subscription");
                await().atMost(30, SECONDS).until(() -> !db.requests().isEmpty() && !discord.requests().isEmpty());
                String row = JSON.readTree(db.requests().get(0).body()).get(0).path("type").asText();
                assertEquals("channel.subscription.new", row);
                assertTrue(discord.requests().get(0).body().contains("subscribed"), discord.requests().get(0).body());

                // the log file camel run writes for camel log / camel get (cli/camel execs java: same PID); it is
                // removed when camel run stops
                Path logFile = Path.of(System.getProperty("user.home"), ".camel", cli.pid() + ".log");
                assertTrue(Files.isRegularFile(logFile), "camel run's log file " + logFile);
                String logText = Files.readString(logFile);
                assertTrue(logText.contains("Apache Camel 4.17.0 (kickwatch) started"), logText);
                assertFalse(logText.contains("\u001B"), "ANSI colour codes in " + logFile + ":\n" + logText);

                // SIGTERM, as systemd or a container runtime stops it: a graceful stop, and exit code 0 as the jar's
                cli.sigterm();
                int exit = cli.waitForExit(60);
                String out = cli.output();
                assertEquals(0, exit, () -> "exit code of camel run after SIGTERM; output:\n" + out);
                assertTrue(out.contains("JVM shutdown hook triggered by SIGTERM"), out);
                assertTrue(out.contains("Routes stopped") && out.contains("Stopped kick-ingest"), out);
                assertTrue(out.contains("Apache Camel (JBang) 4.17.0 is shutdown"), "Camel's last line:\n" + out);
                assertTrue(out.contains("The application is starting with profile: dev"), "camel run's default profile");
                assertFalse(out.contains(DISCORD_TOKEN) || out.contains(DB_KEY), "no secret in the CLI output");
            }
        }
    }

    @Test
    void should_exit_non_zero_when_a_route_fails_to_start() throws Exception {
        Path route = tmp.resolve("bad.camel.yaml");
        Files.writeString(route, String.join("\n",
                "- route:",
                "    id: bad",
                "    from:",
                "      uri: timer:tick?perod=1000",
                "      steps:",
                "        - log: tick",
                ""));
        List<String> cmd = List.of("bash", Path.of("cli", "camel").toAbsolutePath().toString(), "run",
                route.getFileName().toString());
        try (JarProcess cli = JarProcess.command(tmp, tmp.resolve("bad.log"), Map.of(), cmd)) {
            // on a fresh machine the first call builds the CLI: give it time
            int exit = cli.waitForExit(480);
            assertEquals(1, exit, () -> "exit code of camel run with a route that cannot start:\n" + cli.output());
            assertTrue(cli.output().contains("perod"), cli.output());
        }
    }
}
