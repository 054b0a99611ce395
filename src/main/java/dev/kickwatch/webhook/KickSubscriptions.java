package dev.kickwatch.webhook;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kickwatch.pusher.KickChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the webhook subscriptions of Kick's official API in place (kick-subscriptions route, at start-up and then every
 * {@code kick.api.check-interval}): an app token by client_credentials, renewed before it expires; each watched slug's
 * {@code broadcaster_user_id}; the subscriptions that exist, and a POST of only the missing ones. Kick's per-item
 * errors ("webhooks are not enabled for app") are one line each and the readiness message. The client secret is sent
 * to the token endpoint only, and appears nowhere else.
 */
public class KickSubscriptions {

    private static final Logger LOG = LoggerFactory.getLogger(KickSubscriptions.class);
    /** A token with less than this left is renewed before it is used. */
    static final Duration RENEW_BEFORE = Duration.ofMinutes(5);

    private final ObjectMapper mapper = new ObjectMapper();
    private HttpClient client;
    private String clientId = "";
    private String clientSecret = "";
    private String apiUrl = "https://api.kick.com";
    private String authUrl = "https://id.kick.com";
    private List<String> slugs = List.of();
    private List<String> events = WebhookEventNormalizer.TYPES;
    private Duration timeout = Duration.ofSeconds(10);
    private Clock clock = Clock.systemUTC();

    private String token;
    private Instant tokenExpires = Instant.EPOCH;
    private long tokensFetched;
    private volatile String problem = "the subscriptions are not checked yet";
    private volatile Instant lastCheck;
    private volatile int subscribed;
    private volatile List<String> itemErrors = List.of();

    public void setClientId(String clientId) {
        this.clientId = clientId == null ? "" : clientId.trim();
    }

    public void setClientSecret(String clientSecret) {
        this.clientSecret = clientSecret == null ? "" : clientSecret.trim();
    }

    public void setApiUrl(String apiUrl) {
        this.apiUrl = stripSlash(apiUrl);
    }

    public void setAuthUrl(String authUrl) {
        this.authUrl = stripSlash(authUrl);
    }

    /** kick.channels: the slugs whose events are subscribed to. */
    public void setChannels(String channels) {
        try {
            this.slugs = KickChannel.slugs(channels).stream().map(s -> s.toLowerCase(Locale.ROOT)).distinct().toList();
        } catch (IllegalArgumentException e) {
            this.slugs = List.of(); // a bad list: the start-up check of kick.channels says so, in one line
        }
    }

    /** The official event types to subscribe to, comma separated. */
    public void setEvents(String events) {
        List<String> list = new ArrayList<>();
        for (String e : events.split(",")) {
            if (!e.isBlank()) {
                list.add(e.trim());
            }
        }
        this.events = List.copyOf(list);
    }

    public void setTimeoutMs(long timeoutMs) {
        this.timeout = Duration.ofMillis(timeoutMs);
    }

    /** For tests: the time tokens expire by. */
    void setClock(Clock clock) {
        this.clock = clock;
    }

    /** Both credentials are set: subscriptions are managed. */
    public boolean isEnabled() {
        return !clientId.isEmpty() && !clientSecret.isEmpty();
    }

    /** One check: what is missing is created; the outcome is kept for readiness and logged once per change. */
    public synchronized void ensure() {
        String before = problem;
        try {
            check();
        } catch (ApiException e) {
            problem = e.getMessage();
        } catch (IOException e) {
            problem = "cannot reach Kick's API: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        lastCheck = Instant.now();
        if (problem != null && !problem.equals(before) && itemErrors.isEmpty()) { // Kick's refusals: said one by one
            LOG.warn("Kick subscriptions: {}", problem);
        } else if (problem == null && before != null) {
            LOG.info("Kick subscriptions: {} in place for {} channel{}", subscribed, slugs.size(), slugs.size() == 1 ? "" : "s");
        }
    }

    private void check() throws IOException, InterruptedException, ApiException {
        itemErrors = List.of();
        Map<String, Long> ids = broadcasters();
        Set<String> have = new LinkedHashSet<>();
        for (JsonNode s : call("GET", "/public/v1/events/subscriptions", null).path("data")) {
            if ("webhook".equals(s.path("method").asText("webhook"))) {
                have.add(s.path("broadcaster_user_id").asLong() + "|" + s.path("event").asText());
            }
        }
        List<String> errors = new ArrayList<>();
        int count = 0;
        for (Map.Entry<String, Long> c : ids.entrySet()) {
            ArrayNode missing = mapper.createArrayNode();
            for (String event : events) {
                if (have.contains(c.getValue() + "|" + event)) {
                    count++;
                } else {
                    missing.addObject().put("name", event).put("version", 1);
                }
            }
            if (missing.isEmpty()) {
                continue;
            }
            ObjectNode body = mapper.createObjectNode().put("broadcaster_user_id", c.getValue()).put("method", "webhook");
            body.set("events", missing);
            for (JsonNode item : call("POST", "/public/v1/events/subscriptions", body).path("data")) {
                String error = item.path("error").asText("");
                if (error.isBlank()) {
                    count++;
                } else {
                    String line = c.getKey() + " " + item.path("name").asText("?") + ": " + error;
                    errors.add(line);
                    LOG.warn("Kick refused the subscription {}", line);
                }
            }
        }
        subscribed = count;
        itemErrors = List.copyOf(errors);
        problem = errors.isEmpty() ? null : errors.size() + " subscription" + (errors.size() == 1 ? "" : "s")
                + " refused by Kick: " + String.join("; ", errors.subList(0, Math.min(3, errors.size())))
                + (errors.size() > 3 ? "; …" : "");
    }

    /** Slug → broadcaster_user_id, by {@code GET /public/v1/channels?slug=…}; a slug Kick does not know is a problem. */
    private Map<String, Long> broadcasters() throws IOException, InterruptedException, ApiException {
        Map<String, Long> out = new LinkedHashMap<>();
        if (slugs.isEmpty()) {
            return out;
        }
        StringBuilder q = new StringBuilder("/public/v1/channels?");
        for (String s : slugs) {
            q.append(q.charAt(q.length() - 1) == '?' ? "" : "&").append("slug=").append(URLEncoder.encode(s, StandardCharsets.UTF_8));
        }
        for (JsonNode c : call("GET", q.toString(), null).path("data")) {
            String slug = c.path("slug").asText("").toLowerCase(Locale.ROOT);
            if (c.hasNonNull("broadcaster_user_id")) {
                out.put(slug, c.get("broadcaster_user_id").asLong());
            }
        }
        List<String> unknown = slugs.stream().filter(s -> !out.containsKey(s)).toList();
        if (!unknown.isEmpty()) {
            throw new ApiException("Kick's API does not know the channel" + (unknown.size() == 1 ? " " : "s ")
                    + String.join(", ", unknown) + " (kick.channels)");
        }
        return out;
    }

    /** One API call with the app token; a 401 renews the token once and tries again. */
    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException, ApiException {
        for (int attempt = 0; ; attempt++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(apiUrl + path)).timeout(timeout)
                    .header("Authorization", "Bearer " + token()).header("Accept", "application/json");
            b = body == null ? b.method(method, HttpRequest.BodyPublishers.noBody())
                    : b.header("Content-Type", "application/json")
                            .method(method, HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)));
            HttpResponse<String> r = client().send(b.build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 401 && attempt == 0) {
                token = null;
                continue;
            }
            if (r.statusCode() / 100 != 2) {
                throw new ApiException(method + " " + path.replaceFirst("\\?.*", "") + " answered " + r.statusCode()
                        + message(r.body()));
            }
            return mapper.readTree(r.body());
        }
    }

    /** The app token, fetched again when it is missing or has less than {@link #RENEW_BEFORE} left. */
    private String token() throws IOException, InterruptedException, ApiException {
        if (token != null && clock.instant().plus(RENEW_BEFORE).isBefore(tokenExpires)) {
            return token;
        }
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
        HttpRequest req = HttpRequest.newBuilder(URI.create(authUrl + "/oauth/token")).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> r = client().send(req, HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 400 || r.statusCode() == 401) {
            throw new ApiException("Kick refused the app credentials (" + r.statusCode() + "): check kick.api.client-id "
                    + "(KICK_CLIENT_ID) and KICK_CLIENT_SECRET");
        }
        if (r.statusCode() / 100 != 2) {
            throw new ApiException("the token endpoint answered " + r.statusCode());
        }
        JsonNode t = mapper.readTree(r.body());
        if (!t.hasNonNull("access_token")) {
            throw new ApiException("the token endpoint answered without an access_token");
        }
        token = t.get("access_token").asText();
        tokenExpires = clock.instant().plusSeconds(t.path("expires_in").asLong(3600));
        tokensFetched++;
        return token;
    }

    private HttpClient client() {
        if (client == null) {
            client = HttpClient.newBuilder().connectTimeout(timeout).build();
        }
        return client;
    }

    /** Kick's own words from an error body ({@code {"data":"…","message":"…"}}), short; nothing else of it. */
    private String message(String body) {
        try {
            JsonNode n = mapper.readTree(body);
            String data = n.path("data").isTextual() ? n.path("data").asText() : n.path("message").asText("");
            return data.isBlank() ? "" : ": " + (data.length() > 200 ? data.substring(0, 200) + "…" : data);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String stripSlash(String url) {
        String u = url == null ? "" : url.trim();
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /** Null when every wanted subscription is in place; else why not, in one line. */
    public String getProblem() {
        return problem;
    }

    public Instant getLastCheck() {
        return lastCheck;
    }

    public int getSubscribed() {
        return subscribed;
    }

    public List<String> getItemErrors() {
        return itemErrors;
    }

    public synchronized long getTokensFetched() {
        return tokensFetched;
    }

    /** A refusal or unexpected answer of Kick's API, in one line. */
    static final class ApiException extends Exception {
        ApiException(String message) {
            super(message, null, false, false);
        }
    }
}
