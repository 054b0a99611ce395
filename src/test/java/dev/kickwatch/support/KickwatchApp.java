package dev.kickwatch.support;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.kickwatch.Application;
import dev.kickwatch.pusher.KickConnectionState;
import dev.kickwatch.pusher.KickEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.main.Main;

/** Runs the real kickwatch (Camel Main, ./routes, ./application.properties) in-process with overridden properties. */
public final class KickwatchApp implements AutoCloseable {

    private final Main main;

    private KickwatchApp(Map<String, String> properties, String profile) {
        main = new Main();
        Application.configure(main, profile == null ? new String[0] : new String[] { "--profile", profile });
        properties.forEach(main::addOverrideProperty);
    }

    /** Starts the app; properties are key, value, key, value, ... */
    public static KickwatchApp start(Map<String, String> properties) throws Exception {
        return start(properties, null);
    }

    /** Starts the app with application-{profile}.properties read first, as {@code --profile} does. */
    public static KickwatchApp start(Map<String, String> properties, String profile) throws Exception {
        KickwatchApp app = new KickwatchApp(properties, profile);
        app.main.start();
        return app;
    }

    /** Properties every test wants: fast reconnects, no management port clash. */
    public static Map<String, String> baseProperties(String pusherUrl, String dataDir) throws java.io.IOException {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("kick.pusher.url", pusherUrl);
        p.put("kick.channels", "testchan:1000:2000");
        p.put("kickwatch.data-dir", dataDir);
        p.put("kick.pusher.reconnect-initial-delay", "100");
        p.put("kick.pusher.reconnect-max-delay", "1000");
        p.put("camel.main.shutdown-timeout", "10");
        // a free port of its own: tests (and other builds on the machine) run while something else may hold 9876
        p.put("camel.management.port", String.valueOf(Fixtures.freePort()));
        return p;
    }

    public CamelContext context() {
        return main.getCamelContext();
    }

    public KickConnectionState kickState() {
        return java.util.Objects.requireNonNull(KickEndpoint.stateOf(context()), "no kick: endpoint");
    }

    @Override
    public void close() throws Exception {
        main.stop();
    }
}
