package dev.kickwatch;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.demo.PusherServer;
import dev.kickwatch.support.Fixtures;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.JarProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The status page in a real browser (Debian's headless Chromium and chromedriver, nothing downloaded) against the jar
 * as a process with a Pusher-protocol server and fake Discord and DB peers; and the Grafana dashboard's and the alert
 * rules' metrics against that process's {@code /observe/metrics}. One process for all tests, in order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusPageIT {

    static final String TOKEN = "SECRET-status-webhook-token";
    static final String DB_KEY = "SECRET-status-db-key";
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger discordStatus = new AtomicInteger(204);
    private final AtomicLong firstFailureAt = new AtomicLong();
    private PusherServer kick;
    private int kickPort;
    private HttpSinkServer discord;
    private HttpSinkServer db;
    private JarProcess app;
    private String base;
    private WebDriver browser;
    private ScheduledExecutorService chatter;

    @BeforeAll
    void start() throws Exception {
        kick = new PusherServer("statuskey");
        kickPort = kick.start(0);
        discord = new HttpSinkServer();
        discord.behave(r -> {
            int status = discordStatus.get();
            if (status >= 500) {
                firstFailureAt.compareAndSet(0, System.nanoTime());
            }
            return HttpSinkServer.Response.of(status);
        });
        db = new HttpSinkServer();
        db.behave(r -> HttpSinkServer.Response.of(201));
        int port = Fixtures.freePort();
        base = "http://127.0.0.1:" + port;
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("KICK_PUSHER_URL", kick.url());
        env.put("KICK_CHANNELS", "alphastream:1000:2000,bravostream:1001:2001");
        env.put("KICK_PUSHER_RECONNECT_INITIAL_DELAY", "200");
        env.put("KICK_PUSHER_RECONNECT_MAX_DELAY", "500");
        env.put("DISCORD_WEBHOOK_URL", discord.url("/api/webhooks/1/" + TOKEN));
        env.put("DISCORD_CHAT", "all");
        env.put("DISCORD_CB_FAILURES", "2");
        env.put("DB_URL", db.url("/rest/v1/kick_events"));
        env.put("DB_API_KEY", DB_KEY);
        env.put("KICKWATCH_DATA_DIR", tmp.resolve("data").toString());
        env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
        app = JarProcess.start(tmp.resolve("app.log"), env);
        await().atMost(60, SECONDS).until(() -> kick.subscribedChannels().size() == 8);
        Fixtures.publish(kick, "streamer-is-live"); // channel id 2000: alphastream goes live
        // a steady stream of chat (the load, not a synchronisation): the chart's points and the sinks' requests
        AtomicInteger n = new AtomicInteger();
        chatter = Executors.newSingleThreadScheduledExecutor();
        chatter.scheduleAtFixedRate(() -> {
            int i = n.incrementAndGet();
            kick.publish(i % 3 == 0 ? "chatrooms.1001.v2" : "chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                    "{\"id\":\"st-" + i + "\",\"content\":\"hello " + i + "\",\"type\":\"message\","
                            + "\"sender\":{\"id\":7,\"username\":\"viewer\"}}");
        }, 0, 100, TimeUnit.MILLISECONDS);
        browser = chromium(tmp.resolve("chromium"));
    }

    /** Selenium's "no CDP for this Chromium" warnings: the tests use WebDriver only (held: JUL keeps loggers weakly). */
    static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium");

    /**
     * Debian's Chromium through Debian's chromedriver: both named, so Selenium's DriverFinder never asks Selenium
     * Manager (which the failsafe configuration also points at /bin/false, offline).
     */
    static WebDriver chromium(Path profile) throws Exception {
        CDP_LOG.setLevel(Level.SEVERE);
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver; .ci/run does)");
        System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--window-size=1280,1300", "--user-data-dir=" + Files.createDirectories(profile)); // new, empty
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().withLogFile(new File("target/status-chromedriver.log")).build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    void stop() throws Exception {
        if (browser != null) {
            screenshot("target/status-page.png");
            browser.quit();
        }
        if (chatter != null) {
            chatter.shutdownNow();
        }
        if (app != null) {
            app.sigterm();
            app.waitForExit(60);
            app.close();
        }
        kick.close();
        discord.close();
        db.close();
    }

    @Test
    @Order(1)
    void should_show_the_configured_channels_without_a_console_error() throws Exception {
        browser.get(base + "/");
        await().atMost(10, SECONDS).until(() -> channels().size() == 2);
        assertEquals(List.of("alphastream", "bravostream"), channels());
        await().atMost(10, SECONDS).until(() -> text("#socket-state").equals("connected"));
        await().atMost(10, SECONDS).until(() -> text("tr[data-channel=alphastream]").contains("Sunday chill stream"));
        assertTrue(text("tr[data-channel=alphastream]").contains("live"), text("tr[data-channel=alphastream]"));
        assertEquals("pusher", text("#socket-source"), "kick.source unset: pusher");
        assertTrue(text("#version").startsWith("kickwatch "), text("#version"));
        assertEquals("discord,db", String.valueOf(((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('[data-sink]')].map(e => e.dataset.sink).join(',')")));

        for (String path : List.of("/status", "/status/")) { // the same page, which finds its data from there too
            browser.get(base + path);
            await().atMost(10, SECONDS).until(() -> channels().size() == 2);
        }
        List<String> severe = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                severe.add(e.getMessage());
            }
        }
        assertEquals(List.of(), severe, "the browser's console");

        HttpResponse<String> json = get("/status.json");
        assertEquals(200, json.statusCode());
        assertTrue(json.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
        HttpResponse<String> page = get("/");
        assertFalse(page.body().matches("(?s).*(src|href)=\"(https?:)?//.*"), "the page loads nothing from elsewhere");
        System.out.printf("status page: %d bytes, /status.json: %d bytes%n", page.body().length(), json.body().length());
        assertEquals(200, get("/observe/health/live").statusCode(), "health is still served");
    }

    @Test
    @Order(2)
    void should_draw_the_events_per_second() {
        await().atMost(15, SECONDS).until(() -> points("#chart-chat") >= 5);
        String pts = attribute("#chart-chat", "points");
        assertTrue(pts.matches("([0-9.]+,[0-9.]+ ?)+"), pts);
        // ~7 chat messages a second on alphastream and ~3 on bravostream: a line above the zero line
        assertTrue(List.of(pts.split(" ")).stream().anyMatch(p -> Double.parseDouble(p.split(",")[1]) < 150), pts);
        await().atMost(10, SECONDS).until(() -> !text("tr[data-channel=alphastream] td.num").equals("0"));
    }

    @Test
    @Order(3)
    void should_show_a_breaker_opening_within_seconds() throws Exception {
        discordStatus.set(503);
        long jsonOpen = 0;
        await().atMost(30, SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> sinkJson("discord").path("breaker")
                .asText().equals("OPEN"));
        jsonOpen = System.nanoTime();
        await().atMost(5, SECONDS).pollInterval(Duration.ofMillis(50))
                .until(() -> "OPEN".equals(attribute("[data-sink=discord]", "data-breaker")));
        long pageOpen = System.nanoTime();
        assertTrue(text("[data-sink=discord]").contains("open"), text("[data-sink=discord]"));
        // Resilience4j sets the state before it tells its listeners, so one refresh may show "open" without the reason
        await().atMost(5, SECONDS).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertTrue(text("[data-sink=discord]").contains("503"), "the reason: " + text("[data-sink=discord]")));
        System.out.printf("breaker: OPEN in /status.json %d ms after the first 503, on the page %d ms after that%n",
                (jsonOpen - firstFailureAt.get()) / 1_000_000, (pageOpen - jsonOpen) / 1_000_000);
        await().atMost(10, SECONDS).until(() -> sinkJson("discord").path("journalRows").asLong() > 0);
        await().atMost(5, SECONDS).until(() -> text("#warnings").contains("Circuit breaker discord-cb opened"));
        discordStatus.set(204);
        await().atMost(60, SECONDS).until(() -> "CLOSED".equals(attribute("[data-sink=discord]", "data-breaker")));
        assertTrue(text("[data-sink=discord]").contains("a probe succeeded"), text("[data-sink=discord]"));
    }

    @Test
    @Order(4)
    void should_show_the_socket_dropping_and_coming_back() throws Exception {
        long before = status().path("socket").path("reconnectsLastHour").asLong();
        long dropped = System.nanoTime();
        kick.stop();
        await().atMost(5, SECONDS).pollInterval(Duration.ofMillis(50)).until(() -> text("#socket-state").equals("disconnected"));
        System.out.printf("socket: disconnected on the page %d ms after the server went away%n",
                (System.nanoTime() - dropped) / 1_000_000);
        assertTrue(text("#socket-close").length() > 0);
        kick.start(kickPort);
        await().atMost(30, SECONDS).until(() -> text("#socket-state").equals("connected"));
        await().atMost(5, SECONDS).until(() -> Long.parseLong(text("#socket-reconnects")) > before);
        assertTrue(text("#warnings").contains("Kick socket down"), text("#warnings"));
    }

    @Test
    @Order(5)
    void should_never_show_a_secret() throws Exception {
        String json = get("/status.json").body();
        String html = browser.getPageSource();
        String log = app.output();
        for (String secret : List.of(TOKEN, DB_KEY)) {
            assertFalse(json.contains(secret), "secret in /status.json");
            assertFalse(html.contains(secret), "secret on the page");
            assertFalse(log.contains(secret), "secret in the log");
        }
    }

    @Test
    @Order(6)
    void should_serve_every_metric_the_dashboard_and_the_alerts_query() throws Exception {
        String scrape = get("/observe/metrics").body();
        Set<String> served = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.startsWith("#") && !line.isBlank()) {
                served.add(line.split("[{ ]", 2)[0]);
            }
        }
        Set<String> queried = new TreeSet<>();
        JsonNode dashboard = JSON.readTree(Path.of("docs/grafana/kickwatch.json").toFile());
        for (JsonNode expr : dashboard.findValues("expr")) {
            queried.addAll(metricNames(expr.asText()));
        }
        for (String line : Files.readAllLines(Path.of("docs/prometheus/alerts.yml"))) {
            if (line.trim().startsWith("expr:")) {
                queried.addAll(metricNames(line));
            }
        }
        assertTrue(queried.size() >= 10, "the dashboard queries: " + queried);
        Set<String> missing = new TreeSet<>(queried);
        missing.removeAll(served);
        // served only with kafka.bootstrap-servers: KafkaRelayIT checks those
        missing.removeIf(m -> m.startsWith("kickwatch_kafka_"));
        assertEquals(Set.of(), missing, "queried but not in /observe/metrics");
    }

    /** The series names of a PromQL expression: kickwatch's, the breakers' and the JVM's. */
    static Set<String> metricNames(String promql) {
        Set<String> out = new TreeSet<>();
        Matcher m = Pattern.compile("\\b((?:kickwatch|resilience4j|jvm|process)_[a-z0-9_]+)\\b").matcher(promql);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** The channels of the page's table, in its order. */
    private List<String> channels() {
        Object v = ((JavascriptExecutor) browser).executeScript(
                "return [...document.querySelectorAll('#channels tr[data-channel]')].map(e => e.dataset.channel)");
        return ((List<?>) v).stream().map(String::valueOf).toList();
    }

    /*
     * The page redraws its parts every second: each read is one script in the page, so that it never holds an
     * element the next redraw replaces.
     */
    private String text(String css) {
        Object t = ((JavascriptExecutor) browser).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css);
        return String.valueOf(t).trim();
    }

    private String attribute(String css, String name) {
        Object v = ((JavascriptExecutor) browser).executeScript(
                "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;", css, name);
        return v == null ? null : v.toString();
    }

    private int points(String css) {
        String pts = attribute(css, "points");
        return pts == null || pts.isBlank() ? 0 : pts.trim().split(" ").length;
    }

    private JsonNode status() throws Exception {
        return JSON.readTree(get("/status.json").body());
    }

    private JsonNode sinkJson(String name) throws Exception {
        for (JsonNode s : status().path("sinks")) {
            if (name.equals(s.path("name").asText())) {
                return s;
            }
        }
        return JSON.createObjectNode();
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private void screenshot(String file) throws Exception {
        Path target = Path.of(file);
        Files.createDirectories(target.getParent());
        Files.write(target, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
    }
}
