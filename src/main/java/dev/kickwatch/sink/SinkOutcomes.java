package dev.kickwatch.sink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import dev.kickwatch.LogLimiter;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the answer of a sink's HTTP peer (sent with {@code throwExceptionOnFailure=false}) and turns it into what
 * the circuit breaker must see: 5xx and 429 throw {@link SinkUnavailableException} (a breaker failure), other 4xx mark
 * the exchange as rejected so the route journals it, 2xx pass. Logs name the sink and status, never the URL.
 */
public class SinkOutcomes {

    /** Exchange property set to true when the peer refused the message for good (4xx). */
    public static final String REJECTED = "KickwatchRejected";

    private static final Logger LOG = LoggerFactory.getLogger(SinkOutcomes.class);

    private final Map<String, LogLimiter> limiters = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> sent = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> failed = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> journaled = new ConcurrentHashMap<>();

    public void check(Exchange exchange, String sink) {
        Integer code = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        int status = code == null ? 0 : code;
        if (status >= 200 && status < 300) {
            counter(sent, sink).incrementAndGet();
            return;
        }
        counter(failed, sink).incrementAndGet();
        if (status == 429 || status >= 500 || status == 0) {
            throw new SinkUnavailableException(sink + " answered HTTP " + status);
        }
        exchange.setProperty(REJECTED, true);
        String answer = exchange.getMessage().getBody(String.class);
        log(sink, "{} refused a message with HTTP {}: {}", sink, status, answer == null ? "" : oneLine(answer, 300));
    }

    /** Called from a breaker's onFallback: one rate-limited line, then the route journals the message. */
    public void fallback(Exchange exchange, String sink) {
        counter(journaled, sink).incrementAndGet();
        Throwable cause = exchange.getException();
        if (cause == null) {
            cause = exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        }
        Object state = exchange.getProperty("CamelCircuitBreakerState");
        String why = cause != null ? oneLine(cause.getClass().getSimpleName() + ": " + cause.getMessage(), 200)
                : "circuit breaker " + state;
        log(sink, "{} unavailable ({}); message written to the {} journal", sink, why, sink);
    }

    public void rejected(Exchange exchange, String sink) {
        counter(journaled, sink).incrementAndGet();
    }

    public long getSent(String sink) {
        return counter(sent, sink).get();
    }

    public long getFailed(String sink) {
        return counter(failed, sink).get();
    }

    public long getJournaled(String sink) {
        return counter(journaled, sink).get();
    }

    private void log(String sink, String format, Object... args) {
        long held = limiters.computeIfAbsent(sink, k -> new LogLimiter(10_000)).tryAcquire();
        if (held >= 0) {
            LOG.warn(format + (held > 0 ? " (" + held + " similar lines held back)" : ""), args);
        }
    }

    private static AtomicLong counter(Map<String, AtomicLong> map, String sink) {
        return map.computeIfAbsent(sink, k -> new AtomicLong());
    }

    static String oneLine(String s, int max) {
        String flat = s.replaceAll("\\s+", " ").trim();
        return flat.length() > max ? flat.substring(0, max) + "…" : flat;
    }
}
