package dev.kickwatch.webhook;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.LogLimiter;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.Times;
import dev.kickwatch.pusher.KickChannel;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The webhook route's first step: checks a POST from Kick's official API and turns it into a {@link KickEvent}, or
 * refuses it with {@link WebhookRefusedException} (the route's error handling answers 401 or 400 and logs one line).
 * In order: the {@code Kick-Event-*} headers are there, the signature is Kick's over the exact bytes received, the
 * timestamp is no older than {@code kick.webhook.max-age}, and the body is one JSON object. Nothing of a refused
 * request goes further. Also what the health check and the status page show: the last verified delivery, the counts.
 */
public class KickWebhookReceiver implements Processor {

    private static final Logger LOG = LoggerFactory.getLogger(KickWebhookReceiver.class);

    public static final String MESSAGE_ID = "Kick-Event-Message-Id";
    public static final String TIMESTAMP = "Kick-Event-Message-Timestamp";
    public static final String SIGNATURE = "Kick-Event-Signature";
    public static final String TYPE = "Kick-Event-Type";

    /** The reasons a request is refused for, as counted. */
    public static final List<String> REFUSALS = List.of("unsigned", "bad-signature", "stale", "not-json");

    private final ObjectMapper mapper = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private final LogLimiter refusalLog = new LogLimiter(10_000);
    private final AtomicLong verified = new AtomicLong();
    private final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
    private KickSignature signature = KickSignature.builtIn();
    private WebhookEventNormalizer normalizer = new WebhookEventNormalizer(Map.of());
    private long maxAgeSeconds = 300;
    private volatile Instant lastVerified;
    private volatile String lastType;

    /** PEM public key to check signatures with; empty: Kick's published key. */
    public void setPublicKey(String pem) {
        signature = pem == null || pem.isBlank() ? KickSignature.builtIn() : KickSignature.of(pem.replace("\\n", "\n"));
    }

    /** Older timestamps (either way from now) are refused; 0: not checked. */
    public void setMaxAgeSeconds(long maxAgeSeconds) {
        if (maxAgeSeconds < 0) {
            throw new IllegalArgumentException("kick.webhook.max-age (KICK_WEBHOOK_MAX_AGE) must be 0 (off) or more seconds, not "
                    + maxAgeSeconds);
        }
        this.maxAgeSeconds = maxAgeSeconds;
    }

    /** kick.channels: a watched channel's ids go into its rows (entries given by bare slug have none yet). */
    public void setChannels(String channels) {
        Map<String, KickChannel> bySlug = new LinkedHashMap<>();
        for (String entry : channels == null ? new String[0] : channels.split(",")) {
            if (!entry.isBlank() && !KickChannel.isSlug(entry.trim())) {
                try {
                    for (KickChannel c : KickChannel.parseList(entry.trim())) {
                        bySlug.put(c.slug().toLowerCase(Locale.ROOT), c);
                    }
                } catch (IllegalArgumentException e) {
                    // a bad entry: the start-up check of kick.channels says so, in one line
                }
            }
        }
        normalizer = new WebhookEventNormalizer(bySlug);
    }

    @Override
    public void process(Exchange exchange) throws WebhookRefusedException {
        Message m = exchange.getMessage();
        String id = m.getHeader(MESSAGE_ID, String.class);
        String timestamp = m.getHeader(TIMESTAMP, String.class);
        String sig = m.getHeader(SIGNATURE, String.class);
        if (blank(id) || blank(timestamp) || blank(sig)) {
            throw refuse(401, "unsigned", "no " + (blank(id) ? MESSAGE_ID : blank(timestamp) ? TIMESTAMP : SIGNATURE)
                    + " header: not a webhook from Kick");
        }
        byte[] body = m.getBody(byte[].class);
        if (body == null) {
            body = new byte[0];
        }
        if (!signature.verify(id, timestamp, body, sig)) {
            throw refuse(401, "bad-signature", "message " + id + ": the signature does not match the body ("
                    + body.length + " bytes) and kick.webhook.public-key");
        }
        Instant received = Instant.now();
        if (maxAgeSeconds > 0) {
            Instant sent = Times.parse(timestamp);
            if (sent == null) {
                throw refuse(401, "stale", "message " + id + ": " + TIMESTAMP + " is not an RFC 3339 time");
            }
            long age = Math.abs(Duration.between(sent, received).toSeconds());
            if (age > maxAgeSeconds) {
                throw refuse(401, "stale", "message " + id + ": sent " + timestamp + ", " + age + " s from now, more than "
                        + "kick.webhook.max-age " + maxAgeSeconds + " s (a replay, or a wrong clock)");
            }
        }
        String text = new String(body, StandardCharsets.UTF_8);
        JsonNode payload;
        try {
            payload = mapper.readTree(text);
        } catch (Exception e) {
            payload = null;
        }
        if (payload == null || !payload.isObject()) {
            throw refuse(400, "not-json", "message " + id + ": the body (" + body.length + " bytes) is not a JSON object");
        }
        String type = m.getHeader(TYPE, String.class);
        KickEvent event = normalizer.normalize(type, id, payload, text, received);
        verified.incrementAndGet();
        lastVerified = received;
        lastType = event.getType();
        m.setBody(event);
    }

    private WebhookRefusedException refuse(int status, String reason, String message) {
        refused.computeIfAbsent(reason, r -> new AtomicLong()).incrementAndGet();
        long held = refusalLog.tryAcquire();
        if (held >= 0) {
            LOG.warn("Kick webhook refused ({}): {}{}", status, message, held > 0 ? " (" + held + " more refused since the last line)" : "");
        }
        return new WebhookRefusedException(status, message);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    public long getVerified() {
        return verified.get();
    }

    /** Refused requests by reason: unsigned, bad-signature, stale, not-json. */
    public Map<String, Long> getRefused() {
        Map<String, Long> out = new LinkedHashMap<>();
        refused.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    public long getRefused(String reason) {
        AtomicLong n = refused.get(reason);
        return n == null ? 0 : n.get();
    }

    public Instant getLastVerified() {
        return lastVerified;
    }

    public String getLastType() {
        return lastType;
    }
}
