package dev.kickwatch.ops;

import java.util.List;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One log line per circuit breaker state change of the sinks: opened (WARN), half-open and closed (INFO). */
public class BreakerTransitions implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(BreakerTransitions.class);

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        for (String id : List.of("discord-cb", "db-cb")) {
            ResilienceProcessor r = Breakers.find(context, id);
            if (r != null && r.getCircuitBreaker() != null) {
                r.getCircuitBreaker().getEventPublisher().onStateTransition(e -> {
                    CircuitBreaker.State to = e.getStateTransition().getToState();
                    if (to == CircuitBreaker.State.OPEN || to == CircuitBreaker.State.FORCED_OPEN) {
                        LOG.warn("Circuit breaker {} opened: calls to the sink stop for now, messages go to its journal", id);
                    } else {
                        LOG.info("Circuit breaker {}: {} -> {}", id, e.getStateTransition().getFromState(), to);
                    }
                });
            }
        }
    }
}
