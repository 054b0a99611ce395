package dev.kickwatch;

import dev.kickwatch.ops.BreakerTransitions;
import dev.kickwatch.ops.KickwatchMetrics;
import dev.kickwatch.sink.QueueDrainer;
import dev.kickwatch.sink.SinkBreaker;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** What lives as long as the CamelContext: the queue drainer that runs last at shutdown, and the metrics. */
public class KickwatchConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        new ConfigCheck(context.getPropertiesComponent()).run();
        SinkBreaker.registryOf(context); // bound before the routes and the metrics binding look for it
        QueueDrainer drainer = new QueueDrainer(context);
        context.addService(drainer, true, true);
        context.addStartupListener(drainer);
        KickwatchMetrics metrics = new KickwatchMetrics();
        context.getRegistry().bind("kickwatchMetrics", metrics);
        context.addStartupListener(metrics);
        context.addStartupListener(new BreakerTransitions());
    }
}
