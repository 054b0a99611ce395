package dev.kickwatch.pusher;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kickwatch.LogLimiter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.support.DefaultConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps exactly one Pusher socket open to Kick and turns application frames into exchanges (body: a {@link KickFrame}),
 * in arrival order, on one Vert.x event-loop context. All mutable state below is confined to that context.
 */
public class KickConsumer extends DefaultConsumer {

    private static final Logger LOG = LoggerFactory.getLogger(KickConsumer.class);

    private final KickEndpoint endpoint;
    private final KickConnectionState state;
    private volatile Map<String, KickChannel> channels;
    private final ObjectMapper mapper = new ObjectMapper();
    private final LogLimiter dropLog = new LogLimiter(30_000);
    private final LogLimiter badFrameLog = new LogLimiter(30_000);
    private final LogLimiter resendLog = new LogLimiter(30_000);

    private Vertx vertx;
    private Context context;
    private WebSocketClient client;
    private ReconnectPolicy policy;

    // confined to the context
    private WebSocket current;
    private int generation;
    private boolean connecting;
    private boolean stopping;
    private long openedAt;
    private long establishedAt;
    private long lastReceivedAt;
    private long activityTimeoutMs;
    private long pingSentAt;
    private long tickTimer = -1;
    private long reconnectTimer = -1;
    private long connectGuardTimer = -1;
    private ReconnectPolicy.Action pendingAction;
    private String pendingReason;
    private Integer pendingCode;
    private final Map<String, Long> unacked = new LinkedHashMap<>();
    private final Set<String> acked = new HashSet<>();
    /** Channels Kick refused on this socket (pusher:subscription_error), and the wait before asking again. */
    private final Map<String, Long> refusedDelay = new HashMap<>();
    /** The longest wait between two subscribes of a channel Kick keeps refusing. */
    static final long MAX_REFUSED_RETRY_MS = 600_000;
    private boolean announcedSubscribed;

    KickConsumer(KickEndpoint endpoint, Processor processor) {
        super(endpoint, processor);
        this.endpoint = endpoint;
        this.state = endpoint.getState();
    }

    @Override
    protected void doStart() throws Exception {
        channels = endpoint.pusherChannels(); // looked up when the endpoint was created (or now, when that was deferred)
        super.doStart();
        vertx = endpoint.getComponent().vertx();
        policy = new ReconnectPolicy(endpoint.getReconnectInitialDelay(), endpoint.getReconnectMaxDelay(), endpoint.getFatalRetryDelay());
        client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(endpoint.getMaxMessageSize())
                .setMaxMessageSize(endpoint.getMaxMessageSize())
                .setClosingTimeout(endpoint.getClosingTimeoutSeconds())
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, endpoint.getConnectTimeout()))
                .setTryUsePerMessageCompression(false));
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> {
            stopping = false;
            connect();
        });
        LOG.info("Kick ingest started: {} Pusher channels for {} Kick channels", channels.size(),
                channels.values().stream().distinct().count());
    }

    @Override
    protected void doStop() throws Exception {
        CompletableFuture<Void> closed = new CompletableFuture<>();
        if (context != null) {
            context.runOnContext(v -> {
                stopping = true;
                generation++; // a connect still in flight closes its socket when it completes
                cancelTimers();
                WebSocket ws = current;
                current = null;
                if (ws != null) {
                    state.onDisconnected(1000);
                    ws.close((short) 1000, "kickwatch stopping").onComplete(ar -> closed.complete(null));
                } else {
                    closed.complete(null);
                }
            });
            try {
                closed.get(endpoint.getClosingTimeoutSeconds() + 3L, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.debug("Kick socket did not close cleanly: {}", e.toString());
            }
        }
        if (client != null) {
            client.close();
            client = null;
        }
        super.doStop();
    }

    // connection ------------------------------------------------------------------------------------------------------

    private void connect() {
        if (stopping || current != null || connecting) {
            return;
        }
        connecting = true;
        int gen = ++generation;
        connectGuardTimer = vertx.setTimer(endpoint.getConnectTimeout(), id -> {
            connectGuardTimer = -1;
            if (connecting && generation == gen) {
                connecting = false;
                generation++; // the late handshake, if it ever completes, is closed at once
                connectFailed("no handshake within " + endpoint.getConnectTimeout() + " ms");
            }
        });
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setAbsoluteURI(endpoint.getUrl().trim())
                .setConnectTimeout(endpoint.getConnectTimeout())
                // a handshake answered later than this fails inside Vert.x and its connection is closed, so a slow
                // server never leaves a second socket behind
                .setIdleTimeout(endpoint.getConnectTimeout());
        client.connect(options).onComplete(ar -> {
            if (gen != generation || stopping) {
                if (ar.succeeded()) {
                    ar.result().close((short) 1000, "superseded");
                }
                return;
            }
            connecting = false;
            cancelTimer(connectGuardTimer);
            connectGuardTimer = -1;
            if (ar.failed()) {
                connectFailed(connectError(ar.cause()));
                return;
            }
            WebSocket ws = ar.result();
            current = ws;
            openedAt = System.currentTimeMillis();
            lastReceivedAt = openedAt;
            establishedAt = 0;
            pingSentAt = 0;
            activityTimeoutMs = endpoint.getActivityTimeoutMax();
            pendingAction = null;
            pendingReason = null;
            pendingCode = null;
            ws.textMessageHandler(text -> onText(ws, text));
            ws.binaryMessageHandler(buf -> {
                if (ws == current) {
                    lastReceivedAt = System.currentTimeMillis();
                    rejected("binary frame of " + buf.length() + " bytes");
                }
            });
            ws.exceptionHandler(err -> {
                if (ws == current) {
                    rejected("socket error: " + describe(err));
                }
            });
            ws.closeHandler(v -> onClosed(ws));
            startTicks();
        });
    }

    /** A connect that did not reach an open socket: readiness is DOWN with this reason until one succeeds. */
    private void connectFailed(String reason) {
        String why = "cannot connect to " + endpoint.getHostPort() + ": " + reason;
        state.onConnectFailed(why);
        scheduleReconnect(ReconnectPolicy.Action.DROP, null, why);
    }

    /** "connection refused", "unknown host kick.invalid", or the exception in one line. */
    private static String connectError(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.ConnectException) {
                String msg = c.getMessage() == null ? "" : c.getMessage();
                return msg.toLowerCase(java.util.Locale.ROOT).startsWith("connection refused") ? "connection refused"
                        : "ConnectException: " + msg.lines().findFirst().orElse("");
            }
            if (c instanceof java.net.UnknownHostException) {
                return "unknown host " + c.getMessage();
            }
        }
        return describe(t);
    }

    private void onClosed(WebSocket ws) {
        if (ws != current) {
            return;
        }
        current = null;
        cancelTimer(tickTimer);
        tickTimer = -1;
        Short status = ws.closeStatusCode();
        Integer code = pendingCode != null ? pendingCode : status == null ? null : status.intValue();
        long now = System.currentTimeMillis();
        boolean wasStable = establishedAt > 0 && now - establishedAt >= endpoint.getStableAfter();
        state.onDisconnected(code);
        if (stopping) {
            return;
        }
        if (wasStable) {
            policy.reset();
        }
        ReconnectPolicy.Action action = pendingAction != null ? pendingAction : ReconnectPolicy.classify(code);
        String reason = pendingReason != null ? pendingReason
                : "close code " + (code == null ? "none" : code) + (ws.closeReason() == null ? "" : " '" + ws.closeReason() + "'");
        scheduleReconnect(action, code, reason);
    }

    private void scheduleReconnect(ReconnectPolicy.Action action, Integer code, String reason) {
        if (stopping) {
            return;
        }
        long delay = policy.nextDelay(action);
        state.onReconnectScheduled(delay, reason);
        if (action == ReconnectPolicy.Action.FATAL) {
            String why = fatalMeaning(code);
            state.onFatal("Kick refused the connection with close code " + code + " (" + why + ")");
            LOG.error("Kick refused the connection with close code {} ({}): check kick.pusher.url (KICK_PUSHER_URL); "
                    + "not reconnecting with the same settings, next try in {} s", code, why, delay / 1000);
        } else {
            long held = dropLog.tryAcquire();
            if (held >= 0) {
                LOG.warn("Kick socket down ({}); reconnecting in {} ms{}", reason, delay,
                        held > 0 ? " (" + held + " similar lines held back)" : "");
            }
        }
        if (delay <= 0) {
            context.runOnContext(v -> connect());
        } else {
            reconnectTimer = vertx.setTimer(delay, id -> {
                reconnectTimer = -1;
                connect();
            });
        }
    }

    private void closeLocally(WebSocket ws, ReconnectPolicy.Action action, String reason) {
        if (pendingAction == null) {
            pendingAction = action;
            pendingReason = reason;
        }
        ws.close((short) 1000, reason.length() > 100 ? reason.substring(0, 100) : reason);
    }

    // frames ----------------------------------------------------------------------------------------------------------

    private void onText(WebSocket ws, String text) {
        if (ws != current) {
            return;
        }
        lastReceivedAt = System.currentTimeMillis();
        state.onFrame();
        if (text.length() > endpoint.getMaxFrameSize()) {
            rejected("frame of " + text.length() + " chars, over the " + endpoint.getMaxFrameSize() + " limit");
            return;
        }
        Envelope frame;
        try {
            frame = Envelope.parse(mapper, text);
        } catch (Exception e) {
            rejected("frame is not JSON (" + text.length() + " chars)");
            return;
        }
        if (frame == null) {
            rejected("frame has no event name");
            return;
        }
        String event = frame.event;
        switch (event) {
            case "pusher:connection_established" -> onEstablished(ws, frame.dataTree(mapper));
            case "pusher_internal:subscription_succeeded" -> onSubscribed(frame.channel == null ? "" : frame.channel);
            case "pusher:subscription_error" -> onSubscriptionError(frame.channel, frame.dataTree(mapper));
            case "pusher:ping" -> ws.writeTextMessage("{\"event\":\"pusher:pong\",\"data\":{}}");
            case "pusher:pong" -> pingSentAt = 0;
            case "pusher:error" -> onPusherError(ws, frame.dataTree(mapper));
            default -> {
                if (event.startsWith("pusher:") || event.startsWith("pusher_internal:")) {
                    LOG.debug("Ignoring Pusher system event {}", event);
                } else {
                    onApplicationEvent(frame);
                }
            }
        }
    }

    /**
     * The outer Pusher frame, read with the streaming parser in one pass: the event name, the channel and the
     * {@code data} as text (Kick sends it as a JSON string holding JSON). No tree is built for application frames.
     */
    static final class Envelope {
        String event;
        String channel;
        /** The data's text: the string's content, or the JSON of a non-string value; null when absent or null. */
        String data;
        boolean dataIsString;

        /** Null when the frame is JSON but no object with a string {@code event}; throws when it is not JSON. */
        static Envelope parse(ObjectMapper mapper, String text) throws java.io.IOException {
            try (JsonParser p = mapper.getFactory().createParser(text)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    return null;
                }
                Envelope e = new Envelope();
                boolean eventIsText = false;
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    switch (name) {
                        case "event" -> {
                            eventIsText = v == JsonToken.VALUE_STRING;
                            e.event = eventIsText ? p.getText() : null;
                            p.skipChildren();
                        }
                        case "channel" -> {
                            e.channel = v == JsonToken.VALUE_NULL ? null : v.isScalarValue() ? p.getText() : "";
                            p.skipChildren();
                        }
                        case "data" -> {
                            e.dataIsString = v == JsonToken.VALUE_STRING;
                            e.data = v == JsonToken.VALUE_NULL ? null
                                    : e.dataIsString ? p.getText() : mapper.readTree(p).toString();
                        }
                        default -> p.skipChildren();
                    }
                }
                if (t != JsonToken.END_OBJECT) {
                    throw new java.io.EOFException("unexpected end of frame");
                }
                return eventIsText ? e : null;
            }
        }

        /** The data as a tree, for Pusher's own events: an object when absent or not JSON. */
        JsonNode dataTree(ObjectMapper mapper) {
            if (data == null) {
                return JsonNodeFactory.instance.objectNode();
            }
            try {
                JsonNode node = mapper.readTree(data);
                return node == null ? JsonNodeFactory.instance.objectNode() : node;
            } catch (Exception ex) {
                return JsonNodeFactory.instance.objectNode();
            }
        }
    }

    private void onEstablished(WebSocket ws, JsonNode data) {
        if (establishedAt > 0) {
            return;
        }
        establishedAt = System.currentTimeMillis();
        long announced = data.path("activity_timeout").asLong(120) * 1000;
        activityTimeoutMs = Math.min(announced > 0 ? announced : 120_000, endpoint.getActivityTimeoutMax());
        state.onConnected(channels.size());
        unacked.clear();
        acked.clear();
        refusedDelay.clear();
        state.clearRefused();
        announcedSubscribed = false;
        long now = System.currentTimeMillis();
        for (String channel : channels.keySet()) {
            ws.writeTextMessage(subscribeFrame(channel));
            unacked.put(channel, now);
        }
        LOG.info("Connected to Kick (socket {}); subscribing {} Pusher channels", data.path("socket_id").asText("?"), channels.size());
    }

    private String subscribeFrame(String channel) {
        ObjectNode frame = JsonNodeFactory.instance.objectNode();
        frame.put("event", "pusher:subscribe");
        frame.putObject("data").put("auth", "").put("channel", channel);
        return frame.toString();
    }

    private void onSubscribed(String channel) {
        if (unacked.remove(channel) != null || channels.containsKey(channel)) {
            acked.add(channel);
        }
        if (refusedDelay.remove(channel) != null) {
            state.accepted(channel);
            LOG.info("Kick accepted the subscription to {} after refusing it", channel);
        }
        state.setSubscribed(acked.size());
        if (!announcedSubscribed && unacked.isEmpty()) {
            announcedSubscribed = true;
            LOG.info("Subscribed {} Pusher channels", acked.size());
        }
    }

    /**
     * Kick (the Pusher server) refused a channel: one WARN line per channel and socket with the server's reason,
     * readiness names it (KickConnectionState), and it is asked for again after a wait that doubles each time, up to
     * ten minutes, instead of at every acknowledgement timeout.
     */
    private void onSubscriptionError(String channel, JsonNode data) {
        if (channel == null || !channels.containsKey(channel) || acked.contains(channel)) {
            return;
        }
        String reason = refusalReason(data);
        Long before = refusedDelay.get(channel);
        long delay = before == null ? endpoint.getSubscribeAckTimeout() : Math.min(before * 2, MAX_REFUSED_RETRY_MS);
        refusedDelay.put(channel, delay);
        // the resend loop asks again once the acknowledgement timeout has passed since this value: after `delay`
        unacked.put(channel, System.currentTimeMillis() + delay - endpoint.getSubscribeAckTimeout());
        state.refused(channel, reason);
        if (before == null) {
            LOG.warn("Kick refused the subscription to {}: {}; asking again in {} s, then less and less often", channel,
                    reason, delay / 1000.0);
        } else {
            LOG.debug("Kick refused the subscription to {} again: {}; next try in {} ms", channel, reason, delay);
        }
    }

    /** {@code {"type":"AuthError","error":"…","status":401}} → {@code AuthError, status 401: …}, on one short line. */
    static String refusalReason(JsonNode data) {
        List<String> parts = new ArrayList<>();
        if (data.path("type").isValueNode()) {
            parts.add(data.path("type").asText());
        }
        if (data.path("status").isValueNode()) {
            parts.add("status " + data.path("status").asText());
        }
        String text = String.join(", ", parts);
        String error = data.path("error").isValueNode() ? data.path("error").asText() : "";
        if (!error.isBlank()) {
            text = text.isEmpty() ? error : text + ": " + error;
        }
        if (text.isBlank()) {
            text = data.isEmpty() ? "no reason given" : data.toString();
        }
        text = text.replaceAll("\\s+", " ").trim();
        return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }

    private void onPusherError(WebSocket ws, JsonNode data) {
        JsonNode codeNode = data.get("code");
        Integer code = codeNode != null && codeNode.canConvertToInt() ? codeNode.asInt() : null;
        String message = data.path("message").asText("");
        ReconnectPolicy.Action action = ReconnectPolicy.classify(code);
        if (code != null && action != ReconnectPolicy.Action.DROP) {
            pendingAction = action;
            pendingCode = code;
            pendingReason = "pusher:error " + code + " '" + message + "'";
            closeLocally(ws, action, "pusher:error " + code);
        } else {
            LOG.warn("Kick sent pusher:error {} '{}'", code, message);
        }
    }

    private void onApplicationEvent(Envelope frame) {
        String pusherChannel = frame.channel;
        KickChannel channel = pusherChannel == null ? null : channels.get(pusherChannel);
        if (channel == null) {
            rejected("event " + frame.event + " on a channel nobody subscribed");
            return;
        }
        String body = frame.data == null ? "{}" : frame.data;
        Exchange exchange = createExchange(false);
        try {
            exchange.getMessage().setBody(new KickFrame(frame.event, pusherChannel, body, channel, Instant.now()));
            getProcessor().process(exchange);
        } catch (Exception e) {
            exchange.setException(e);
        }
        if (exchange.getException() != null) {
            getExceptionHandler().handleException("Failed to process Kick event " + frame.event, exchange, exchange.getException());
        }
        releaseExchange(exchange, false);
    }

    private void rejected(String what) {
        state.onRejected();
        long held = badFrameLog.tryAcquire();
        if (held >= 0) {
            LOG.debug("Ignored a Kick frame: {}{}", what, held > 0 ? " (" + held + " more since the last line)" : "");
        }
    }

    // heartbeat, acknowledgements, handshake guard -------------------------------------------------------------------

    private void startTicks() {
        long smallest = Math.min(Math.min(endpoint.getPongTimeout(), endpoint.getActivityTimeoutMax()),
                Math.min(endpoint.getSubscribeAckTimeout(), endpoint.getConnectTimeout()));
        long period = Math.max(20, Math.min(1000, smallest / 4));
        tickTimer = vertx.setPeriodic(period, id -> tick());
    }

    private void tick() {
        WebSocket ws = current;
        if (ws == null || pendingAction != null) {
            return;
        }
        long now = System.currentTimeMillis();
        if (establishedAt == 0) {
            if (now - openedAt > endpoint.getConnectTimeout()) {
                closeLocally(ws, ReconnectPolicy.Action.DROP, "no pusher:connection_established within " + endpoint.getConnectTimeout() + " ms");
            }
            return;
        }
        if (pingSentAt > 0) {
            if (now - pingSentAt > endpoint.getPongTimeout()) {
                closeLocally(ws, ReconnectPolicy.Action.AT_ONCE, "no pusher:pong within " + endpoint.getPongTimeout() + " ms");
                return;
            }
        } else if (now - lastReceivedAt >= activityTimeoutMs) {
            pingSentAt = now;
            ws.writeTextMessage("{\"event\":\"pusher:ping\",\"data\":{}}");
        }
        int resent = 0;
        for (Map.Entry<String, Long> e : unacked.entrySet()) {
            if (now - e.getValue() >= endpoint.getSubscribeAckTimeout()) {
                ws.writeTextMessage(subscribeFrame(e.getKey()));
                e.setValue(now);
                state.onSubscribeResend();
                if (!refusedDelay.containsKey(e.getKey())) { // a refused one was said once, with Kick's reason
                    resent++;
                }
            }
        }
        if (resent > 0 && resendLog.tryAcquire() >= 0) {
            LOG.warn("Resent {} subscriptions that Kick did not acknowledge within {} ms", resent, endpoint.getSubscribeAckTimeout());
        }
    }

    private void cancelTimers() {
        cancelTimer(tickTimer);
        cancelTimer(reconnectTimer);
        cancelTimer(connectGuardTimer);
        tickTimer = reconnectTimer = connectGuardTimer = -1;
    }

    private void cancelTimer(long id) {
        if (id >= 0) {
            vertx.cancelTimer(id);
        }
    }

    private static String describe(Throwable t) {
        String msg = t.getMessage();
        return t.getClass().getSimpleName() + (msg == null ? "" : ": " + msg.lines().findFirst().orElse(""));
    }

    private static String fatalMeaning(Integer code) {
        if (code == null) {
            return "unknown";
        }
        return switch (code) {
            case 4000 -> "the app only accepts wss://";
            case 4001 -> "wrong app key or cluster in the URL";
            case 4003 -> "the app is disabled";
            case 4004 -> "over the app's connection quota";
            case 4005 -> "path not found";
            case 4006 -> "invalid version string";
            case 4007 -> "unsupported protocol version";
            case 4008 -> "no protocol version given";
            case 4009 -> "connection unauthorized";
            default -> "do not reconnect with the same settings";
        };
    }
}
