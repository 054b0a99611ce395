package dev.kickwatch.sink;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.core.IntervalFunction;
import org.apache.camel.CamelContext;
import org.apache.camel.CamelContextAware;
import org.apache.camel.support.CamelContextHelper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one sink's circuit breaker (a YAML bean with {@code builderClass}; the route's {@code circuitBreaker} EIP
 * refers to it by name):
 * <ul>
 * <li>opens after {@code failures} failed calls in a row;</li>
 * <li>stays open {@code openInitialSeconds} the first time, 1.5 times as long each time the probe after it fails, up to
 * {@code openSeconds}: a short outage is noticed within seconds, a long one is probed at most that rarely;</li>
 * <li>a refused message, a gone webhook and a 429 are not failures of the sink (they have their own handling);</li>
 * <li>its open state survives a restart: kept in {@code <data-dir>/breakers/<name>.json} and resumed for the time
 * that was left; a missing or unreadable file means closed, with one log line.</li>
 * </ul>
 * Registered in Camel's resilience4j registry, so {@code resilience4j_circuitbreaker_*} metrics include it.
 */
public class SinkBreaker implements CamelContextAware {

    private static final Logger LOG = LoggerFactory.getLogger(SinkBreaker.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Each open period after a failed probe is this much longer than the one before. */
    static final double GROWTH = 1.5;

    private CamelContext camelContext;
    private String name = "sink-cb";
    private int failures = 5;
    private long openSeconds = 60;
    private long openInitialSeconds = 2;
    private String dataDir = "data";

    public CircuitBreaker build() {
        if (failures < 1 || openSeconds < 1 || openInitialSeconds < 1) {
            throw new IllegalArgumentException("circuit breaker " + name + ": failures and open seconds must be positive");
        }
        long maxMs = openSeconds * 1000;
        long firstMs = Math.min(openInitialSeconds * 1000, maxMs);
        IntervalFunction open = IntervalFunction.ofExponentialBackoff(firstMs, GROWTH, maxMs);
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(failures)
                .minimumNumberOfCalls(failures)
                .failureRateThreshold(100)
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .waitIntervalFunctionInOpenState(open)
                .ignoreExceptions(SinkRejectedException.class, WebhookGoneException.class, RateLimitedException.class)
                .writableStackTraceEnabled(false)
                .build();
        CircuitBreaker breaker = registry().circuitBreaker(name, config);
        Path file = Path.of(dataDir).resolve("breakers").resolve(name + ".json");
        AtomicInteger opened = new AtomicInteger(resume(breaker, file));
        breaker.getEventPublisher().onStateTransition(e -> {
            CircuitBreaker.State to = e.getStateTransition().getToState();
            if (to == CircuitBreaker.State.OPEN) {
                int n = opened.incrementAndGet();
                save(file, "OPEN", System.currentTimeMillis() + open.apply(n), n);
            } else if (to == CircuitBreaker.State.CLOSED) {
                opened.set(0);
                save(file, "CLOSED", 0, 0);
            }
        });
        return breaker;
    }

    /** Puts the breaker back into the open state a saved file describes; returns how often it had opened in a row. */
    static int resume(CircuitBreaker breaker, Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try {
            JsonNode saved = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            if (saved == null || !"OPEN".equals(saved.path("state").asText()) || !saved.path("until").canConvertToLong()) {
                return 0;
            }
            int attempts = Math.max(1, saved.path("opened").asInt(1));
            Instant until = Instant.ofEpochMilli(Math.max(saved.path("until").asLong(), System.currentTimeMillis()));
            for (int i = 0; i < attempts; i++) {
                breaker.transitionToOpenState(); // counts the openings, so the next one lasts as long as it would have
            }
            breaker.transitionToOpenStateUntil(until);
            long left = Math.max(0, until.toEpochMilli() - System.currentTimeMillis()) / 1000;
            LOG.warn("Circuit breaker {} resumes OPEN from before the restart: no call to the sink for {} s more", breaker.getName(), left);
            return attempts;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Circuit breaker {}: saved state {} unreadable ({}); starting closed", breaker.getName(), file,
                    e.getClass().getSimpleName());
            return 0;
        }
    }

    private static void save(Path file, String state, long until, int opened) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, JSON.createObjectNode().put("state", state).put("until", until).put("opened", opened)
                    .toString(), StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            LOG.warn("Circuit breaker state {} cannot be written: {}", file, e.getMessage());
        }
    }

    private CircuitBreakerRegistry registry() {
        return camelContext == null ? CircuitBreakerRegistry.ofDefaults() : registryOf(camelContext);
    }

    /**
     * The context's one registry of resilience4j breakers, bound as a bean on first use: the sinks' breakers, the
     * circuitBreaker EIP and the resilience4j metrics all find this one.
     */
    public static CircuitBreakerRegistry registryOf(CamelContext context) {
        CircuitBreakerRegistry r = CamelContextHelper.findSingleByType(context, CircuitBreakerRegistry.class);
        if (r == null) {
            r = CircuitBreakerRegistry.ofDefaults();
            context.getRegistry().bind("circuitBreakerRegistry", r);
        }
        return r;
    }

    @Override
    public void setCamelContext(CamelContext camelContext) {
        this.camelContext = camelContext;
    }

    @Override
    public CamelContext getCamelContext() {
        return camelContext;
    }

    /** The breaker's name: the circuitBreaker EIP's id, also its metrics label and state file name. */
    public void setName(String name) {
        this.name = name;
    }

    public void setFailures(int failures) {
        this.failures = failures;
    }

    /** The longest open period, seconds. */
    public void setOpenSeconds(long openSeconds) {
        this.openSeconds = openSeconds;
    }

    /** The first open period, seconds; doubled after each failed probe. */
    public void setOpenInitialSeconds(long openInitialSeconds) {
        this.openInitialSeconds = openInitialSeconds;
    }

    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }
}
