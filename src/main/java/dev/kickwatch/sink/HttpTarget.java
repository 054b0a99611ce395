package dev.kickwatch.sink;

import java.net.URI;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

import dev.kickwatch.LogLimiter;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sink's HTTP peer: where to POST (kept out of every endpoint URI: the route's {@code http:} endpoint has a
 * placeholder host and this bean sets {@code CamelHttpUri} per message, so the webhook token and the API key never
 * show in route dumps, JMX, endpoint lists or exceptions), how to read its answers, and its counters.
 * <ul>
 * <li>2xx: delivered.</li>
 * <li>5xx, no answer, and 429 unless 429 is paced elsewhere: {@link SinkUnavailableException}, a breaker failure.</li>
 * <li>a "gone" status (Discord: 401, 403, 404): stop sending to this peer until restart; the message is journaled.</li>
 * <li>other 4xx: the peer refuses this message for good; it is journaled as rejected, with one log line.</li>
 * </ul>
 * {@link #toString()} is redacted.
 */
public class HttpTarget {

    /** Exchange property set to true when the peer refused the message for good. */
    public static final String REJECTED = "KickwatchRejected";
    private static final Logger LOG = LoggerFactory.getLogger(HttpTarget.class);

    private String name = "sink";
    private String property = "";
    private String url = "";
    private String apiKey = "";
    private String query = "";
    private String prefer = "";
    private Set<Integer> goneStatuses = Set.of();
    private boolean pacedRateLimits;
    private volatile Integer goneStatus;

    private final AtomicLong sent = new AtomicLong();
    private static final String SENT_AT = "KickwatchSentAt";
    private final LongAdder requestNanos = new LongAdder();
    private final LongAdder requests = new LongAdder();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final LogLimiter logLimiter = new LogLimiter(10_000);

    /** True when no URL is configured: the route uses its local fallback (console or file). */
    public boolean isEmpty() {
        return url.isBlank();
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

    /** Sets the request headers on a message whose other headers were already removed. */
    public void apply(Exchange exchange) {
        exchange.setProperty(SENT_AT, System.nanoTime());
        Message m = exchange.getMessage();
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

    /** Reads the answer of a POST sent with {@code throwExceptionOnFailure=false}. */
    public void check(Exchange exchange) {
        Long sentAt = exchange.getProperty(SENT_AT, Long.class);
        if (sentAt != null) {
            requestNanos.add(System.nanoTime() - sentAt);
            requests.increment();
        }
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code == null ? 0 : code;
        if (status >= 200 && status < 300) {
            sent.incrementAndGet();
            return;
        }
        if (status == 429 && pacedRateLimits) {
            return; // the rate limiter waits and the same message is sent again
        }
        failed.incrementAndGet();
        if (status == 429 || status >= 500 || status == 0) {
            throw new SinkUnavailableException(name + " answered HTTP " + status);
        }
        exchange.setProperty(REJECTED, true);
        rejected.incrementAndGet();
        String answer = exchange.getMessage().getBody(String.class);
        String detail = answer == null ? "" : oneLine(answer, 300);
        if (goneStatuses.contains(status)) {
            if (goneStatus == null) {
                goneStatus = status;
                LOG.error("{} answered HTTP {} ({}): deleted or wrong URL; nothing more is sent to it until restart, "
                        + "messages go to the {} journal. Check {}", name, status, detail, name, property);
            }
            return;
        }
        log("{} refused a message with HTTP {}: {}; it is kept in the {}-rejected journal", name, status, detail, name);
    }

    /** From a breaker's onFallback: one rate-limited line; the route journals the message. */
    public void fallback(Exchange exchange) {
        Throwable cause = exchange.getException();
        if (cause == null) {
            cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        }
        String why = cause != null ? oneLine(cause.getClass().getSimpleName() + ": " + cause.getMessage(), 200)
                : "circuit breaker " + exchange.getProperty("CamelCircuitBreakerState");
        log("{} unavailable ({}); kept in the {} journal", name, why, name);
    }

    private void log(String format, Object... args) {
        long held = logLimiter.tryAcquire();
        if (held >= 0) {
            LOG.warn(format + (held > 0 ? " (" + held + " similar lines held back)" : ""), args);
        }
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

    public long getRejected() {
        return rejected.get();
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

    public void setPrefer(String prefer) {
        this.prefer = prefer == null ? "" : prefer.trim();
    }

    /** Comma list of HTTP statuses after which the peer is not used again until restart. */
    public void setGoneStatuses(String statuses) {
        this.goneStatuses = statuses == null || statuses.isBlank() ? Set.of()
                : Arrays.stream(statuses.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toUnmodifiableSet());
    }

    /** True when a rate limiter in the route waits out 429s, so they are not failures. */
    public void setPacedRateLimits(boolean paced) {
        this.pacedRateLimits = paced;
    }

    @Override
    public String toString() {
        return name + (isEmpty() ? " (not configured)" : " (URL set, redacted)");
    }
}
