package dev.kickwatch.support;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local stand-in for Kick's channel endpoint, {@code GET /api/v2/channels/<slug>}: answers the channels it was given
 * with their ids (as Kick does: {@code id}, {@code user_id}, {@code slug}, {@code chatroom.id}, {@code livestream}),
 * 404 for others; or, when told to, refuses like Cloudflare does (403, an HTML challenge, {@code Server: cloudflare}).
 */
public final class FakeKickApi implements AutoCloseable {

    private final HttpSinkServer server;
    private final Map<String, long[]> channels = new ConcurrentHashMap<>();
    private volatile boolean cloudflare;

    public FakeKickApi() throws IOException {
        server = new HttpSinkServer().getsAreRequests();
        server.behave(this::answer);
    }

    /** Kick knows this channel: its chatroom id and channel id. */
    public FakeKickApi channel(String slug, long chatroomId, long channelId) {
        channels.put(slug, new long[] { chatroomId, channelId });
        return this;
    }

    /** From now on every request gets Cloudflare's challenge page. */
    public FakeKickApi refuseLikeCloudflare() {
        cloudflare = true;
        return this;
    }

    private HttpSinkServer.Response answer(HttpSinkServer.Request r) {
        if (cloudflare) {
            return new HttpSinkServer.Response(403, "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
                    + "<body>Enable JavaScript and cookies to continue</body></html>",
                    Map.of("Server", "cloudflare", "cf-mitigated", "challenge", "Content-Type", "text/html; charset=UTF-8"));
        }
        String prefix = "/api/v2/channels/";
        long[] ids = r.path().startsWith(prefix) ? channels.get(r.path().substring(prefix.length())) : null;
        if (!r.method().equals("GET") || ids == null) {
            return HttpSinkServer.Response.of(404, "{\"message\":\"Not found\"}");
        }
        String slug = r.path().substring(prefix.length());
        return HttpSinkServer.Response.of(200, "{\"id\":" + ids[1] + ",\"user_id\":" + (ids[1] + 7) + ",\"slug\":\"" + slug
                + "\",\"is_banned\":false,\"playback_url\":\"https://example.invalid/x.m3u8\",\"chatroom\":{\"id\":" + ids[0]
                + ",\"chatable_type\":\"App\\\\Models\\\\Channel\",\"channel_id\":" + ids[1] + "},\"livestream\":null}");
    }

    /** The base URL to give as kick.api.base-url (KICK_API_BASE_URL). */
    public String baseUrl() {
        return server.url("");
    }

    public int port() {
        return server.port();
    }

    public List<HttpSinkServer.Request> requests() {
        return server.requests();
    }

    @Override
    public void close() {
        server.close();
    }
}
