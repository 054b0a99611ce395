package dev.kickwatch.support;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import static dev.kickwatch.support.Fixtures.JSON;

/**
 * A local stand-in for Kick's official API and its OAuth server, as they are documented: {@code POST /oauth/token}
 * (client_credentials; 401 for other credentials), and with a valid app token {@code GET /public/v1/channels?slug=},
 * {@code GET} and {@code POST /public/v1/events/subscriptions} (per-item errors for the events told to fail). Answers
 * are wrapped as Kick wraps them: {@code {"data": …, "message": "OK"}}.
 */
public final class FakeKickOfficialApi implements AutoCloseable {

    private final HttpSinkServer server;
    private final String clientId;
    private final String clientSecret;
    private final Map<String, Long> broadcasters = new ConcurrentHashMap<>();
    private final Map<String, Long> tokens = new ConcurrentHashMap<>(); // token -> expiry (ms)
    private final List<String> subscriptions = new CopyOnWriteArrayList<>(); // "broadcaster|event"
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger tokensIssued = new AtomicInteger();
    private final AtomicInteger unauthorized = new AtomicInteger();
    private volatile long expiresInSeconds = 3600;

    public FakeKickOfficialApi(String clientId, String clientSecret) throws IOException {
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        server = new HttpSinkServer().getsAreRequests();
        server.behave(this::answer);
    }

    public FakeKickOfficialApi channel(String slug, long broadcasterUserId) {
        broadcasters.put(slug, broadcasterUserId);
        return this;
    }

    /** A subscription that exists already. */
    public FakeKickOfficialApi subscribed(long broadcasterUserId, String event) {
        subscriptions.add(broadcasterUserId + "|" + event);
        return this;
    }

    /** POSTs of this event get Kick's per-item error. */
    public FakeKickOfficialApi failing(String event) {
        failing.add(event);
        return this;
    }

    /** Tokens issued from now on expire after this long. */
    public FakeKickOfficialApi tokensExpireIn(long seconds) {
        this.expiresInSeconds = seconds;
        return this;
    }

    /** Every token issued so far is refused from now on, as when Kick ends them early. */
    public void revokeTokens() {
        tokens.clear();
    }

    /** API calls answered 401 (no token, or one that expired or was revoked). */
    public int unauthorizedAnswers() {
        return unauthorized.get();
    }

    public int tokensIssued() {
        return tokensIssued.get();
    }

    public List<String> subscriptions() {
        return subscriptions;
    }

    public List<HttpSinkServer.Request> requests() {
        return server.requests();
    }

    public String url() {
        return server.url("");
    }

    private HttpSinkServer.Response answer(HttpSinkServer.Request r) {
        try {
            if (r.path().equals("/oauth/token") && r.method().equals("POST")) {
                Map<String, String> form = form(r.body());
                if (!"client_credentials".equals(form.get("grant_type")) || !clientId.equals(form.get("client_id"))
                        || !clientSecret.equals(form.get("client_secret"))) {
                    return HttpSinkServer.Response.of(401, "{\"error\":\"invalid_client\"}");
                }
                String token = "app-token-" + tokensIssued.incrementAndGet();
                tokens.put(token, System.currentTimeMillis() + expiresInSeconds * 1000);
                return HttpSinkServer.Response.of(200, "{\"access_token\":\"" + token + "\",\"token_type\":\"Bearer\","
                        + "\"expires_in\":" + expiresInSeconds + ",\"scope\":\"events:subscribe\"}");
            }
            String auth = r.headers().getOrDefault("authorization", "");
            Long expiry = auth.startsWith("Bearer ") ? tokens.get(auth.substring(7)) : null;
            if (expiry == null || expiry < System.currentTimeMillis()) {
                unauthorized.incrementAndGet();
                return HttpSinkServer.Response.of(401, "{\"data\":null,\"message\":\"Unauthorized\"}");
            }
            if (r.path().equals("/public/v1/channels") && r.method().equals("GET")) {
                ArrayNode data = JSON.createArrayNode();
                for (String pair : (r.query() == null ? "" : r.query()).split("&")) {
                    if (pair.startsWith("slug=")) {
                        String slug = URLDecoder.decode(pair.substring(5), StandardCharsets.UTF_8);
                        Long id = broadcasters.get(slug);
                        if (id != null) {
                            data.addObject().put("broadcaster_user_id", id).put("slug", slug).put("channel_description", "");
                        }
                    }
                }
                return ok(data);
            }
            if (r.path().equals("/public/v1/events/subscriptions") && r.method().equals("GET")) {
                ArrayNode data = JSON.createArrayNode();
                for (String s : subscriptions) {
                    String[] p = s.split("\\|");
                    data.addObject().put("id", "sub-" + s.hashCode()).put("app_id", "app").put("broadcaster_user_id", Long.parseLong(p[0]))
                            .put("event", p[1]).put("method", "webhook").put("version", 1);
                }
                return ok(data);
            }
            if (r.path().equals("/public/v1/events/subscriptions") && r.method().equals("POST")) {
                JsonNode body = JSON.readTree(r.body());
                long broadcaster = body.path("broadcaster_user_id").asLong();
                ArrayNode data = JSON.createArrayNode();
                for (JsonNode e : body.path("events")) {
                    String name = e.path("name").asText();
                    ObjectNode item = data.addObject().put("name", name).put("version", e.path("version").asInt());
                    if (failing.contains(name)) {
                        item.putNull("subscription_id").put("error", "webhooks are not enabled for app");
                    } else {
                        subscriptions.add(broadcaster + "|" + name);
                        item.put("subscription_id", "01JQ" + subscriptions.size()).put("error", "");
                    }
                }
                return ok(data);
            }
            return HttpSinkServer.Response.of(404, "{\"data\":null,\"message\":\"Not found\"}");
        } catch (IOException e) {
            return HttpSinkServer.Response.of(400, "{\"data\":\"bad json\",\"message\":\"Bad request\"}");
        }
    }

    private static HttpSinkServer.Response ok(JsonNode data) {
        ObjectNode wrapped = JSON.createObjectNode();
        wrapped.set("data", data);
        wrapped.put("message", "OK");
        return HttpSinkServer.Response.of(200, wrapped.toString());
    }

    private static Map<String, String> form(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int i = pair.indexOf('=');
            if (i > 0) {
                out.put(URLDecoder.decode(pair.substring(0, i), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    @Override
    public void close() {
        server.close();
    }
}
