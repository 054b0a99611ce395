package dev.kickwatch;

import dev.kickwatch.sink.QueueDrainer;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;

/** Services that live as long as the CamelContext: the queue drainer that runs last at shutdown. */
public class KickwatchConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        QueueDrainer drainer = new QueueDrainer(context);
        context.addService(drainer, true, true);
        context.addStartupListener(drainer);
    }
}
