package dev.kickwatch.demo;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/**
 * A small Pusher protocol 7 server on loopback: it speaks enough of Pusher for the demo, the tests and the
 * benchmark (connection_established, subscribe and acknowledgement, ping/pong, pusher:error, close codes), publishes
 * Kick-shaped frames, and can misbehave on purpose (slow handshake, no acknowledgements, a hang, drops).
 */
public class PusherServer implements AutoCloseable {

    private final ObjectMapper mapper = new ObjectMapper();
    private final String appKey;
    private final Vertx vertx;
    private HttpServer server;
    private int port;

    private final List<Conn> connections = new CopyOnWriteArrayList<>();
    private final AtomicInteger totalConnections = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final AtomicLong subscribeFrames = new AtomicLong();
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> subscribesByChannel = new ConcurrentHashMap<>();
    private final Map<String, List<Long>> subscribeTimes = new ConcurrentHashMap<>();
    private final AtomicLong clientPings = new AtomicLong();
    private final AtomicLong clientPongs = new AtomicLong();
    private volatile int activityTimeoutSeconds = 120;
    private volatile long handshakeDelayMs;
    private final AtomicInteger slowHandshakesLeft = new AtomicInteger();
    private final List<Long> openTimes = new CopyOnWriteArrayList<>();
    private final Set<HttpConnection> closedConnections = ConcurrentHashMap.newKeySet();
    private volatile boolean acknowledge = true;
    private volatile boolean answerPings = true;

    /** One client connection and the channels it subscribed. */
    public static final class Conn {
        final ServerWebSocket ws;
        final HttpConnection connection;
        final Set<String> channels = ConcurrentHashMap.newKeySet();
        volatile boolean hung;

        Conn(ServerWebSocket ws, HttpConnection connection) {
            this.ws = ws;
            this.connection = connection;
        }

        public Set<String> channels() {
            return channels;
        }
    }

    public PusherServer(String appKey) {
        this.appKey = appKey;
        this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
    }

    /** Listens on the given port (0 = any free port) on 127.0.0.1; returns the port. */
    public synchronized int start(int wantedPort) {
        HttpServer s = vertx.createHttpServer(new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(wantedPort)
                .setReuseAddress(true)
                .setMaxWebSocketFrameSize(8 * 1024 * 1024)
                .setMaxWebSocketMessageSize(8 * 1024 * 1024));
        s.requestHandler(this::onRequest);
        server = await(s.listen());
        port = server.actualPort();
        return port;
    }

    /** Stops listening and drops every connection abruptly; {@link #start(int)} may follow on the same port. */
    public synchronized void stop() {
        if (server != null) {
            await(server.close());
            server = null;
        }
        connections.clear();
    }

    @Override
    public void close() {
        stop();
        await(vertx.close());
    }

    public int port() {
        return port;
    }

    /** The URL kickwatch should use for this server. */
    public String url() {
        return "ws://127.0.0.1:" + port + "/app/" + appKey + "?protocol=7&client=js&version=8.4.0&flash=false";
    }

    // connection handling ----------------------------------------------------------------------------------------------

    private void onRequest(HttpServerRequest req) {
        if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
            req.response().setStatusCode(404).end();
            return;
        }
        long delay = slowHandshakesLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? handshakeDelayMs : 0;
        if (delay > 0) {
            HttpConnection connection = req.connection();
            connection.closeHandler(v -> closedConnections.add(connection));
            req.pause();
            vertx.setTimer(delay, id -> upgrade(req));
        } else {
            upgrade(req);
        }
    }

    private void upgrade(HttpServerRequest req) {
        HttpConnection connection = req.connection();
        req.toWebSocket().onSuccess(ws -> {
            if (closedConnections.contains(connection)) {
                return; // the client gave up on this handshake while we were slow
            }
            onOpen(ws, connection);
        });
    }

    private void onOpen(ServerWebSocket ws, HttpConnection connection) {
        totalConnections.incrementAndGet();
        openTimes.add(System.currentTimeMillis());
        String path = ws.path();
        String query = ws.query() == null ? "" : ws.query();
        if (!path.equals("/app/" + appKey)) {
            ws.close((short) 4001, "Could not find app by key");
            return;
        }
        if (!query.contains("protocol=7")) {
            ws.close((short) 4007, "Unsupported protocol version");
            return;
        }
        Conn c = new Conn(ws, connection);
        connections.add(c);
        maxOpen.accumulateAndGet(connections.size(), Math::max);
        ws.closeHandler(v -> connections.remove(c));
        ws.exceptionHandler(e -> connections.remove(c));
        ws.textMessageHandler(text -> onText(c, text));
        ObjectNode data = JsonNodeFactory.instance.objectNode()
                .put("socket_id", (100000 + totalConnections.get()) + ".4242")
                .put("activity_timeout", activityTimeoutSeconds);
        ws.writeTextMessage(frame("pusher:connection_established", null, data.toString()));
    }

    private void onText(Conn c, String text) {
        if (c.hung) {
            return;
        }
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (Exception e) {
            return;
        }
        String event = root.path("event").asText("");
        JsonNode data = root.path("data");
        switch (event) {
            case "pusher:subscribe" -> {
                subscribeFrames.incrementAndGet();
                String channel = data.path("channel").asText("");
                subscribesByChannel.computeIfAbsent(channel, k -> new AtomicLong()).incrementAndGet();
                subscribeTimes.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(System.nanoTime());
                String refusal = refusals.get(channel);
                if (refusal != null) {
                    c.ws.writeTextMessage(frame("pusher:subscription_error", channel, refusal));
                    return;
                }
                c.channels.add(channel);
                if (acknowledge) {
                    c.ws.writeTextMessage(frame("pusher_internal:subscription_succeeded", channel, "{}"));
                }
            }
            case "pusher:pong" -> clientPongs.incrementAndGet();
            case "pusher:unsubscribe" -> c.channels.remove(data.path("channel").asText(""));
            case "pusher:ping" -> {
                clientPings.incrementAndGet();
                if (answerPings) {
                    c.ws.writeTextMessage("{\"event\":\"pusher:pong\",\"data\":{}}");
                }
            }
            default -> {
            }
        }
    }

    /** A server frame with {@code data} as a JSON-encoded string, the way Pusher sends application events. */
    public String frame(String event, String channel, String dataJson) {
        ObjectNode f = JsonNodeFactory.instance.objectNode();
        f.put("event", event);
        f.put("data", dataJson);
        if (channel != null) {
            f.put("channel", channel);
        }
        return f.toString();
    }

    // publishing and fault injection ---------------------------------------------------------------------------------

    /** Sends an application event to every connection subscribed to the channel; returns how many got it. */
    public int publish(String channel, String event, String dataJson) {
        return sendRawTo(channel, frame(event, channel, dataJson));
    }

    /** Sends a text frame as is to every connection subscribed to the channel (or to all when channel is null). */
    public int sendRawTo(String channel, String text) {
        int n = 0;
        for (Conn c : connections) {
            if (!c.hung && (channel == null || c.channels.contains(channel))) {
                c.ws.writeTextMessage(text);
                n++;
            }
        }
        return n;
    }

    /**
     * Sends {@code pusher:ping} to every connection. The client answers after it has handled every frame sent
     * before, so a pong count that grows tells a test that those frames have been taken in.
     */
    public void pingAll() {
        sendRawTo(null, "{\"event\":\"pusher:ping\",\"data\":{}}");
    }

    /** Sends a binary frame to every connection. */
    public void sendBinaryToAll(byte[] bytes) {
        for (Conn c : connections) {
            c.ws.writeBinaryMessage(io.vertx.core.buffer.Buffer.buffer(bytes));
        }
    }

    /** Closes every connection with a WebSocket close code. */
    public void closeAll(int code, String reason) {
        for (Conn c : connections) {
            c.ws.close((short) code, reason);
        }
    }

    /** Sends {@code pusher:error} with the code to every connection, then closes it with the same code. */
    public void errorAndCloseAll(int code, String message) {
        String data = JsonNodeFactory.instance.objectNode().put("code", code).put("message", message).toString();
        for (Conn c : connections) {
            c.ws.writeTextMessage("{\"event\":\"pusher:error\",\"data\":" + data + "}");
            c.ws.close((short) code, message);
        }
    }

    /** Sends {@code pusher:error} without closing: the client must act on it. */
    public void errorAll(int code, String message) {
        String data = JsonNodeFactory.instance.objectNode().put("code", code).put("message", message).toString();
        sendRawTo(null, "{\"event\":\"pusher:error\",\"data\":" + data + "}");
    }

    /** Stops reading and writing on every open connection, keeping TCP open: a half-open socket. */
    public void hangAll() {
        for (Conn c : connections) {
            c.hung = true;
            c.ws.pause();
        }
    }

    /** Drops every connection at the TCP level, without a close frame. */
    public void dropAll() {
        for (Conn c : connections) {
            c.connection.close();
        }
    }

    // observation ----------------------------------------------------------------------------------------------------

    /** Connections open now, including hung ones. */
    public int connectedSockets() {
        return connections.size();
    }

    public int totalConnections() {
        return totalConnections.get();
    }

    /** The most connections that were ever open at once. */
    public int maxOpenConnections() {
        return maxOpen.get();
    }

    /** From now on, a subscribe to this channel is answered with {@code pusher:subscription_error} and this data. */
    public void refuse(String channel, String errorDataJson) {
        refusals.put(channel, errorDataJson);
    }

    /** A refused channel is accepted again from now on. */
    public void accept(String channel) {
        refusals.remove(channel);
    }

    /** When each subscribe frame for one channel arrived (System.nanoTime), refused or not. */
    public List<Long> subscribeTimes(String channel) {
        return List.copyOf(subscribeTimes.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()));
    }

    /** Subscribe frames received for one channel, refused or not. */
    public long subscribeFrames(String channel) {
        AtomicLong n = subscribesByChannel.get(channel);
        return n == null ? 0 : n.get();
    }

    public long subscribeFrames() {
        return subscribeFrames.get();
    }

    public long clientPongs() {
        return clientPongs.get();
    }

    public long clientPings() {
        return clientPings.get();
    }

    /** Channels the newest open connection subscribed; empty when none is open. */
    public Set<String> subscribedChannels() {
        for (int i = connections.size() - 1; i >= 0; i--) {
            Conn c = connections.get(i);
            if (!c.hung) {
                return Set.copyOf(c.channels);
            }
        }
        return Set.of();
    }

    // settings -------------------------------------------------------------------------------------------------------

    public void setActivityTimeoutSeconds(int seconds) {
        this.activityTimeoutSeconds = seconds;
    }

    /** The next {@code count} handshakes are answered only after {@code ms} milliseconds. */
    public void slowHandshakes(int count, long ms) {
        this.handshakeDelayMs = ms;
        this.slowHandshakesLeft.set(count);
    }

    /** When each accepted connection opened (epoch ms), oldest first. */
    public List<Long> openTimes() {
        return List.copyOf(openTimes);
    }

    public void setAcknowledge(boolean acknowledge) {
        this.acknowledge = acknowledge;
    }

    public void setAnswerPings(boolean answerPings) {
        this.answerPings = answerPings;
    }

    private static <T> T await(io.vertx.core.Future<T> f) {
        try {
            return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Pusher test server: " + e.getMessage(), e);
        }
    }
}
