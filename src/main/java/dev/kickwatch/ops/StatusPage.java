package dev.kickwatch.ops;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.Application;
import dev.kickwatch.pusher.KickConnectionState;
import dev.kickwatch.pusher.KickEndpoint;
import dev.kickwatch.sink.HttpTarget;
import dev.kickwatch.sink.JdbcStore;
import dev.kickwatch.sink.Journal;
import dev.kickwatch.webhook.KickSubscriptions;
import dev.kickwatch.webhook.KickWebhookReceiver;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.main.ManagementHttpServer;
import org.apache.camel.component.resilience4j.ResilienceProcessor;
import org.apache.camel.spi.PropertiesComponent;

/**
 * The live status page on the management port: {@code GET /} and {@code /status} serve one self-contained HTML page
 * (classpath {@code kickwatch/status.html}: no outside request), which polls {@code /status.json} every second. The
 * JSON is read from the state the beans keep (socket, channels, breakers, queues, journals) and from counters sampled
 * once a second into small rings (15 minutes of events per second, an hour of reconnects, a minute of requests).
 * Read-only; every string passes {@link #mask} so that no configured secret can appear. Off with
 * {@code kickwatch.status.enabled=false}.
 */
public class StatusPage implements StartupListener {

    static final int CHART_SECONDS = 900;
    private static final ObjectMapper JSON = new ObjectMapper();

    private KickwatchMetrics metrics;
    private final RecentWarnings warnings = RecentWarnings.install();
    private final Samples chat = new Samples(CHART_SECONDS);
    private final Samples other = new Samples(CHART_SECONDS);
    private final Samples reconnects = new Samples(3600);
    private final Map<String, Samples> minute = new ConcurrentHashMap<>();
    private final Map<String, LongSupplier> minuteCounters = new ConcurrentHashMap<>();
    private final Map<String, BreakerLog> breakers = new LinkedHashMap<>();
    private final List<String> secrets = new ArrayList<>();
    private CamelContext context;
    private KickConnectionState kick;
    private byte[] page;

    public void setMetrics(KickwatchMetrics metrics) {
        this.metrics = metrics;
    }

    /** {@code kickwatch.status.enabled}, true unless set otherwise. */
    public static boolean enabled(PropertiesComponent pc) {
        return pc.resolveProperty("kickwatch.status.enabled").map(v -> Boolean.parseBoolean(v.trim())).orElse(true);
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws Exception {
        ManagementHttpServer server = context.hasService(ManagementHttpServer.class);
        if (server == null || server.getRouter() == null) {
            return; // no management port (camel.management.enabled=false)
        }
        this.context = context;
        this.kick = KickEndpoint.stateOf(context);
        PropertiesComponent pc = context.getPropertiesComponent();
        for (String key : List.of("discord.webhook.url", "db.api-key", "db.password", "db.url", "db.jdbc-url",
                "kick.api.client-secret")) {
            pc.resolveProperty(key).map(String::trim).filter(v -> v.length() >= 4).ifPresent(secrets::add);
        }
        pc.resolveProperty("discord.webhook.url").map(u -> u.replaceAll("[?#].*$", "")).map(u -> u.substring(u.lastIndexOf('/') + 1))
                .filter(token -> token.length() >= 8).ifPresent(secrets::add); // the webhook's token on its own
        for (String id : List.of("discord-cb", "db-cb")) {
            BreakerLog log = new BreakerLog();
            ResilienceProcessor r = Breakers.find(context, id);
            if (r != null && r.getCircuitBreaker() != null) {
                r.getCircuitBreaker().getEventPublisher()
                        .onError(e -> log.lastError = oneLine(e.getThrowable()))
                        .onStateTransition(e -> log.transition(e.getStateTransition().getFromState(),
                                e.getStateTransition().getToState()));
            }
            breakers.put(id, log);
        }
        HttpTarget discord = context.getRegistry().lookupByNameAndType("discordTarget", HttpTarget.class);
        HttpTarget db = context.getRegistry().lookupByNameAndType("dbTarget", HttpTarget.class);
        JdbcStore jdbc = jdbc(context, db);
        if (discord != null) {
            minuteCounters.put("discord.requests", discord::getAnswered);
            minuteCounters.put("discord.429", discord::getRateLimited);
        }
        if (jdbc != null) {
            minuteCounters.put("db.requests", () -> jdbc.getBatches() + jdbc.getFailedBatches());
        } else if (db != null) {
            minuteCounters.put("db.requests", db::getAnswered);
            minuteCounters.put("db.429", () -> 0);
        }
        try (InputStream in = StatusPage.class.getResourceAsStream("/kickwatch/status.html")) {
            page = in.readAllBytes();
        }
        sample();
        ScheduledExecutorService timer = context.getExecutorServiceManager().newSingleThreadScheduledExecutor(this, "status");
        timer.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS); // stopped with the context

        Router router = server.getRouter();
        for (String path : List.of("/", "/status")) {
            router.route(path).method(HttpMethod.GET).handler(this::html);
        }
        router.route("/status.json").method(HttpMethod.GET).blockingHandler(this::json, false);
        PlatformHttpComponent http = context.getComponent("platform-http", PlatformHttpComponent.class);
        for (String path : List.of("/", "/status", "/status.json")) { // listed with the others at start-up
            http.addHttpManagementEndpoint(path, "GET", null, path.endsWith(".json") ? "application/json" : "text/html", null);
        }
    }

    private void html(RoutingContext rc) {
        rc.response().putHeader("Content-Type", "text/html; charset=utf-8").putHeader("Cache-Control", "no-store")
                // the page is all inline: it may talk to this server and nothing else
                .putHeader("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; "
                        + "style-src 'unsafe-inline'; connect-src 'self'; img-src data:")
                .end(io.vertx.core.buffer.Buffer.buffer(page));
    }

    private void json(RoutingContext rc) {
        String body;
        try {
            body = mask(JSON.writeValueAsString(snapshot()));
        } catch (IOException | RuntimeException e) {
            rc.response().setStatusCode(500).end("status unavailable: " + mask(String.valueOf(e.getMessage())));
            return;
        }
        rc.response().putHeader("Content-Type", "application/json").putHeader("Cache-Control", "no-store").end(body);
    }

    /** Once a second: the counters behind the chart and the "last minute / last hour" figures. */
    private void sample() {
        ChannelActivity a = metrics.getActivity();
        chat.add(a.getChat());
        other.add(a.getOther());
        reconnects.add(kick == null ? 0 : kick.getReconnects());
        for (ChannelActivity.Channel c : a.channels()) {
            minute.computeIfAbsent("channel." + c.getSlug(), k -> new Samples(60)).add(c.getEvents());
        }
        minuteCounters.forEach((k, f) -> minute.computeIfAbsent(k, x -> new Samples(60)).add(f.getAsLong()));
    }

    /** The page's data: what {@code /status.json} answers. */
    Map<String, Object> snapshot() {
        long now = System.currentTimeMillis();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("now", now);
        out.put("version", Application.version());
        String profile = context.getCamelContextExtension().getProfile();
        out.put("profile", profile == null || profile.isBlank() ? "(none)" : profile);
        out.put("uptimeMs", context.getUptime().toMillis());

        Map<String, Object> socket = new LinkedHashMap<>();
        socket.put("source", context.getPropertiesComponent().resolveProperty("kick.source").map(String::trim)
                .filter(s -> !s.isEmpty()).orElse("pusher"));
        if (kick != null) {
            socket.put("connected", kick.isConnected());
            socket.put("since", kick.getSince());
            socket.put("lastCloseCode", kick.getLastCloseCode());
            socket.put("lastCloseReason", kick.getLastDownReason());
            socket.put("subscribed", kick.getSubscribed());
            socket.put("reconnectsLastHour", reconnects.increase(3600));
        }
        KickWebhookReceiver webhook = context.getRegistry().lookupByNameAndType("kickWebhook", KickWebhookReceiver.class);
        if (webhook != null && context.getRoute(WebhookHealthCheck.ROUTE) != null) { // kick.source webhook or both
            Map<String, Object> w = new LinkedHashMap<>();
            w.put("verified", webhook.getVerified());
            w.put("lastVerifiedAt", webhook.getLastVerified() == null ? null : webhook.getLastVerified().toEpochMilli());
            w.put("refused", webhook.getRefused());
            KickSubscriptions subs = context.getRegistry().lookupByNameAndType("kickSubscriptions", KickSubscriptions.class);
            w.put("subscriptions", subs == null || !subs.isEnabled() ? "made by hand"
                    : subs.getProblem() == null ? subs.getSubscribed() + " in place" : subs.getProblem());
            socket.put("webhook", w);
        }
        out.put("socket", socket);

        List<Map<String, Object>> channels = new ArrayList<>();
        for (ChannelActivity.Channel c : metrics.getActivity().channels()) {
            Map<String, Object> ch = new LinkedHashMap<>();
            ch.put("slug", c.getSlug());
            ch.put("live", c.getLive());
            ch.put("title", c.getTitle());
            ch.put("lastEventAt", c.getLastEventAt() == 0 ? null : c.getLastEventAt());
            ch.put("lastType", c.getLastType());
            ch.put("eventsPerMinute", increase("channel." + c.getSlug()));
            channels.add(ch);
        }
        channels.sort((x, y) -> String.valueOf(x.get("slug")).compareTo(String.valueOf(y.get("slug"))));
        out.put("channels", channels);

        HttpTarget discord = context.getRegistry().lookupByNameAndType("discordTarget", HttpTarget.class);
        HttpTarget db = context.getRegistry().lookupByNameAndType("dbTarget", HttpTarget.class);
        JdbcStore jdbc = jdbc(context, db);
        List<Map<String, Object>> sinks = new ArrayList<>();
        sinks.add(sink("discord", "discord-cb", discord == null || discord.isEmpty() ? "console" : "webhook",
                discord == null ? 0 : discord.getLastSentAt(), discord != null && discord.isGone()));
        String dbMode = db != null && !db.isEmpty() ? "PostgREST" : jdbc != null ? (jdbc.isSqlite() ? "SQLite" : "PostgreSQL")
                : "JSON lines";
        long dbLast = jdbc != null ? jdbc.getLastStoredAt() : db == null ? 0 : db.getLastSentAt();
        sinks.add(sink("db", "db-cb", dbMode, dbLast, false));
        out.put("sinks", sinks);

        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("stepSeconds", 1);
        chart.put("chat", chat.perSecond(CHART_SECONDS));
        chart.put("other", other.perSecond(CHART_SECONDS));
        out.put("chart", chart);
        out.put("warnings", warnings.lines());
        return out;
    }

    private Map<String, Object> sink(String name, String breakerId, String mode, long lastDelivery, boolean gone) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("name", name);
        s.put("mode", mode);
        s.put("gone", gone);
        s.put("breaker", Breakers.state(context, breakerId));
        BreakerLog log = breakers.get(breakerId);
        if (log != null && log.at > 0) {
            s.put("breakerChangedAt", log.at);
            s.put("breakerTransition", log.transition);
            s.put("breakerReason", log.reason);
        }
        BlockingQueue<?> q = Queues.of(context, name);
        s.put("queue", q == null ? 0 : q.size());
        Journal journal = context.getRegistry().lookupByNameAndType("journal", Journal.class);
        s.put("journalRows", journal == null ? 0 : journal.pendingRows(name));
        s.put("journalBytes", journal == null ? 0 : journal.sizeBytes(name));
        s.put("lastDeliveryAt", lastDelivery == 0 ? null : lastDelivery);
        s.put("requestsLastMinute", increase(name + ".requests"));
        s.put("rateLimitedLastMinute", increase(name + ".429"));
        return s;
    }

    private long increase(String key) {
        Samples s = minute.get(key);
        return s == null ? 0 : s.increase(60);
    }

    private static JdbcStore jdbc(CamelContext context, HttpTarget postgrest) {
        if (postgrest != null && !postgrest.isEmpty()) {
            return null;
        }
        return context.getRegistry().findByType(JdbcStore.class).stream().filter(JdbcStore::isEnabled).findFirst().orElse(null);
    }

    /** Every configured secret (a webhook URL or its token, a key, a password, a DB URL with its login) as ***. */
    String mask(String text) {
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, "***");
        }
        return out;
    }

    private static String oneLine(Throwable t) {
        String m = t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        String flat = m.replaceAll("\\s+", " ").trim();
        return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
    }

    /** A breaker's last state change, when and why. */
    private static final class BreakerLog {
        private volatile long at;
        private volatile String transition;
        private volatile String reason;
        private volatile String lastError;

        void transition(CircuitBreaker.State from, CircuitBreaker.State to) {
            reason = switch (to) {
                case OPEN, FORCED_OPEN -> lastError == null ? "failures in a row" : "failures in a row, the last: " + lastError;
                case HALF_OPEN -> "open time over: the next call is a probe";
                case CLOSED -> "a probe succeeded";
                default -> null;
            };
            transition = from + " -> " + to;
            at = System.currentTimeMillis();
        }
    }

    /** Readings of a growing counter, one a second, the last {@code seconds + 1} kept. Starts from a reading of 0. */
    static final class Samples {
        private final long[] ring;
        private long taken;

        Samples(int seconds) {
            ring = new long[seconds + 1];
            taken = 1; // ring[0] = 0: what was counted before the first reading counts in its second
        }

        synchronized void add(long value) {
            ring[(int) (taken % ring.length)] = value;
            taken++;
        }

        /** How much it grew over the last {@code seconds} (or since the start, when that is shorter). */
        synchronized long increase(int seconds) {
            long last = taken - 1;
            long first = Math.max(0, last - Math.min(seconds, ring.length - 1));
            return ring[(int) (last % ring.length)] - ring[(int) (first % ring.length)];
        }

        /** The growth in each of the last {@code count} seconds, oldest first (fewer at the start). */
        synchronized long[] perSecond(int count) {
            int n = (int) Math.min(count, Math.min(taken - 1, ring.length - 1));
            long[] out = new long[n];
            for (int i = 0; i < n; i++) {
                long idx = taken - 1 - n + i;
                out[i] = ring[(int) ((idx + 1) % ring.length)] - ring[(int) (idx % ring.length)];
            }
            return out;
        }
    }
}
