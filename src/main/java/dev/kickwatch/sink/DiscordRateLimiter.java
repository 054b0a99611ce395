package dev.kickwatch.sink;

import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.LogLimiter;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Paces one Discord webhook: at most {@code requests} per {@code periodMs} (below Discord's 5 per 2 s), waits out
 * {@code X-RateLimit-Remaining: 0}, and after a 429 waits {@code retry_after} (body, {@code Retry-After} or
 * {@code X-RateLimit-Reset-After}, whichever is longest; {@code global} honoured) before the same message is sent again.
 * A 429 is never a breaker failure. Used by the single Discord sender thread.
 */
public class DiscordRateLimiter {

    /** Exchange property: true while the same message must be sent again (after a 429). */
    public static final String RESEND = "KickwatchResend";
    private static final Logger LOG = LoggerFactory.getLogger(DiscordRateLimiter.class);

    private final ObjectMapper mapper = new ObjectMapper();
    private final ArrayDeque<Long> sentAt = new ArrayDeque<>();
    private final LogLimiter limitedLog = new LogLimiter(30_000);
    private final AtomicLong rateLimited = new AtomicLong();
    private int requests = 4;
    private long periodMs = 2000;
    private int max429 = 10;
    private long notBefore;

    /** Blocks until the next request is allowed. */
    public synchronized void acquire() throws InterruptedException {
        while (true) {
            long now = System.currentTimeMillis();
            while (!sentAt.isEmpty() && now - sentAt.peekFirst() >= periodMs) {
                sentAt.pollFirst();
            }
            long wait = Math.max(notBefore - now, sentAt.size() >= requests ? sentAt.peekFirst() + periodMs - now : 0);
            if (wait <= 0) {
                sentAt.addLast(now);
                return;
            }
            wait(wait); // releases the monitor; only the sender thread calls this
        }
    }

    /** Reads Discord's answer: a 429 sets {@link #RESEND} and the wait, anything else clears it. */
    public synchronized void afterResponse(Exchange exchange) {
        Message m = exchange.getMessage();
        Integer code = m.getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
        long now = System.currentTimeMillis();
        String remaining = m.getHeader("X-RateLimit-Remaining", String.class);
        Double resetAfter = seconds(m.getHeader("X-RateLimit-Reset-After", String.class));
        if ("0".equals(remaining) && resetAfter != null) {
            notBefore = Math.max(notBefore, now + (long) Math.ceil(resetAfter * 1000));
        }
        if (code == null || code != 429) {
            exchange.setProperty(RESEND, false);
            return;
        }
        rateLimited.incrementAndGet();
        double wait = 1.0;
        boolean global = "true".equalsIgnoreCase(m.getHeader("X-RateLimit-Global", String.class));
        try {
            JsonNode body = mapper.readTree(m.getBody(String.class));
            if (body != null && body.hasNonNull("retry_after")) {
                wait = Math.max(wait, body.get("retry_after").asDouble());
            }
            global |= body != null && body.path("global").asBoolean(false);
        } catch (Exception ignored) {
            // no JSON body: the headers decide
        }
        Double header = seconds(m.getHeader("Retry-After", String.class));
        if (header != null) {
            wait = Math.max(wait, header);
        }
        if (resetAfter != null) {
            wait = Math.max(wait, resetAfter);
        }
        notBefore = Math.max(notBefore, now + (long) Math.ceil(wait * 1000));
        int attempts = exchange.getProperty("KickwatchAttempts", 0, Integer.class) + 1;
        exchange.setProperty("KickwatchAttempts", attempts);
        exchange.setProperty(RESEND, attempts < max429);
        if (limitedLog.tryAcquire() >= 0) {
            LOG.warn("Discord rate limit{}: waiting {} s before sending the same message again", global ? " (global)" : "",
                    String.format(Locale.ROOT, "%.2f", wait));
        }
    }

    private static Double seconds(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    public long getRateLimited() {
        return rateLimited.get();
    }

    /** Requests allowed per period. */
    public void setRequests(int requests) {
        this.requests = requests;
    }

    public void setPeriodMs(long periodMs) {
        this.periodMs = periodMs;
    }

    /** 429 answers for one message after which it goes to the journal. */
    public void setMax429(int max429) {
        this.max429 = max429;
    }
}
