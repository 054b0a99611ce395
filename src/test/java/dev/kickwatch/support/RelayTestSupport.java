package dev.kickwatch.support;

import java.nio.file.Path;
import java.util.Map;

import dev.kickwatch.demo.PusherServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;

/**
 * The peers of a relay test — a Pusher-protocol server for Kick, local HTTP servers for Discord and the DB — and the
 * app started in-process against them with known secret values, so tests can search their output for them.
 */
public abstract class RelayTestSupport {

    protected static final String DISCORD_TOKEN = "SECRET-discord-token-for-tests";
    protected static final String DB_KEY = "SECRET-db-key-for-tests";
    protected static final String WEBHOOK_PATH = "/api/webhooks/123456/" + DISCORD_TOKEN;

    @TempDir
    protected Path data;

    protected PusherServer kick;
    protected HttpSinkServer discord;
    protected HttpSinkServer db;
    protected KickwatchApp app;

    @BeforeEach
    void startPeers() throws Exception {
        kick = new PusherServer("testkey");
        kick.start(0);
        discord = new HttpSinkServer();
        db = new HttpSinkServer();
    }

    @AfterEach
    void stopAll() throws Exception {
        if (app != null) {
            app.close();
        }
        kick.close();
        discord.close();
        db.close();
    }

    /** Starts the app against the peers ({@code extra} wins) and waits until the 4 Pusher channels are subscribed. */
    protected void startApp(Map<String, String> extra) throws Exception {
        Map<String, String> p = KickwatchApp.baseProperties(kick.url(), data.toString());
        p.put("discord.webhook.url", discord.url(WEBHOOK_PATH));
        p.put("db.url", db.url("/rest/v1/kick_events"));
        p.put("db.api-key", DB_KEY);
        p.putAll(extra);
        app = KickwatchApp.start(p);
        await().atMost(10, SECONDS).until(() -> kick.subscribedChannels().size() == 4);
    }
}
