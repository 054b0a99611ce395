package dev.kickwatch.sink;

import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.LogLimiter;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Processor;
import org.apache.camel.util.ObjectHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code onExceptionOccurred} processor of the 429 redelivery: Camel's redelivery reads the delay header
 * ({@link Exchange#REDELIVERY_DELAY}) before each wait, and this sets it to the {@code retry_after} Discord gave,
 * so the same message is sent again exactly when Discord allows it. Also parses Discord's rate-limit answers.
 */
public class RetryAfter implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(RetryAfter.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final LogLimiter limiter = new LogLimiter(30_000);

    @Override
    public void process(Exchange exchange) {
        Throwable cause = exchange.getException() != null ? exchange.getException()
                : exchange.getProperty(ExchangePropertyKey.EXCEPTION_CAUGHT, Throwable.class);
        RateLimitedException limited = ObjectHelper.getException(RateLimitedException.class, cause);
        if (limited == null) {
            return;
        }
        exchange.getMessage().setHeader(Exchange.REDELIVERY_DELAY, limited.getRetryAfterMs());
        long held = limiter.tryAcquire();
        if (held >= 0) {
            LOG.warn("{}: waiting {} s before sending the same message again{}", limited.getMessage(),
                    String.format(Locale.ROOT, "%.2f", limited.getRetryAfterMs() / 1000.0),
                    held > 0 ? " (" + held + " similar lines held back)" : "");
        }
    }

    /**
     * How long a 429 asks to wait (ms): the body's {@code retry_after} (seconds with a fraction, the precise value),
     * else {@code X-RateLimit-Reset-After}, else {@code Retry-After} (whole seconds, rounded up); 1 s when none is given.
     */
    public static long millis(String body, String retryAfterHeader, String resetAfterHeader) {
        Double seconds = null;
        try {
            JsonNode json = body == null || body.isBlank() ? null : JSON.readTree(body);
            if (json != null && json.path("retry_after").isNumber()) {
                seconds = json.get("retry_after").asDouble();
            }
        } catch (Exception e) {
            // no JSON body: the headers decide
        }
        if (seconds == null) {
            seconds = seconds(resetAfterHeader);
        }
        if (seconds == null) {
            seconds = seconds(retryAfterHeader);
        }
        return seconds == null || seconds < 0 ? 1000 : (long) Math.ceil(seconds * 1000);
    }

    static Double seconds(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
