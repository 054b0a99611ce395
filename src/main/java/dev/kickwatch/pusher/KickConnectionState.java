package dev.kickwatch.pusher;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What the Kick socket is doing, for health checks, metrics and tests. Written by one thread, read by any. */
public class KickConnectionState {

    private volatile boolean connected;
    private volatile int subscribed;
    private volatile int channels;
    private volatile long backoffMs;
    private volatile long lastMessageAt;
    private volatile long disconnectedSince = System.currentTimeMillis();
    private volatile long connectedSince;
    private volatile Integer lastCloseCode;
    private volatile String fatalReason;
    private volatile String connectFailure;
    private volatile String lastDownReason;
    private final AtomicLong reconnects = new AtomicLong();
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong framesReceived = new AtomicLong();
    private final AtomicLong framesRejected = new AtomicLong();
    private final AtomicLong subscribeResends = new AtomicLong();
    private final Map<String, String> refused = new ConcurrentHashMap<>();

    /** Pusher channels the server refused on the current socket, with its reason (sorted by channel). */
    public Map<String, String> getRefused() {
        return new TreeMap<>(refused);
    }

    public int getRefusedCount() {
        return refused.size();
    }

    void refused(String pusherChannel, String reason) {
        refused.put(pusherChannel, reason);
    }

    void accepted(String pusherChannel) {
        refused.remove(pusherChannel);
    }

    void clearRefused() {
        refused.clear();
    }

    public boolean isConnected() {
        return connected;
    }

    public int getSubscribed() {
        return subscribed;
    }

    public int getChannels() {
        return channels;
    }

    public long getBackoffMs() {
        return backoffMs;
    }

    /** Milliseconds since the last frame, or -1 before the first one. */
    public long getLastMessageAgeMs() {
        long t = lastMessageAt;
        return t == 0 ? -1 : System.currentTimeMillis() - t;
    }

    /** Milliseconds since the socket went down, or 0 while connected. */
    public long getDisconnectedForMs() {
        return connected ? 0 : System.currentTimeMillis() - disconnectedSince;
    }

    /** Since when (epoch ms) the socket is connected, or down: the status page's "since". */
    public long getSince() {
        return connected ? connectedSince : disconnectedSince;
    }

    public Integer getLastCloseCode() {
        return lastCloseCode;
    }

    /** Set while Kick refuses these settings (close 4000-4099); null otherwise. */
    public String getFatalReason() {
        return fatalReason;
    }

    /** Why the last attempt to connect failed, while no attempt has succeeded since; null otherwise. */
    public String getConnectFailure() {
        return connectFailure;
    }

    /** Why the socket went down or the last attempt failed, kept after a reconnect; null before the first one. */
    public String getLastDownReason() {
        return lastDownReason;
    }

    public long getReconnects() {
        return reconnects.get();
    }

    public long getConnects() {
        return connects.get();
    }

    public long getFramesReceived() {
        return framesReceived.get();
    }

    public long getFramesRejected() {
        return framesRejected.get();
    }

    public long getSubscribeResends() {
        return subscribeResends.get();
    }

    void onConnected(int channelCount) {
        connects.incrementAndGet();
        connectedSince = System.currentTimeMillis();
        connected = true;
        channels = channelCount;
        subscribed = 0;
        backoffMs = 0;
        fatalReason = null;
        connectFailure = null;
    }

    void onConnectFailed(String reason) {
        connectFailure = reason;
    }

    void onDisconnected(Integer closeCode) {
        if (connected) {
            disconnectedSince = System.currentTimeMillis();
        }
        connected = false;
        subscribed = 0;
        lastCloseCode = closeCode;
    }

    void onReconnectScheduled(long delayMs, String reason) {
        reconnects.incrementAndGet();
        backoffMs = delayMs;
        lastDownReason = reason;
    }

    void onFatal(String reason) {
        fatalReason = reason;
    }

    void setSubscribed(int count) {
        subscribed = count;
    }

    void onFrame() {
        lastMessageAt = System.currentTimeMillis();
        framesReceived.incrementAndGet();
    }

    void onRejected() {
        framesRejected.incrementAndGet();
    }

    void onSubscribeResend() {
        subscribeResends.incrementAndGet();
    }
}
