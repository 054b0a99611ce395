package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.kickwatch.demo.PusherServer;
import dev.kickwatch.support.FakeKickApi;
import dev.kickwatch.support.JarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.kickwatch.support.Fixtures.freePort;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Channels by slug, with the jar as a real process and a local stand-in for Kick's channel endpoint: {@code resolve}
 * prints the KICK_CHANNELS line; at start-up a bare slug is looked up once and then comes from the data directory.
 */
class ResolveIT {

    @TempDir
    Path tmp;

    private static List<String> lines(JarProcess app) {
        return app.output().lines().filter(l -> !l.startsWith("Picked up")).toList();
    }

    @Test
    void should_print_the_kick_channels_line_and_exit_0() throws Exception {
        try (FakeKickApi kick = new FakeKickApi().channel("xqc", 668, 676).channel("trainwreckstv", 1234, 5678)) {
            try (JarProcess app = JarProcess.start(tmp.resolve("resolve.log"), Map.of("KICK_API_BASE_URL", kick.baseUrl()),
                    "resolve", "xqc", "trainwreckstv")) {
                assertEquals(0, app.waitForExit(30), app.output());
                assertEquals(List.of("xqc: chatroom 668, channel 676", "trainwreckstv: chatroom 1234, channel 5678",
                        "KICK_CHANNELS=xqc:668:676,trainwreckstv:1234:5678"), lines(app));
            }
            assertEquals(2, kick.requests().size());
            assertTrue(kick.requests().get(0).headers().get("user-agent").contains("Chrome/"), kick.requests().toString());
        }
    }

    @Test
    void should_say_in_one_line_what_to_do_when_kick_refuses_and_exit_1() throws Exception {
        try (FakeKickApi kick = new FakeKickApi().channel("xqc", 668, 676).refuseLikeCloudflare();
             JarProcess app = JarProcess.start(tmp.resolve("refused.log"), Map.of("KICK_API_BASE_URL", kick.baseUrl()),
                     "resolve", "xqc")) {
            assertEquals(1, app.waitForExit(30), app.output());
            assertEquals(List.of("kickwatch: Kick refused the lookup of 'xqc' (Cloudflare, HTTP 403): open " + kick.baseUrl()
                    + "/api/v2/channels/xqc in a browser and set KICK_CHANNELS=xqc:<chatroom.id>:<id>"), lines(app));
        }
    }

    @Test
    void should_exit_2_in_one_line_without_slugs() throws Exception {
        try (JarProcess app = JarProcess.start(tmp.resolve("noslug.log"), Map.of(), "resolve")) {
            assertEquals(2, app.waitForExit(30), app.output());
            assertEquals(List.of("kickwatch: resolve needs one or more channel slugs, e.g. kickwatch resolve xqc trainwreckstv"),
                    lines(app));
        }
    }

    @Test
    void should_look_a_bare_slug_up_once_and_start_from_the_cache_when_kick_is_down() throws Exception {
        Path data = tmp.resolve("data");
        int management = freePort();
        Map<String, String> env;
        String base;
        try (FakeKickApi api = new FakeKickApi().channel("barechan", 4242, 4343); PusherServer kick = new PusherServer("k")) {
            kick.start(0);
            base = api.baseUrl();
            env = Map.of("KICK_PUSHER_URL", kick.url(), "KICK_CHANNELS", "barechan,idchan:1000:2000",
                    "KICK_API_BASE_URL", base, "KICKWATCH_DATA_DIR", data.toString(),
                    "CAMEL_MANAGEMENT_PORT", String.valueOf(management));
            try (JarProcess app = JarProcess.start(tmp.resolve("first.log"), env)) {
                await().atMost(60, SECONDS).until(() -> kick.subscribedChannels().containsAll(Set.of("chatrooms.4242.v2",
                        "channel.4343", "chatrooms.1000.v2", "channel.2000")));
                assertTrue(app.output().contains("Kick:     2 channels (barechan, idchan) from 127.0.0.1:" + kick.port()),
                        app.output());
                assertTrue(app.output().contains("Kick channel barechan is barechan:4242:4343 (looked up at " + base
                        + "/api/v2/channels/barechan, cached in " + data.resolve("channels.json") + ")"), app.output());
                app.sigterm();
                assertEquals(0, app.waitForExit(60), app.output());
            }
            assertEquals(List.of("/api/v2/channels/barechan"), api.requests().stream().map(r -> r.path()).toList(),
                    "only the bare slug is looked up");
        }
        assertTrue(Files.readString(data.resolve("channels.json")).contains("\"chatroomId\" : 4242"));
        // Kick's API is gone now (its port is closed): the cache in the data directory is enough
        try (PusherServer kick = new PusherServer("k")) {
            kick.start(0);
            Map<String, String> again = new java.util.HashMap<>(env);
            again.put("KICK_PUSHER_URL", kick.url());
            try (JarProcess app = JarProcess.start(tmp.resolve("restart.log"), again)) {
                await().atMost(60, SECONDS).until(() -> kick.subscribedChannels().containsAll(Set.of("chatrooms.4242.v2",
                        "channel.4343", "chatrooms.1000.v2", "channel.2000")));
                assertTrue(app.output().contains("Kick:     2 channels (barechan, idchan) from 127.0.0.1:" + kick.port()),
                        app.output());
                assertTrue(app.output().contains("Kick channel barechan is barechan:4242:4343 (from "
                        + data.resolve("channels.json") + ")"), app.output());
                app.sigterm();
                assertEquals(0, app.waitForExit(60), app.output());
            }
        }
    }

    @Test
    void should_exit_1_in_one_line_when_a_bare_slug_is_neither_cached_nor_found() throws Exception {
        Path data = tmp.resolve("data");
        try (FakeKickApi api = new FakeKickApi().channel("barechan", 4242, 4343).refuseLikeCloudflare()) {
            Map<String, String> env = Map.of("KICK_PUSHER_URL", "ws://127.0.0.1:9/app/x?protocol=7", "KICK_CHANNELS", "barechan",
                    "KICK_API_BASE_URL", api.baseUrl(), "KICKWATCH_DATA_DIR", data.toString(),
                    "CAMEL_MANAGEMENT_PORT", String.valueOf(freePort()));
            try (JarProcess app = JarProcess.start(tmp.resolve("uncached.log"), env)) {
                assertEquals(1, app.waitForExit(60), app.output());
                String line = "kickwatch failed to start: kick.channels (KICK_CHANNELS): 'barechan' is given without ids and "
                        + "is not in " + data.resolve("channels.json") + "; Kick refused the lookup of 'barechan' (Cloudflare, "
                        + "HTTP 403): open " + api.baseUrl() + "/api/v2/channels/barechan in a browser and set "
                        + "KICK_CHANNELS=barechan:<chatroom.id>:<id>";
                assertEquals(List.of(line), app.output().lines().filter(l -> l.contains("Kick refused")).toList(), app.output());
                assertFalse(app.output().contains("\tat "), "no stack trace:\n" + app.output());
                assertFalse(app.output().contains("Connected to Kick"), app.output());
            }
        }
        assertFalse(Files.exists(data.resolve("channels.json")), "nothing cached");
    }
}
