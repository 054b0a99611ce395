package dev.kickwatch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import dev.kickwatch.cluster.KafkaCluster;
import dev.kickwatch.cluster.SinkWorkerPause;
import dev.kickwatch.ops.BreakerTransitions;
import dev.kickwatch.ops.KickwatchMetrics;
import dev.kickwatch.ops.StatusPage;
import dev.kickwatch.pusher.Warmup;
import dev.kickwatch.sink.QueueDrainer;
import dev.kickwatch.sink.SinkBreaker;
import dev.kickwatch.webhook.KickSource;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.main.DefaultMainHttpServerFactory;
import org.apache.camel.component.platform.http.main.MainHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.main.HttpServerConfigurationProperties;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up checks of the settings, and what lives as long as the CamelContext: the queue drainer that runs last at
 * shutdown, the metrics and the status page.
 */
public class KickwatchConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(KickwatchConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        // first, so that the page keeps the warnings of the checks below too
        StatusPage status = StatusPage.enabled(context.getPropertiesComponent()) ? new StatusPage() : null;
        unknownSettings(context); // first: a misspelled key is the likeliest cause of what ConfigCheck finds missing
        new ConfigCheck(context.getPropertiesComponent()).run();
        if (KickSource.of(context.getPropertiesComponent().resolveProperty("kick.source").orElse("pusher")).listens()) {
            webhookServer(context);
        }
        summary(context);
        SinkBreaker.registryOf(context); // bound before the routes and the metrics binding look for it
        QueueDrainer drainer = new QueueDrainer(context);
        context.addService(drainer, true, true);
        context.addStartupListener(drainer);
        KickwatchMetrics metrics = new KickwatchMetrics();
        context.getRegistry().bind("kickwatchMetrics", metrics);
        context.addStartupListener(metrics);
        if (status != null) {
            status.setMetrics(metrics);
            context.addStartupListener(status); // after the metrics: it reads their channel activity
        }
        context.addStartupListener(new BreakerTransitions());
        context.addStartupListener(new RoutesCheck());
        context.addStartupListener(new SinkProbe());
        PropertiesComponent pc = context.getPropertiesComponent();
        // scale-out over Kafka, off without kafka.bootstrap-servers: the ingest's choice, and the routes it starts
        KafkaCluster kafka = KafkaCluster.of(pc);
        context.getRegistry().bind(KafkaCluster.BEAN, kafka);
        context.addStartupListener(kafka);
        context.addService(kafka, true); // closes its admin client (consumer lag) on shutdown
        SinkWorkerPause pause = new SinkWorkerPause(); // a sink worker waits while a breaker is open
        context.getRegistry().bind("sinkWorkerPause", pause);
        context.addStartupListener(pause);
        context.addStartupListener(new Warmup(Integer.parseInt(pc.resolveProperty("kickwatch.warmup.events").orElse("0").trim()),
                Long.parseLong(pc.resolveProperty("kickwatch.warmup.max-ms").orElse("3000").trim())));
    }

    /**
     * The webhook listener: Camel's platform-http server, as Camel Main builds it from {@code camel.server.*}, on
     * kick.webhook.port, only when kick.source is webhook or both (no port is opened for nothing). Camel Main has read
     * camel.server.* before this runs, so it is built here from kick.webhook.*.
     */
    private static void webhookServer(CamelContext context) throws Exception {
        PropertiesComponent pc = context.getPropertiesComponent();
        HttpServerConfigurationProperties server = new HttpServerConfigurationProperties(null);
        server.setEnabled(true);
        server.setPort(Integer.parseInt(pc.resolveProperty("kick.webhook.port").orElse("8080").trim()));
        server.setMaxBodySize(Long.parseLong(pc.resolveProperty("kick.webhook.max-body-size").orElse("1048576").trim()));
        MainHttpServer http = (MainHttpServer) new DefaultMainHttpServerFactory().newHttpServer(context, server);
        // platform-http finds its server's port by this configuration when, as here, the management port has a Vert.x
        // server too: without it the route would look for a server on port 8080
        context.getRegistry().bind("kickWebhookServer", VertxPlatformHttpServerConfiguration.class, http.getConfiguration());
        context.addService(http, true, true);
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
