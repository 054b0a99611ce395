package dev.kickwatch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.kickwatch.cluster.KafkaCluster;
import dev.kickwatch.ops.BreakerTransitions;
import dev.kickwatch.ops.KickwatchMetrics;
import dev.kickwatch.pusher.Warmup;
import dev.kickwatch.sink.QueueDrainer;
import dev.kickwatch.sink.SinkBreaker;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up checks of the settings, and what lives as long as the CamelContext: the queue drainer that runs last at
 * shutdown, and the metrics.
 */
public class KickwatchConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(KickwatchConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        unknownSettings(context); // first: a misspelled key is the likeliest cause of what ConfigCheck finds missing
        new ConfigCheck(context.getPropertiesComponent()).run();
        summary(context);
        SinkBreaker.registryOf(context); // bound before the routes and the metrics binding look for it
        QueueDrainer drainer = new QueueDrainer(context);
        context.addService(drainer, true, true);
        context.addStartupListener(drainer);
        KickwatchMetrics metrics = new KickwatchMetrics();
        context.getRegistry().bind("kickwatchMetrics", metrics);
        context.addStartupListener(metrics);
        context.addStartupListener(new BreakerTransitions());
        context.addStartupListener(new RoutesCheck());
        context.addStartupListener(new SinkProbe());
        PropertiesComponent pc = context.getPropertiesComponent();
        // scale-out over Kafka, off without kafka.bootstrap-servers: the ingest's choice, and the routes it starts
        KafkaCluster kafka = KafkaCluster.of(pc);
        context.getRegistry().bind(KafkaCluster.BEAN, kafka);
        context.addStartupListener(kafka);
        context.addStartupListener(new Warmup(Integer.parseInt(pc.resolveProperty("kickwatch.warmup.events").orElse("0").trim()),
                Long.parseLong(pc.resolveProperty("kickwatch.warmup.max-ms").orElse("3000").trim())));
    }

    /** What it will do, in a few lines; the example channel said loudly, and refused under the prod profile. */
    private static void summary(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        String profile = context.getCamelContextExtension().getProfile();
        if (StartupSummary.exampleChannel(pc, System.getenv())) {
            if ("prod".equals(profile)) {
                throw new IllegalArgumentException(ConfigCheck.name("kick.channels") + " is not set: the prod profile does "
                        + "not watch the example channel " + StartupSummary.EXAMPLE_CHANNELS + "; set KICK_CHANNELS");
            }
            LOG.warn("KICK_CHANNELS is not set: watching the example channel {} only (kick.channels); set KICK_CHANNELS "
                    + "to slug:chatroomId[:channelId] entries", StartupSummary.EXAMPLE_CHANNELS);
        }
        for (String line : StartupSummary.lines(pc, profile)) {
            LOG.info(line);
        }
    }

    /** A misspelled setting: a warning naming the closest known key; under the prod profile, start-up fails. */
    private static void unknownSettings(CamelContext context) {
        PropertiesComponent pc = context.getPropertiesComponent();
        List<Path> routeDirs = new ArrayList<>(List.of(Path.of("routes")));
        pc.resolveProperty("camel.main.routes-include-pattern").filter(p -> p.startsWith("file:")).ifPresent(p -> {
            Path pattern = Path.of(p.substring("file:".length()).split(",")[0].trim());
            if (pattern.getParent() != null) {
                routeDirs.add(pattern.getParent());
            }
        });
        List<String> unknown = UnknownSettings.find(pc, System.getenv(), routeDirs);
        if (unknown.isEmpty()) {
            return;
        }
        if ("prod".equals(context.getCamelContextExtension().getProfile())) {
            throw new IllegalArgumentException(String.join("; ", unknown) + " (the prod profile starts only with known settings)");
        }
        for (String line : unknown) {
            LOG.warn("{}: it is ignored", line);
        }
    }
}
