package dev.kickwatch.sink;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's HTTP peer: where to POST (kept out of every endpoint URI: the route's {@code http:} endpoint has a
 * placeholder host and this bean sets {@code CamelHttpUri} per message, so the webhook token and the API key never
 * show in route dumps, JMX, endpoint lists or exceptions), how to read its answers, and its counters.
 * Every outcome other than 2xx is an exception, which the sink's error handling maps to a journal:
 * <ul>
 * <li>5xx, no answer, and (for the DB) 429: {@link SinkUnavailableException}, a breaker failure.</li>
 * <li>429 from Discord ({@code rateLimits}): {@link RateLimitedException} with Discord's {@code retry_after}; no
 * request goes to the webhook before then ({@link #waitMillis()}).</li>
 * <li>a "gone" status (Discord: 401, 403, 404): {@link WebhookGoneException}; nothing more is sent to this peer until
 * restart.</li>
 * <li>other 4xx: {@link SinkRejectedException}: the peer refuses this message for good.</li>
 * </ul>
 * {@link #toString()} is redacted.
 */
public class HttpTarget {

    private static final Logger LOG = LoggerFactory.getLogger(HttpTarget.class);

    private String name = "sink";
    private String property = "";
    private String url = "";
    private String apiKey = "";
    private String query = "";
    private String prefer = "";
    private String probeQuery = "";
    private String keyProperty = "";
    private long probeTimeout = 5000;
    private Set<Integer> goneStatuses = Set.of();
    private boolean rateLimits;
    private volatile Integer goneStatus;
    /** No request before this time (epoch ms): Discord's retry_after, or its bucket said 0 remaining. */
    private volatile long notBefore;

    private final AtomicLong sent = new AtomicLong();
    private static final String SENT_AT = "KickwatchSentAt";
    private final LongAdder requestNanos = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong rateLimited = new AtomicLong();
    private volatile long lastSentAt;
    /** Told each answer's wait in nanoseconds (the latency histogram of the metrics); none until set. */
    private volatile LongConsumer latencyListener = nanos -> { };

    /** True when no URL is configured: the route uses its local fallback (console or file). */
    public boolean isEmpty() {
        return url.isBlank();
    }

    /** A URL is set (gone or not). */
    public boolean hasUrl() {
        return !isEmpty();
    }

    /** A URL is set and the peer has not answered a "gone" status. */
    public boolean isConfigured() {
        return !isEmpty() && !isGone();
    }

    /** True after the peer answered a "gone" status: nothing more is sent to it until restart. */
    public boolean isGone() {
        return goneStatus != null;
    }

    public Integer getGoneStatus() {
        return goneStatus;
    }

    /**
     * Makes the request of the message in hand (inside the breaker, on the breaker's copy of the exchange, whose other
     * headers were removed): URL, method and headers, and the body as JSON.
     */
    public void prepare(Exchange exchange) {
        if (isGone()) {
            throw new WebhookGoneException(name + " answered HTTP " + goneStatus + " before: not used until restart");
        }
        exchange.setProperty(SENT_AT, System.nanoTime());
        Message m = exchange.getMessage();
        Object body = m.getBody();
        if (body instanceof RowBatch rows) {
            m.setBody(rows.json());
        } else if (body instanceof DiscordMessage message) {
            m.setBody(message.json());
        }
        m.setHeader(Exchange.HTTP_URI, url);
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (!query.isBlank()) {
            m.setHeader(Exchange.HTTP_QUERY, query);
        }
        if (!prefer.isBlank()) {
            m.setHeader("Prefer", prefer);
        }
        if (!apiKey.isBlank()) {
            m.setHeader("apikey", apiKey);
            m.setHeader("Authorization", "Bearer " + apiKey);
        }
    }

    /** Reads the answer of a POST sent with {@code throwExceptionOnFailure=false}: returns on 2xx, else throws. */
    public void check(Exchange exchange) {
        Long sentAt = exchange.getProperty(SENT_AT, Long.class);
        if (sentAt != null) {
            long nanos = System.nanoTime() - sentAt;
            requestNanos.add(nanos);
            requests.increment();
            latencyListener.accept(nanos);
        }
        Message m = exchange.getMessage();
        Integer code = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code == null ? 0 : code;
        if (rateLimits) {
            rateLimitHeaders(m);
        }
        if (status >= 200 && status < 300) {
            sent.incrementAndGet();
            lastSentAt = System.currentTimeMillis();
            return;
        }
        String answer = m.getBody(String.class);
        if (status == 429 && rateLimits) {
            rateLimited.incrementAndGet();
            long wait = RetryAfter.millis(answer, m.getHeader("Retry-After", String.class),
                    m.getHeader("X-RateLimit-Reset-After", String.class));
            boolean global = "true".equalsIgnoreCase(m.getHeader("X-RateLimit-Global", String.class))
                    || (answer != null && answer.contains("\"global\":true"));
            notBefore = Math.max(notBefore, System.currentTimeMillis() + wait);
            throw new RateLimitedException(name + " rate limit" + (global ? " (global)" : ""), wait);
        }
        failed.incrementAndGet();
        if (status == 429 || status >= 500 || status == 0) {
            throw new SinkUnavailableException(name + " answered HTTP " + status);
        }
        rejected.incrementAndGet();
        String detail = answer == null ? "" : oneLine(answer, 300);
        if (goneStatuses.contains(status)) {
            if (goneStatus == null) {
                goneStatus = status;
                LOG.error("{} answered HTTP {} ({}): deleted or wrong URL; nothing more is sent to it until restart, "
                        + "messages go to the {} journal. Check {}", name, status, detail, name, property);
            }
            throw new WebhookGoneException(name + " answered HTTP " + status);
        }
        throw new SinkRejectedException(name + " refused a message with HTTP " + status + ": " + detail);
    }

    /** How a start-up probe went: the URL and key work, the peer refuses them, or it cannot be asked now. */
    public enum Probe { OK, WRONG, UNREACHABLE }

    /** A probe's outcome and the line that says it; the line names settings and hosts, never the URL or the key. */
    public record ProbeResult(String sink, Probe outcome, String line) {
    }

    /**
     * Asks the peer once, without sending data, whether the URL and key work: a GET of the URL (with
     * {@code probeQuery}, e.g. PostgREST's {@code limit=0}), which Discord answers 200, or 401/404 for a wrong or
     * deleted webhook, and PostgREST 200, or 401 for a wrong key and 404 for a missing table. A "gone" answer marks the
     * peer gone, as a POST would. The answer's body is read only for a refusal's {@code message}: a webhook's 200 body
     * holds its token.
     */
    public ProbeResult probe() {
        String where = name + " at " + host();
        long start = System.nanoTime();
        int status;
        String refusal = null;
        java.net.HttpURLConnection c = null;
        try {
            // java.net's client: no threads of its own and nothing more to load for one request at start-up
            String uri = probeQuery.isBlank() ? url : url + (url.contains("?") ? "&" : "?") + probeQuery;
            c = (java.net.HttpURLConnection) URI.create(uri).toURL().openConnection();
            c.setConnectTimeout((int) probeTimeout);
            c.setReadTimeout((int) probeTimeout);
            c.setInstanceFollowRedirects(false);
            c.setUseCaches(false);
            c.setRequestProperty("Accept", "application/json");
            if (!apiKey.isBlank()) {
                c.setRequestProperty("apikey", apiKey);
                c.setRequestProperty("Authorization", "Bearer " + apiKey);
            }
            status = c.getResponseCode();
            if (status >= 400 && c.getErrorStream() != null) {
                try (var in = c.getErrorStream()) {
                    refusal = new String(in.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
                }
            }
        } catch (IOException | RuntimeException e) {
            return new ProbeResult(name, Probe.UNREACHABLE, where + " cannot be reached now (" + reason(e) + "); its events "
                    + "wait in the " + name + " journal until it answers");
        } finally {
            if (c != null) {
                c.disconnect();
            }
        }
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (status >= 200 && status < 300) {
            return new ProbeResult(name, Probe.OK, where + " answers HTTP " + status + " in " + ms + " ms");
        }
        if (status == 429 || status >= 500) {
            return new ProbeResult(name, Probe.UNREACHABLE, where + " answers HTTP " + status + " now; its events wait in the "
                    + name + " journal until it accepts them");
        }
        String said = status + message(refusal);
        String meaning;
        String setting = property;
        if (status == 401 || status == 403) {
            if (!keyProperty.isBlank()) {
                setting = keyProperty;
                meaning = "the key is wrong or may not use this table";
            } else {
                meaning = "the token in the URL is wrong; copy the webhook URL again";
            }
        } else if (status == 404) {
            meaning = keyProperty.isBlank() ? "the webhook was deleted, or the URL is wrong"
                    : "no such table; create it with sql/kick_events.sql";
        } else {
            meaning = "check the URL";
        }
        if (goneStatuses.contains(status) && goneStatus == null) {
            goneStatus = status;
            meaning += "; nothing is sent to it until restart, messages go to the " + name + " journal";
        }
        return new ProbeResult(name, Probe.WRONG, setting + ": " + where + " answers HTTP " + said + ": " + meaning);
    }

    /** The {@code message} of a JSON refusal (Discord's and PostgREST's), on one short line; never the secrets. */
    private String message(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            String msg = new com.fasterxml.jackson.databind.ObjectMapper().readTree(body).path("message").asText("");
            if (msg.isBlank() || (!apiKey.isBlank() && msg.contains(apiKey)) || msg.contains(url)) {
                return "";
            }
            return " (" + oneLine(msg, 120) + ")";
        } catch (IOException e) {
            return "";
        }
    }

    private static String reason(Exception e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof java.net.ConnectException) {
                return "connection refused";
            }
            if (c instanceof java.net.SocketTimeoutException || c instanceof java.net.http.HttpTimeoutException) {
                return "no answer in time";
            }
            if (c instanceof java.nio.channels.UnresolvedAddressException || c instanceof java.net.UnknownHostException) {
                return "unknown host";
            }
        }
        return e.getClass().getSimpleName();
    }

    private String host() {
        URI u = URI.create(url);
        return u.getHost() + (u.getPort() > 0 ? ":" + u.getPort() : "");
    }

    /** Discord's bucket headers: when it says nothing remains, no request goes before it resets. */
    private void rateLimitHeaders(Message m) {
        if ("0".equals(m.getHeader("X-RateLimit-Remaining", String.class))) {
            Double resetAfter = RetryAfter.seconds(m.getHeader("X-RateLimit-Reset-After", String.class));
            if (resetAfter != null) {
                notBefore = Math.max(notBefore, System.currentTimeMillis() + (long) Math.ceil(resetAfter * 1000));
            }
        }
    }

    /** How long the next request must wait (ms) because the peer asked so (a 429's retry_after, an empty bucket). */
    public long waitMillis() {
        return Math.max(0, notBefore - System.currentTimeMillis());
    }

    static String oneLine(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > max ? flat.substring(0, max) + "…" : flat;
    }

    /** Seconds spent waiting for answers, over all requests that got one (with {@link #getAnswered()}: the mean). */
    public double getRequestSeconds() {
        return requestNanos.sum() / 1e9;
    }

    public long getAnswered() {
        return requests.sum();
    }

    public long getSent() {
        return sent.get();
    }

    public long getFailed() {
        return failed.get();
    }

    /** When the peer last accepted a request (epoch ms), 0 before the first. */
    public long getLastSentAt() {
        return lastSentAt;
    }

    public void setLatencyListener(LongConsumer latencyListener) {
        this.latencyListener = latencyListener;
    }

    public long getRejected() {
        return rejected.get();
    }

    /** 429 answers (Discord: waited out and sent again). */
    public long getRateLimited() {
        return rateLimited.get();
    }

    public String getName() {
        return name;
    }

    // configuration --------------------------------------------------------------------------------------------------

    public void setName(String name) {
        this.name = name;
    }

    /** The property and environment variable the URL comes from, named in error messages. */
    public void setProperty(String property) {
        this.property = property;
    }

    /** Validated here so that a wrong value stops start-up with one line that does not repeat the secret. */
    public void setUrl(String url) {
        String u = url == null ? "" : url.trim();
        if (!u.isEmpty()) {
            URI parsed;
            try {
                parsed = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(property + " is not a valid URL");
            }
            if (parsed.getScheme() == null || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))
                    || parsed.getHost() == null) {
                throw new IllegalArgumentException(property + " must be an http:// or https:// URL with a host");
            }
        }
        this.url = u;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey == null ? "" : apiKey.trim();
    }

    public void setQuery(String query) {
        this.query = query == null ? "" : query.trim();
    }

    /** Added to the URL's query for the start-up probe (PostgREST: {@code limit=0}, no rows read). */
    public void setProbeQuery(String probeQuery) {
        this.probeQuery = probeQuery == null ? "" : probeQuery.trim();
    }

    /** The property and environment variable of the API key, named when the peer refuses it. */
    public void setKeyProperty(String keyProperty) {
        this.keyProperty = keyProperty == null ? "" : keyProperty.trim();
    }

    /** ms the start-up probe may take, connect and answer together. */
    public void setProbeTimeout(long probeTimeout) {
        this.probeTimeout = probeTimeout;
    }

    public void setPrefer(String prefer) {
        this.prefer = prefer == null ? "" : prefer.trim();
    }

    /** Comma list of HTTP statuses after which the peer is not used again until restart. */
    public void setGoneStatuses(String statuses) {
        this.goneStatuses = statuses == null || statuses.isBlank() ? Set.of()
                : Arrays.stream(statuses.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toUnmodifiableSet());
    }

    /** True for Discord: a 429 is waited out and the message sent again (not a failure); its bucket headers are honoured. */
    public void setRateLimits(boolean rateLimits) {
        this.rateLimits = rateLimits;
    }

    @Override
    public String toString() {
        return name + (isEmpty() ? " (not configured)" : " (URL set, redacted)");
    }
}
