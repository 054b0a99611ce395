package dev.kickwatch.ops;

import org.apache.camel.CamelContext;
import org.apache.camel.Processor;
import org.apache.camel.component.resilience4j.ResilienceProcessor;

/** The state of a route's circuitBreaker by its id, for health, metrics, replay and log lines. */
public final class Breakers {

    private Breakers() {
    }

    /** The processor of that circuitBreaker, or null when there is none (e.g. a sink in local mode). */
    public static ResilienceProcessor find(CamelContext context, String id) {
        Processor p = context.getProcessor(id);
        return p instanceof ResilienceProcessor r ? r : null;
    }

    /** CLOSED, OPEN, HALF_OPEN, ...; CLOSED when there is no such breaker. */
    public static String state(CamelContext context, String id) {
        ResilienceProcessor r = find(context, id);
        return r == null ? "CLOSED" : r.getCircuitBreakerState();
    }

    public static boolean isOpen(CamelContext context, String id) {
        String s = state(context, id);
        return "OPEN".equals(s) || "FORCED_OPEN".equals(s);
    }
}
