package dev.kickwatch;

import dev.kickwatch.ops.BreakerTransitions;
import dev.kickwatch.ops.KickwatchMetrics;
import dev.kickwatch.sink.QueueDrainer;
import org.apache.camel.CamelConfiguration;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.support.CamelContextHelper;

/** What lives as long as the CamelContext: the queue drainer that runs last at shutdown, and the metrics. */
public class KickwatchConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        new ConfigCheck(context.getPropertiesComponent()).run();
        // one registry of resilience4j breakers, a bean: the sinks' breakers, the circuitBreaker EIP and the
        // resilience4j metrics all find this one
        if (CamelContextHelper.findSingleByType(context, CircuitBreakerRegistry.class) == null) {
            context.getRegistry().bind("circuitBreakerRegistry", CircuitBreakerRegistry.ofDefaults());
        }
        QueueDrainer drainer = new QueueDrainer(context);
        context.addService(drainer, true, true);
        context.addStartupListener(drainer);
        KickwatchMetrics metrics = new KickwatchMetrics();
        context.getRegistry().bind("kickwatchMetrics", metrics);
        context.addStartupListener(metrics);
        context.addStartupListener(new BreakerTransitions());
    }
}
