package dev.kickwatch;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.demo.PusherServer;
import dev.kickwatch.pusher.KickConnectionState;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.KickwatchApp;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Kick ingest against a real Pusher-protocol server that misbehaves: every fault ends with all channels
 * resubscribed, never more than one socket, and each event stored once and in order.
 */
class KickIngestTest {

    static final int CHANNELS = 4;

    @TempDir
    Path data;

    PusherServer kick;
    HttpSinkServer db;
    KickwatchApp app;
    int sent;

    void start(Map<String, String> extra) throws Exception {
        start(extra, true);
    }

    void start(Map<String, String> extra, boolean startServer) throws Exception {
        if (kick == null) {
            kick = new PusherServer("testkey");
        }
        if (startServer) {
            kick.start(0);
        }
        db = new HttpSinkServer();
        db.behave(r -> HttpSinkServer.Response.of(201));
        Map<String, String> p = KickwatchApp.baseProperties(kick.url(), data.toString());
        p.put("db.url", db.url("/rest/v1/kick_events"));
        p.put("kickwatch.dedupe.window", "1"); // let duplicates through, so a second socket would show in the rows
        p.putAll(extra);
        app = KickwatchApp.start(p);
    }

    @AfterEach
    void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (kick != null) {
            kick.close();
        }
        if (db != null) {
            db.close();
        }
    }

    void awaitSubscribed() {
        await().atMost(20, SECONDS).until(() -> kick.subscribedChannels().size() == CHANNELS
                && app.kickState().getSubscribed() == CHANNELS);
    }

    /** Publishes {@code n} numbered chat messages and waits until the DB has every message so far. */
    void sendAndAwait(int n) {
        for (int i = 0; i < n; i++) {
            int seq = sent++;
            kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                    "{\"id\":\"seq-" + seq + "\",\"content\":\"m" + seq + "\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
        }
        await().atMost(20, SECONDS).until(() -> rowIds().size() >= sent);
    }

    List<String> rowIds() throws Exception {
        List<String> ids = new ArrayList<>();
        for (HttpSinkServer.Request r : db.requests()) {
            for (JsonNode row : JSON.readTree(r.body())) {
                ids.add(row.get("id").asText());
            }
        }
        return ids;
    }

    /** Every message stored exactly once, in the order sent; never two sockets at once. */
    void assertOnceInOrderOneSocket() throws Exception {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            expected.add("seq-" + i);
        }
        assertEquals(expected, rowIds());
        assertEquals(1, kick.maxOpenConnections(), "never more than one socket open");
    }

    @Test
    void should_resubscribe_after_an_abrupt_drop() throws Exception {
        start(Map.of());
        awaitSubscribed();
        sendAndAwait(5);
        kick.dropAll();
        await().atMost(20, SECONDS).until(() -> kick.totalConnections() == 2);
        awaitSubscribed();
        sendAndAwait(5);
        assertOnceInOrderOneSocket();
        assertEquals(2 * CHANNELS, kick.subscribeFrames());
    }

    @Test
    void should_reconnect_at_once_on_close_4200_and_4201() throws Exception {
        start(Map.of("kick.pusher.reconnect-initial-delay", "5000", "kick.pusher.reconnect-max-delay", "10000"));
        awaitSubscribed();
        sendAndAwait(3);
        kick.closeAll(4200, "Please reconnect immediately");
        await().atMost(3, SECONDS).until(() -> kick.totalConnections() == 2); // far below the 5 s back-off
        awaitSubscribed();
        sendAndAwait(3);
        kick.closeAll(4201, "Pong reply not received");
        await().atMost(3, SECONDS).until(() -> kick.totalConnections() == 3);
        awaitSubscribed();
        sendAndAwait(3);
        assertOnceInOrderOneSocket();
    }

    @Test
    void should_reconnect_at_once_on_pusher_error_4200() throws Exception {
        start(Map.of("kick.pusher.reconnect-initial-delay", "5000", "kick.pusher.reconnect-max-delay", "10000"));
        awaitSubscribed();
        sendAndAwait(3);
        kick.errorAll(4200, "Please reconnect immediately"); // no close from the server: the client must act
        await().atMost(5, SECONDS).until(() -> kick.totalConnections() == 2);
        awaitSubscribed();
        sendAndAwait(3);
        assertOnceInOrderOneSocket();
    }

    @Test
    void should_back_off_at_least_one_second_on_close_4100() throws Exception {
        start(Map.of("kick.pusher.reconnect-initial-delay", "100"));
        awaitSubscribed();
        long closedAt = System.currentTimeMillis();
        kick.closeAll(4100, "Over capacity");
        await().atMost(10, SECONDS).until(() -> kick.totalConnections() == 2);
        long gap = kick.openTimes().get(1) - closedAt;
        assertTrue(gap >= 1000, "reconnected after " + gap + " ms");
        awaitSubscribed();
        sendAndAwait(3);
        assertOnceInOrderOneSocket();
    }

    @Test
    void should_not_hammer_kick_after_4001_and_report_why() throws Exception {
        kick = new PusherServer("the-right-key");
        kick.start(0);
        String wrongKey = kick.url().replace("the-right-key", "a-wrong-key");
        start(Map.of("kick.pusher.url", wrongKey), false);
        await().atMost(10, SECONDS).until(() -> app.kickState().getFatalReason() != null);
        assertTrue(app.kickState().getFatalReason().contains("4001"), app.kickState().getFatalReason());
        // the default slow cap (5 min) holds: no further attempt
        await().during(3, SECONDS).atMost(5, SECONDS).until(() -> kick.totalConnections() == 1);
    }

    @Test
    void should_keep_trying_while_kick_is_down_for_15_seconds() throws Exception {
        start(Map.of("kick.pusher.reconnect-max-delay", "2000"));
        awaitSubscribed();
        sendAndAwait(3);
        int port = kick.port();
        kick.stop();
        await().atMost(10, SECONDS).until(() -> !app.kickState().isConnected());
        long reconnectsBefore = app.kickState().getReconnects();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            timer.schedule(() -> kick.start(port), 15, TimeUnit.SECONDS);
            await().atMost(30, SECONDS).until(() -> kick.totalConnections() >= 2);
        } finally {
            timer.shutdownNow();
        }
        assertTrue(app.kickState().getReconnects() - reconnectsBefore >= 5,
                "attempts while down: " + (app.kickState().getReconnects() - reconnectsBefore));
        awaitSubscribed();
        sendAndAwait(3);
        assertOnceInOrderOneSocket();
    }

    @Test
    void should_start_when_kick_is_unreachable_and_connect_when_it_appears() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        kick = new PusherServer("testkey");
        String url = "ws://127.0.0.1:" + port + "/app/testkey?protocol=7&client=js&version=8.4.0&flash=false";
        start(Map.of("kick.pusher.url", url), false);
        await().atMost(10, SECONDS).until(() -> app.kickState().getReconnects() >= 2);
        kick.start(port);
        awaitSubscribed();
        sendAndAwait(3);
        assertOnceInOrderOneSocket();
    }

    @Test
    void should_detect_a_hung_connection_by_ping_and_pong_timeout() throws Exception {
        start(Map.of("kick.pusher.activity-timeout-max", "500", "kick.pusher.pong-timeout", "500"));
        awaitSubscribed();
        sendAndAwait(3);
        kick.hangAll(); // TCP stays open, nothing more is read or written
        await().atMost(15, SECONDS).until(() -> kick.totalConnections() == 2);
        awaitSubscribed();
        await().atMost(10, SECONDS).until(() -> kick.connectedSockets() == 1); // the hung one is gone
        sendAndAwait(3);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            expected.add("seq-" + i);
        }
        assertEquals(expected, rowIds());
        assertTrue(kick.clientPings() >= 1, "the client pinged before giving up");
    }

    @Test
    void should_answer_server_pings_and_keep_a_quiet_connection_alive() throws Exception {
        start(Map.of("kick.pusher.activity-timeout-max", "300", "kick.pusher.pong-timeout", "1000"));
        awaitSubscribed();
        kick.pingAll();
        await().atMost(5, SECONDS).until(() -> kick.clientPongs() >= 1);
        // quiet for several activity timeouts: the client pings, the server answers, nothing reconnects
        await().during(2, SECONDS).atMost(4, SECONDS).until(() -> kick.totalConnections() == 1);
        assertTrue(kick.clientPings() >= 3, "client pings: " + kick.clientPings());
    }

    @Test
    void should_wait_out_a_3_second_handshake_with_one_socket() throws Exception {
        kick = new PusherServer("testkey");
        kick.slowHandshakes(1, 3000);
        start(Map.of(), true);
        awaitSubscribed();
        sendAndAwait(3);
        assertEquals(1, kick.totalConnections());
        assertOnceInOrderOneSocket();
    }

    @Test
    void should_give_up_a_handshake_slower_than_the_connect_timeout_and_never_use_two_sockets() throws Exception {
        kick = new PusherServer("testkey");
        kick.slowHandshakes(1, 3000);
        start(Map.of("kick.pusher.connect-timeout", "1000"), true);
        awaitSubscribed();
        sendAndAwait(3);
        // the late handshake completes at 3 s and is closed at once, unused
        await().atMost(10, SECONDS).until(() -> kick.connectedSockets() == 1);
        await().during(4, SECONDS).atMost(6, SECONDS).until(() -> kick.connectedSockets() == 1);
        sendAndAwait(3);
        assertOnceInOrderOneSocket();
    }

    @Test
    void should_keep_a_silent_connection_longer_than_the_connect_timeout() throws Exception {
        start(Map.of("kick.pusher.connect-timeout", "500", "kick.pusher.activity-timeout-max", "3000"));
        awaitSubscribed();
        await().during(2500, MILLISECONDS).atMost(4, SECONDS).until(() -> kick.totalConnections() == 1 && app.kickState().isConnected());
        sendAndAwait(2);
        assertOnceInOrderOneSocket();
    }

    @Test
    void should_resend_unacknowledged_subscriptions() throws Exception {
        kick = new PusherServer("testkey");
        kick.setAcknowledge(false);
        start(Map.of("kick.pusher.subscribe-ack-timeout", "300"), true);
        await().atMost(10, SECONDS).until(() -> kick.subscribeFrames() >= 2L * CHANNELS);
        assertTrue(app.kickState().getSubscribeResends() >= CHANNELS);
        kick.setAcknowledge(true);
        awaitSubscribed();
        assertEquals(1, kick.totalConnections());
    }

    @Test
    void should_say_why_kick_refused_a_channel_ask_less_and_less_often_and_keep_the_others() throws Exception {
        String refused = "chatrooms.1000.v2";
        kick = new PusherServer("testkey");
        kick.refuse(refused, "{\"type\":\"AuthError\",\"error\":\"Not\\nallowed\",\"status\":401}");
        start(Map.of("kick.pusher.subscribe-ack-timeout", "200"), true);
        await().atMost(10, SECONDS).until(() -> app.kickState().getRefused().containsKey(refused)
                && kick.subscribedChannels().size() == CHANNELS - 1);
        assertEquals(Map.of(refused, "AuthError, status 401: Not allowed"), app.kickState().getRefused(),
                "the server's reason, on one line");
        HealthCheck.Result ready = HealthCheckHelper.invokeReadiness(app.context()).stream()
                .filter(r -> r.getCheck().getId().equals("kick")).findFirst().orElseThrow();
        assertEquals(HealthCheck.State.DOWN, ready.getState());
        assertTrue(ready.getMessage().orElse("").contains(refused + " (AuthError, status 401: Not allowed)"),
                ready.getMessage().toString());

        // asked again after 200, 400, 800 ms...: the gaps grow instead of one subscribe per acknowledgement timeout
        await().atMost(15, SECONDS).until(() -> kick.subscribeTimes(refused).size() >= 4);
        List<Long> t = kick.subscribeTimes(refused);
        long second = t.get(2) - t.get(1);
        long third = t.get(3) - t.get(2);
        assertTrue(third > second * 3 / 2, "gaps " + (t.get(1) - t.get(0)) / 1_000_000 + ", " + second / 1_000_000 + ", "
                + third / 1_000_000 + " ms");

        kick.accept(refused); // the server lets it in: subscribed at the next try, readiness UP again
        await().atMost(15, SECONDS).until(() -> app.kickState().getRefused().isEmpty() && app.kickState().getSubscribed() == CHANNELS);
        sendAndAwait(2);
        assertEquals(1, kick.totalConnections());
    }

    @Test
    void should_subscribe_1000_channels_on_one_connection() throws Exception {
        StringBuilder channels = new StringBuilder();
        for (int i = 1; i <= 250; i++) {
            channels.append(channels.length() == 0 ? "" : ",").append("chan").append(i).append(':').append(10000 + i).append(':')
                    .append(20000 + i);
        }
        start(Map.of("kick.channels", channels.toString()));
        long t0 = System.currentTimeMillis();
        await().atMost(10, SECONDS).until(() -> kick.subscribedChannels().size() == 1000 && app.kickState().getSubscribed() == 1000);
        assertTrue(System.currentTimeMillis() - t0 < 5000);
        assertEquals(1, kick.totalConnections());
    }

    @Test
    void should_close_the_socket_on_stop_and_never_reconnect() throws Exception {
        start(Map.of());
        awaitSubscribed();
        KickConnectionState state = app.kickState();
        app.close();
        app = null;
        assertTrue(!state.isConnected());
        await().atMost(5, SECONDS).until(() -> kick.connectedSockets() == 0);
        await().during(2, SECONDS).atMost(3, SECONDS).until(() -> kick.totalConnections() == 1);
    }

    @Test
    void should_ignore_bad_frames_and_deliver_the_next_event() throws Exception {
        start(Map.of());
        awaitSubscribed();
        long before = app.kickState().getFramesRejected();
        kick.sendRawTo(null, "not json at all");
        kick.sendRawTo(null, "{\"event\":42}");
        kick.sendRawTo(null, "[1,2,3]");
        kick.sendRawTo(null, "{\"event\":\"App\\\\Events\\\\ChatMessageEvent\",\"channel\":\"chatrooms.999.v2\",\"data\":\"{}\"}");
        kick.sendBinaryToAll(new byte[] { 1, 2, 3 });
        sendAndAwait(2);
        assertEquals(before + 5, app.kickState().getFramesRejected());
        assertOnceInOrderOneSocket();
        assertNull(app.kickState().getFatalReason());
        assertNotNull(app.kickState());
    }

    static {
        // keep Awaitility's polling light on a 2-core machine
        org.awaitility.Awaitility.setDefaultPollInterval(50, MILLISECONDS);
    }
}
