package dev.kickwatch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kickwatch.demo.PusherServer;

/**
 * The benchmark of bench/run: the packaged jar as a real process, a Pusher-protocol load generator and a local
 * PostgREST-like sink in this process. Reports sustained events/s into the DB sink, latency from frame sent to row
 * received, HTTP requests per 1,000 events, peak RSS and heap, CPU seconds per 100,000 events, and the time from
 * start to 1,000 channels subscribed; each load also with batching off (db.batch.size=1).
 */
public final class Benchmark {

    static final ObjectMapper JSON = new ObjectMapper();
    /** db.batch.size as application.properties sets it; the batch-off loads use 1. */
    static final int BATCH = 500;
    static final List<String> QUEUES = List.of("events", "db", "discord");
    /** README's JVM options for a host where memory is tight (C1 only: less memory, more CPU per event). */
    static final String SMALL_HOST = "-Xms32m -Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";
    static final String CHAT = "App\\\\Events\\\\ChatMessageEvent";

    final List<String> jvmOptions;
    /** The file under target/bench that the next app process writes its output to. */
    String appLog = "app.log";
    final Path work;
    final double warmup;
    final StringBuilder report = new StringBuilder();
    /** What each load measured, for the targets check at the end. */
    final Map<String, Double> measured = new LinkedHashMap<>();

    Benchmark(List<String> jvmOptions, Path work, double warmup) {
        this.jvmOptions = jvmOptions;
        this.work = work;
        this.warmup = warmup;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("quick") || Boolean.getBoolean("bench.quick");
        // BENCH_JVM (the environment) for options with spaces, which BENCH_OPTS cannot carry
        String opts = System.getProperty("bench.jvm", System.getenv().getOrDefault("BENCH_JVM", "-Xms64m -Xmx256m -XX:+UseSerialGC"));
        double seconds = Double.parseDouble(System.getProperty("bench.seconds", quick ? "5" : "10"));
        String rates = System.getProperty("bench.rates", quick ? "10000,20000,40000" : "5000,10000,20000,30000,40000");
        Path work = Files.createDirectories(Path.of("target", "bench"));
        Benchmark b = new Benchmark(Arrays.asList(opts.trim().split("\\s+")), work,
                Double.parseDouble(System.getProperty("bench.warmup", quick ? "10" : "20")));
        b.line("# kickwatch benchmark" + (quick ? " (quick)" : ""));
        b.line("");
        b.line("- app JVM options: `" + opts + "`; measured window per steady load: " + seconds + " s; warm-up "
                + b.warmup + " s at 5,000 events/s");
        b.line("- machine: " + Runtime.getRuntime().availableProcessors() + " CPUs, Java " + System.getProperty("java.version")
                + "; the driver (load generator, Pusher server, sink) shares them with the app");
        b.line("");
        String loads = System.getProperty("bench.loads", quick ? "subscribe,steady,small-host,burst,cold,webhook"
                : "subscribe,steady,batch-off,small-host,burst,cold,jdbc,webhook");
        b.line("| load | db.batch.size | offered ev/s | stored ev/s | p50 ms | p99 ms | max ms | requests / 1000 ev | refused (journaled) | CPU s / 100k ev | peak RSS MB | peak heap MB |");
        b.line("|---|---|---|---|---|---|---|---|---|---|---|---|");
        if (loads.contains("steady")) {
            for (String r : rates.split(",")) {
                b.steady(Integer.parseInt(r.trim()), seconds, BATCH);
            }
        }
        if (loads.contains("batch-off")) {
            b.steady(5000, seconds, 1);
        }
        if (loads.contains("small-host")) {
            b.steady(Arrays.asList(SMALL_HOST.split(" ")), 20000, seconds, BATCH);
        }
        if (loads.contains("burst")) {
            b.burst(50_000, BATCH);
            if (loads.contains("batch-off")) {
                b.burst(50_000, 1);
            }
        }
        if (loads.contains("jdbc")) { // the JDBC sink into a real PostgreSQL, next to the HTTP sink at the same batch size
            int rate = Integer.parseInt(System.getProperty("bench.jdbc.rate", "10000"));
            b.steady(rate, seconds, 100);
            b.jdbc(rate, seconds, 100);
        }
        if (loads.contains("webhook")) { // Kick's signed webhooks (KICK_SOURCE=webhook) instead of the socket
            b.webhook(Integer.parseInt(System.getProperty("bench.webhook.rate", "1000")), seconds);
        }
        if (loads.contains("cold")) {
            b.cold(List.of(), 50_000, 5000);
            if (!quick) {
                b.cold(b.jvmOptions, 50_000, 5000);
            }
        }
        if (loads.contains("subscribe")) {
            b.line("");
            b.subscribe(1000); // last: the driver's own start-up does not compete with the app's
        }
        b.targets();
        if (loads.contains("kafka")) { // opt-in: -Dbench.loads=kafka (about 3 minutes)
            int rate = Integer.parseInt(System.getProperty("bench.kafka.rate", "5000"));
            b.line("");
            b.line("Kafka (" + rate + " events/s over 10 channels for " + seconds + " s, after the same warm-up): one ingest "
                    + "process (`KICKWATCH_ROLE=ingest`) and 1 to 3 sink workers (`sinks`), one KRaft broker, all on this "
                    + "machine with the driver; next to the single process at the same rate.");
            b.line("");
            b.line("| processes | offered ev/s | stored ev/s | p50 ms | p99 ms | max ms | kickwatch CPU s / 100k ev | broker CPU s / 100k ev | peak RSS MB (largest process) |");
            b.line("|---|---|---|---|---|---|---|---|---|");
            b.kafka(rate, seconds, 0);
            for (int w = 1; w <= 3; w++) {
                b.kafka(rate, seconds, w);
            }
        }
        Files.writeString(work.resolve("report.md"), b.report);
        System.out.println("report written to " + work.resolve("report.md"));
        System.exit(0);
    }

    /**
     * One ingest and {@code workers} sink workers over a throwaway KRaft broker (test support, a child JVM), all on
     * this machine; {@code workers} 0: the single process without Kafka, for comparison. CPU: the kickwatch processes
     * together, and the broker's apart.
     */
    void kafka(int rate, double seconds, int workers) throws Exception {
        try (dev.kickwatch.support.KafkaBroker broker = workers == 0 ? null : dev.kickwatch.support.KafkaBroker.start();
             PusherServer kick = new PusherServer("benchkey"); Sink db = new Sink()) {
            kick.start(0);
            List<App> apps = new ArrayList<>();
            try {
                Map<String, String> env = new LinkedHashMap<>();
                if (broker != null) {
                    env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
                    env.put("KICKWATCH_CLUSTER", "bench" + workers);
                    env.put("KICKWATCH_ROLE", "ingest");
                }
                appLog = workers == 0 ? "app.log" : "kafka-ingest.log";
                App ingest = App.start(this, jvmOptions, kick, db, BATCH, env);
                apps.add(ingest);
                for (int i = 0; i < workers; i++) {
                    env.put("KICKWATCH_ROLE", "sinks");
                    appLog = "kafka-worker" + i + ".log";
                    apps.add(App.start(this, jvmOptions, kick, db, BATCH, env));
                }
                appLog = "app.log";
                ingest.awaitSubscribed(kick, 20);
                Generator gen = new Generator(kick, 10);
                gen.paced(Math.min(rate, 5000), warmup, db); // also the time the workers take to join the group
                awaitDrained(db, gen.sent(), 60);
                db.reset();
                long cpu0 = 0;
                for (App a : apps) {
                    cpu0 += a.cpuTicks();
                }
                long broker0 = broker == null ? 0 : ticks(broker.pid());
                long n0 = gen.sent();
                long t0 = System.nanoTime();
                db.windowEnd = t0 + (long) (seconds * 1e9);
                gen.paced(rate, seconds, db);
                double offered = (gen.sent() - n0) / secs(System.nanoTime() - t0);
                awaitDrained(db, gen.sent() - n0, 60);
                long cpu = -cpu0;
                double rss = 0;
                for (App a : apps) {
                    cpu += a.cpuTicks();
                    rss = Math.max(rss, a.peakRssMb());
                }
                long brokerCpu = broker == null ? 0 : ticks(broker.pid()) - broker0;
                long rows = db.rows.get();
                long[] lat = db.latencies();
                line(String.format(Locale.ROOT, "| %s | %.0f | %.0f | %.1f | %.1f | %.1f | %.2f | %s | %.0f |",
                        workers == 0 ? "one process, no Kafka" : "ingest + " + workers + " sink worker" + (workers == 1 ? "" : "s"),
                        offered, db.rowsInWindow.get() / seconds, pct(lat, 50), pct(lat, 99), pct(lat, 100),
                        rows == 0 ? 0 : cpu / 100.0 * 100_000 / rows,
                        broker == null ? "—" : String.format(Locale.ROOT, "%.2f", rows == 0 ? 0 : brokerCpu / 100.0 * 100_000 / rows),
                        rss));
            } finally {
                for (App a : apps) {
                    a.close();
                }
            }
        }
    }

    /** CPU ticks of a process by its PID. */
    static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    void line(String s) {
        System.out.println(s);
        report.append(s).append('\n');
    }

    // --- loads --------------------------------------------------------------------------------------------------

    /** Time from process start to all channels subscribed on one connection. */
    void subscribe(int channels) throws Exception {
        try (PusherServer kick = new PusherServer("benchkey"); Sink db = new Sink()) {
            kick.start(0);
            StringBuilder list = new StringBuilder();
            for (int i = 0; i < channels; i++) {
                list.append(i == 0 ? "" : ",").append("chan").append(i).append(':').append(100000 + i);
            }
            long t0 = System.nanoTime();
            try (App app = App.start(this, kick, db, BATCH, Map.of("KICK_CHANNELS", list.toString()))) {
                long connected = -1;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (kick.subscribedChannels().size() < channels * 2 && System.nanoTime() < deadline) {
                    if (connected < 0 && kick.connectedSockets() > 0) {
                        connected = System.nanoTime();
                    }
                    LockSupport.parkNanos(1_000_000);
                }
                long done = System.nanoTime();
                int subscribed = kick.subscribedChannels().size();
                measured.put("subscribe", subscribed == channels * 2 ? secs(done - t0) : Double.NaN);
                line(String.format(Locale.ROOT, "- %d Kick channels (%d Pusher channels) on %d connection(s): all subscribed %.2f s"
                        + " after process start (socket open at %.2f s, so %.2f s for the subscriptions); %d subscribed",
                        channels, channels * 2, kick.maxOpenConnections(), secs(done - t0), secs(connected - t0),
                        secs(done - connected), subscribed));
            }
        }
    }

    /** A fixed offered rate over 10 channels: warm-up, then a measured window. */
    void steady(int rate, double seconds, int batch) throws Exception {
        steady(jvmOptions, rate, seconds, batch);
    }

    /** The same with other JVM options (the small-host flags): reported on its own, not in the steady targets. */
    void steady(List<String> options, int rate, double seconds, int batch) throws Exception {
        boolean own = options.equals(jvmOptions);
        try (PusherServer kick = new PusherServer("benchkey"); Sink db = new Sink()) {
            kick.start(0);
            try (App app = App.start(this, options, kick, db, batch, Map.of())) {
                app.awaitSubscribed(kick, 20);
                Generator gen = new Generator(kick, 10);
                gen.paced(Math.min(rate, 5000), warmup, db); // warm-up until the JIT settles, not measured
                awaitDrained(db, gen.sent(), 10);
                db.reset();
                long refused0 = app.markRefused();
                long cpu0 = app.cpuTicks();
                Map<String, Long> threads0 = app.threadTicks();
                long self0 = selfTicks();
                long n0 = gen.sent();
                long t0 = System.nanoTime();
                db.windowEnd = t0 + (long) (seconds * 1e9);
                gen.paced(rate, seconds, db);
                if (Boolean.getBoolean("bench.threads")) {
                    for (String l : app.metrics().split("\n")) {
                        if (l.startsWith("kickwatch_queue_dropped")) {
                            System.out.println("    " + l);
                        }
                    }
                    app.printThreadCpu(threads0, secs(System.nanoTime() - t0));
                    System.out.printf(Locale.ROOT, "    driver (generator, Pusher server, sink): %.0f%% of a core%n",
                            (selfTicks() - self0) / secs(System.nanoTime() - t0));
                }
                double offered = (gen.sent() - n0) / secs(System.nanoTime() - t0);
                awaitDrained(db, gen.sent() - n0, 30);
                long cpu = app.cpuTicks() - cpu0;
                long rows = db.rows.get();
                double stored = db.rowsInWindow.get() / seconds;
                long refused = app.metric("kickwatch_queue_dropped") - refused0;
                row(own ? "steady, 10 channels" : "steady, 10 channels, `" + String.join(" ", options) + "`", batch, offered,
                        stored, db, app, refused, cpu, rows);
                if (!own) {
                    measured.put("rss small-host", app.peakRssMb());
                } else if (batch == BATCH) {
                    String key = "steady " + rate;
                    measured.put(key + " offered", offered);
                    measured.put(key + " stored", stored);
                    measured.put(key + " refused", (double) refused);
                    measured.put(key + " p99", pct(db.latencies(), 99));
                    measured.put(key + " cpu", rows == 0 ? Double.NaN : cpu / 100.0 * 100_000 / rows);
                    peakRss(app.peakRssMb());
                }
            }
        }
    }

    /**
     * The same steady load with the DB sink on JDBC into a throwaway PostgreSQL (Debian's package, a child process on
     * this machine, so it shares the 2 cores too). A bench-only column {@code stored_at default clock_timestamp()}
     * gives each row's insert time; latency is that minus the send time in its content (this JVM's nanoTime, moved
     * to the wall clock by one offset taken here).
     */
    void jdbc(int rate, double seconds, int batch) throws Exception {
        try (dev.kickwatch.support.PostgresCluster pg = dev.kickwatch.support.PostgresCluster.start();
             PusherServer kick = new PusherServer("benchkey"); Sink http = new Sink()) {
            pg.applySchema(Path.of("sql/kick_events.sql"));
            pg.psql("alter table kick_events add column stored_at timestamptz not null default clock_timestamp()");
            kick.start(0);
            Map<String, String> env = Map.of("DB_URL", "", "DB_JDBC_URL", pg.jdbcUrl(), "DB_USER", pg.user(),
                    "DB_PASSWORD", pg.password());
            try (App app = App.start(this, jvmOptions, kick, http, batch, env);
                 java.sql.Connection c = java.sql.DriverManager.getConnection(pg.jdbcUrl(), pg.user(), pg.password())) {
                app.awaitSubscribed(kick, 20);
                Generator gen = new Generator(kick, 10);
                gen.paced(Math.min(rate, 5000), warmup, http);
                awaitCount(c, gen.sent(), 30);
                long refused0 = app.markRefused();
                long cpu0 = app.cpuTicks();
                long offset = System.currentTimeMillis() * 1_000_000L - System.nanoTime(); // nanoTime → epoch nanos
                long n0 = gen.sent();
                long t0 = System.nanoTime();
                gen.paced(rate, seconds, http);
                double offered = (gen.sent() - n0) / secs(System.nanoTime() - t0);
                awaitCount(c, gen.sent(), 60);
                long cpu = app.cpuTicks() - cpu0;
                long refused = app.metric("kickwatch_queue_dropped") - refused0;
                List<Long> lat = new ArrayList<>();
                long inWindow = 0;
                long windowEndEpoch = (t0 + (long) (seconds * 1e9)) + offset;
                try (java.sql.ResultSet rs = c.createStatement().executeQuery(
                        "select content, (extract(epoch from stored_at) * 1000000)::bigint from kick_events")) {
                    while (rs.next()) {
                        long sentNanos = Long.parseLong(rs.getString(1).substring(2));
                        if (sentNanos < t0) {
                            continue; // warm-up
                        }
                        long storedEpoch = rs.getLong(2) * 1000;
                        lat.add(storedEpoch - (sentNanos + offset));
                        if (storedEpoch <= windowEndEpoch) {
                            inWindow++;
                        }
                    }
                }
                long[] sorted = lat.stream().mapToLong(Long::longValue).sorted().toArray();
                long rows = sorted.length;
                line(String.format(Locale.ROOT, "| steady, 10 channels, **JDBC** into PostgreSQL | %d | %.0f | %.0f | %.1f | %.1f | %.1f "
                        + "| — | %s | %.2f | %.0f | %.0f |", batch, offered, inWindow / seconds, pct(sorted, 50), pct(sorted, 99),
                        pct(sorted, 100), refused + app.refusedByQueue(refused), rows == 0 ? 0 : cpu / 100.0 * 100_000 / rows,
                        app.peakRssMb(), app.peakHeapMb()));
            }
        }
    }

    /**
     * Kick's signed webhooks instead of the socket ({@code KICK_SOURCE=webhook}): {@code rate} chat messages a second
     * over HTTP, each signed with a key of this run's own (configured as KICK_WEBHOOK_PUBLIC_KEY). Every request is
     * signed before the load starts (signing costs the driver about a millisecond each), with its scheduled send time
     * in its content; latencies are taken from that schedule (open loop): the answer's (200), and the row's.
     */
    void webhook(int rate, double seconds) throws Exception {
        java.security.KeyPairGenerator g = java.security.KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        java.security.KeyPair keys = g.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getEncoder().encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
        int webhookPort;
        try (ServerSocket s = new ServerSocket(0)) {
            webhookPort = s.getLocalPort();
        }
        double warm = Math.min(warmup, 5);
        int total = (int) Math.round(rate * (warm + seconds));
        int warmCount = (int) Math.round(rate * warm);
        try (PusherServer kick = new PusherServer("benchkey"); Sink db = new Sink()) {
            kick.start(0);
            Map<String, String> env = Map.of("KICK_SOURCE", "webhook", "KICK_WEBHOOK_PORT", String.valueOf(webhookPort),
                    "KICK_WEBHOOK_PUBLIC_KEY", pem);
            try (App app = App.start(this, jvmOptions, kick, db, BATCH, env)) {
                URI uri = URI.create("http://127.0.0.1:" + webhookPort + "/kick/webhook");
                // HTTP/1.1, as a proxy in front of the listener would speak (the JDK client's HTTP/2 caps concurrent streams)
                HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                        .connectTimeout(Duration.ofSeconds(5)).build();
                awaitListening(app, client, uri);
                long t0 = System.nanoTime() + TimeUnit.SECONDS.toNanos(2) + total * 400_000L; // after signing (2 cores)
                String now = java.time.Instant.now().toString();
                HttpRequest[] requests = new HttpRequest[total];
                java.util.stream.IntStream.range(0, total).parallel().forEach(i -> {
                    long due = t0 + (long) (i * 1e9 / rate);
                    int ch = i % 10;
                    String id = "w-" + i;
                    String body = "{\"message_id\":\"" + id + "\",\"broadcaster\":{\"user_id\":" + (1000 + ch)
                            + ",\"username\":\"bench" + ch + "\",\"channel_slug\":\"bench" + ch + "\"},\"sender\":{\"user_id\":"
                            + (i % 5000) + ",\"username\":\"viewer" + (i % 5000) + "\",\"identity\":null},\"content\":\"t " + due
                            + "\",\"emotes\":null,\"created_at\":\"2025-01-01T00:00:00Z\"}";
                    try {
                        java.security.Signature sig = java.security.Signature.getInstance("SHA256withRSA");
                        sig.initSign(keys.getPrivate());
                        byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                        sig.update((id + "." + now + ".").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                        sig.update(bytes);
                        requests[i] = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json").header("Kick-Event-Message-Id", id)
                                .header("Kick-Event-Message-Timestamp", now).header("Kick-Event-Type", "chat.message.sent")
                                .header("Kick-Event-Version", "1")
                                .header("Kick-Event-Signature", java.util.Base64.getEncoder().encodeToString(sig.sign()))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build();
                    } catch (java.security.GeneralSecurityException e) {
                        throw new IllegalStateException(e);
                    }
                });
                long late = Math.max(0, System.nanoTime() - t0);
                long[] answered = new long[total];
                java.util.concurrent.atomic.AtomicInteger ok = new java.util.concurrent.atomic.AtomicInteger();
                List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
                long start = t0 + late; // a slow signing moves the schedule, it does not burst
                long cpu0 = 0;
                java.util.concurrent.Semaphore inFlight = new java.util.concurrent.Semaphore(64);
                for (int i = 0; i < total; i++) {
                    if (i == warmCount) { // no pause: the schedule runs on; the rows of the last warm-up events count
                        db.reset();
                        cpu0 = app.cpuTicks();
                    }
                    long due = start + (long) (i * 1e9 / rate);
                    while (System.nanoTime() < due) {
                        LockSupport.parkNanos(200_000);
                    }
                    int n = i;
                    long sched = t0 + (long) (i * 1e9 / rate);
                    inFlight.acquire(); // at most 64 connections, as a proxy's pool would hold; waiting counts as latency
                    pending.add(client.sendAsync(requests[i], HttpResponse.BodyHandlers.discarding()).whenComplete((r, e) -> {
                        inFlight.release();
                        answered[n] = System.nanoTime() - sched - late;
                        if (r != null && r.statusCode() == 200) {
                            ok.incrementAndGet();
                        }
                    }));
                }
                java.util.concurrent.CompletableFuture.allOf(pending.toArray(new java.util.concurrent.CompletableFuture[0]))
                        .get(60, TimeUnit.SECONDS);
                awaitDrained(db, total - warmCount, 60);
                long cpu = app.cpuTicks() - cpu0;
                long[] answers = Arrays.copyOfRange(answered, warmCount, total);
                Arrays.sort(answers);
                long rows = db.rows.get();
                long[] lat = db.latencies();
                for (int i = 0; i < lat.length; i++) {
                    lat[i] -= late;
                }
                line(String.format(Locale.ROOT, "| **webhooks**, signed chat messages over HTTP (answered 200: %d of %d; answer p50 %.1f ms, "
                        + "p99 %.1f ms) | %d | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | %d | %.2f | %.0f | %.0f |",
                        ok.get() - warmCount, total - warmCount, pct(answers, 50), pct(answers, 99), BATCH, (double) rate,
                        rows / seconds, pct(lat, 50), pct(lat, 99), pct(lat, 100), rows == 0 ? 0 : db.requests.get() * 1000.0 / rows,
                        app.metric("kickwatch_queue_dropped"), rows == 0 ? 0 : cpu / 100.0 * 100_000 / rows, app.peakRssMb(),
                        app.peakHeapMb()));
            }
        }
    }

    /** The webhook listener answers (a GET: 405) once the app has started. */
    static void awaitListening(App app, HttpClient client, URI uri) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline && app.process.isAlive()) {
            try {
                client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException e) {
                LockSupport.parkNanos(100_000_000);
            }
        }
        throw new IllegalStateException("the webhook listener did not start; see target/bench/app.log");
    }

    static void awaitCount(java.sql.Connection c, long rows, int seconds) throws java.sql.SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            try (java.sql.ResultSet rs = c.createStatement().executeQuery("select count(*) from kick_events")) {
                rs.next();
                if (rs.getLong(1) >= rows) {
                    return;
                }
            }
            LockSupport.parkNanos(50_000_000);
        }
    }

    /**
     * As many chat events as the generator can send, at once. Reports the rate at which rows were stored directly
     * (until every event is either stored or refused into a journal), and in the label the time until all of them,
     * journal replays included, were in the DB.
     */
    void burst(int events, int batch) throws Exception {
        try (PusherServer kick = new PusherServer("benchkey"); Sink db = new Sink()) {
            kick.start(0);
            try (App app = App.start(this, kick, db, batch, Map.of())) {
                app.awaitSubscribed(kick, 20);
                Generator gen = new Generator(kick, 10);
                gen.paced(5000, warmup, db); // warm-up
                awaitDrained(db, gen.sent(), 10);
                db.reset();
                long refused0 = app.markRefused();
                long cpu0 = app.cpuTicks();
                long t0 = System.nanoTime();
                gen.burst(events);
                long lastFrame = System.nanoTime();
                double offered = events / secs(lastFrame - t0);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
                long refused = 0;
                while (System.nanoTime() < deadline) {
                    refused = app.metric("kickwatch_queue_dropped") - refused0;
                    if (db.rows.get() + refused >= events) {
                        break;
                    }
                    LockSupport.parkNanos(100_000_000);
                }
                long direct = db.rows.get();
                double stored = direct / secs(db.lastRowAt.get() - t0);
                long cpu = app.cpuTicks() - cpu0;
                awaitDrained(db, events, 300);
                double all = secs(db.lastRowAt.get() - t0);
                double after = db.rows.get() >= events ? secs(db.lastRowAt.get() - lastFrame) : Double.NaN;
                row(String.format(Locale.ROOT, "burst of %d chat events (all %d in the DB after %.1f s, %.2f s after the last frame)",
                        events, db.rows.get(), all, after), batch, offered, stored, db, app, refused, cpu, direct);
                if (batch > 1) {
                    measured.put("burst stored", stored);
                    measured.put("burst after", after);
                    peakRss(app.peakRssMb());
                }
            }
        }
    }

    /**
     * A fresh process with the given JVM options and no warm-up: {@code events} chat events at {@code rate} as soon
     * as it has subscribed. Reports latency over all of them and the time from the last frame to the last row.
     */
    void cold(List<String> options, int events, int rate) throws Exception {
        try (PusherServer kick = new PusherServer("benchkey"); Sink db = new Sink()) {
            kick.start(0);
            try (App app = App.start(this, options, kick, db, BATCH, Map.of())) {
                app.awaitSubscribed(kick, 20);
                Generator gen = new Generator(kick, 10);
                long cpu0 = app.cpuTicks();
                long t0 = System.nanoTime();
                gen.paced(rate, events / (double) rate, db);
                long lastFrame = System.nanoTime();
                double offered = gen.sent() / secs(lastFrame - t0);
                awaitDrained(db, gen.sent(), 60);
                double stored = db.rows.get() / secs(db.lastRowAt.get() - t0);
                double after = db.rows.get() >= gen.sent() ? secs(db.lastRowAt.get() - lastFrame) : Double.NaN;
                long cpu = app.cpuTicks() - cpu0;
                String flags = options.isEmpty() ? "plain `java -jar`" : "`" + String.join(" ", options) + "`";
                row(String.format(Locale.ROOT, "cold, %s: %d events at %d/s from start (all in the DB %.2f s after the last frame)",
                        flags, gen.sent(), rate, after), BATCH, offered, stored, db, app,
                        app.metric("kickwatch_queue_dropped"), cpu, db.rows.get());
                String key = options.isEmpty() ? "cold" : "cold flags";
                measured.put(key + " p99", pct(db.latencies(), 99));
                measured.put(key + " after", after);
                measured.put(key + " rss", app.peakRssMb());
                if (!options.isEmpty()) {
                    peakRss(app.peakRssMb());
                }
            }
        }
    }

    void peakRss(double mb) {
        measured.merge("rss flags", mb, Math::max);
    }

    /** The targets of the benchmark's issue, each with what this run measured. */
    void targets() {
        line("");
        line("| target | measured | met |");
        line("|---|---|---|");
        target("steady 20,000/s: all stored, 0 refused", "steady 20000 refused", v -> v == 0, "%.0f refused");
        target("steady 20,000/s: p99 ≤ 100 ms", "steady 20000 p99", v -> v <= 100, "%.1f ms");
        target("steady 40,000/s offered: ≥ 38,000 stored/s", "steady 40000 stored", v -> v >= 38_000, "%.0f /s");
        target("≤ 4 CPU-s per 100,000 events at 10,000/s", "steady 10000 cpu", v -> v <= 4, "%.2f s");
        target("burst of 50,000: ≥ 40,000 stored/s", "burst stored", v -> v >= 40_000, "%.0f /s");
        target("burst of 50,000: all in the DB ≤ 3 s after the last frame", "burst after", v -> v <= 3, "%.2f s");
        target("cold, 50,000 at 5,000/s: p99 ≤ 500 ms", "cold p99", v -> v <= 500, "%.1f ms");
        target("cold: all in the DB ≤ 1 s after the last frame", "cold after", v -> v <= 1, "%.2f s");
        target("peak RSS ≤ 160 MB with the README's flags: small host, steady 20,000/s", "rss small-host", v -> v <= 160, "%.0f MB");
        target("(peak RSS with the README's throughput flags, no target)", "rss flags", null, "%.0f MB");
        target("peak RSS ≤ 300 MB as plain `java -jar`", "cold rss", v -> v <= 300, "%.0f MB");
        target("1,000 channels subscribed ≤ 2 s after process start", "subscribe", v -> v <= 2, "%.2f s");
    }

    void target(String what, String key, java.util.function.DoublePredicate met, String format) {
        Double v = measured.get(key);
        if (v == null) {
            return; // that load did not run
        }
        line("| " + what + " | " + String.format(Locale.ROOT, format, v) + " | "
                + (met == null ? "—" : !v.isNaN() && met.test(v) ? "yes" : "**no**") + " |");
    }

    void row(String load, int batch, double offered, double stored, Sink db, App app, long refused, long cpuTicks, long rows)
            throws Exception {
        long[] lat = db.latencies();
        line(String.format(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.1f | %.1f | %.1f | %.1f | %s | %.2f | %.0f | %.0f |",
                load, batch, offered, stored, pct(lat, 50), pct(lat, 99), pct(lat, 100),
                rows == 0 ? 0 : db.requests.get() * 1000.0 / rows, refused + app.refusedByQueue(refused),
                rows == 0 ? 0 : cpuTicks / 100.0 * 100_000 / rows, app.peakRssMb(), app.peakHeapMb()));
    }

    /** CPU ticks of this (the driver's) process. */
    static long selfTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static void awaitDrained(Sink db, long rows, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (db.rows.get() < rows && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
        }
    }

    static double pct(long[] sortedNanos, int p) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int i = p >= 100 ? sortedNanos.length - 1 : (int) Math.ceil(p / 100.0 * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, i)] / 1e6;
    }

    static double secs(long nanos) {
        return nanos / 1e9;
    }

    // --- the load generator -------------------------------------------------------------------------------------

    /** Chat frames on 10 chatrooms; each carries its send time (this JVM's nanoTime) in its content. */
    static final class Generator {
        final PusherServer kick;
        final int channels;
        long seq;

        Generator(PusherServer kick, int channels) {
            this.kick = kick;
            this.channels = channels;
        }

        long sent() {
            return seq;
        }

        void sendOne() {
            long n = seq++;
            int ch = (int) (n % channels);
            String channel = "chatrooms." + (1000 + ch) + ".v2";
            String data = "{\\\"id\\\":\\\"b-" + n + "\\\",\\\"chatroom_id\\\":" + (1000 + ch)
                    + ",\\\"content\\\":\\\"t " + System.nanoTime() + "\\\",\\\"type\\\":\\\"message\\\","
                    + "\\\"created_at\\\":\\\"2025-01-01T00:00:00+00:00\\\",\\\"sender\\\":{\\\"id\\\":" + (n % 5000)
                    + ",\\\"username\\\":\\\"viewer" + (n % 5000) + "\\\",\\\"slug\\\":\\\"viewer" + (n % 5000)
                    + "\\\",\\\"identity\\\":{\\\"color\\\":\\\"#75FD46\\\",\\\"badges\\\":[]}}}";
            kick.sendRawTo(channel, "{\"event\":\"" + CHAT + "\",\"data\":\"" + data + "\",\"channel\":\"" + channel + "\"}");
        }

        /** Open loop at a fixed rate: every millisecond, whatever is due by then. */
        void paced(int rate, double seconds, Sink db) {
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            long first = seq;
            long now;
            while ((now = System.nanoTime()) < end) {
                long due = first + (long) ((now - start) / 1e9 * rate);
                while (seq < due) {
                    sendOne();
                }
                LockSupport.parkNanos(1_000_000);
            }
        }

        void burst(int events) {
            for (int i = 0; i < events; i++) {
                sendOne();
            }
        }
    }

    // --- the DB sink --------------------------------------------------------------------------------------------

    /** PostgREST-like: 201 for every POST; counts rows and requests, and the latency of each row. */
    static final class Sink implements AutoCloseable {
        static final String MARK = "\"content\":\"t ";
        final HttpServer server;
        final ExecutorService pool = Executors.newFixedThreadPool(4);
        final AtomicLong rows = new AtomicLong();
        final AtomicLong requests = new AtomicLong();
        final AtomicLong lastRowAt = new AtomicLong();
        /** Rows that arrived before {@link #windowEnd}: the throughput of a window, without late journal replays. */
        final AtomicLong rowsInWindow = new AtomicLong();
        volatile long windowEnd = Long.MAX_VALUE;
        long[] lat = new long[1 << 16];
        int latCount;

        Sink() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
            server.createContext("/", this::handle);
            server.setExecutor(pool);
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/rest/v1/kick_events";
        }

        void handle(HttpExchange ex) throws IOException {
            byte[] in;
            try (InputStream is = ex.getRequestBody()) {
                in = is.readAllBytes();
            }
            long now = System.nanoTime();
            if (ex.getRequestMethod().equals("GET")) { // the start-up probe: no rows, not a request of the load
                ex.sendResponseHeaders(200, -1);
                ex.getResponseBody().close();
                return;
            }
            if (ex.getRequestURI().getPath().startsWith("/rest/")) {
                // each row carries "content":"t <nanos>" twice (the row's content, then the same in its payload):
                // scan for the marker instead of parsing every row, and take every other one
                String body = new String(in, java.nio.charset.StandardCharsets.UTF_8);
                int n = 0;
                synchronized (this) {
                    for (int i = body.indexOf(MARK); i >= 0; i = body.indexOf(MARK, i + 1)) {
                        if (n++ % 2 == 0) {
                            int from = i + MARK.length();
                            record(now - Long.parseLong(body, from, body.indexOf('"', from), 10));
                        }
                    }
                    n /= 2;
                }
                requests.incrementAndGet();
                rows.addAndGet(n);
                if (now <= windowEnd) {
                    rowsInWindow.addAndGet(n);
                }
                lastRowAt.set(now);
            }
            ex.sendResponseHeaders(ex.getRequestURI().getPath().startsWith("/rest/") ? 201 : 204, -1);
            try (OutputStream os = ex.getResponseBody()) {
                os.flush();
            }
        }

        synchronized void record(long nanos) {
            if (latCount == lat.length) {
                lat = Arrays.copyOf(lat, lat.length * 2);
            }
            lat[latCount++] = nanos;
        }

        synchronized long[] latencies() {
            long[] out = Arrays.copyOf(lat, latCount);
            Arrays.sort(out);
            return out;
        }

        synchronized void reset() {
            rows.set(0);
            rowsInWindow.set(0);
            windowEnd = Long.MAX_VALUE;
            requests.set(0);
            latCount = 0;
        }

        @Override
        public void close() {
            server.stop(0);
            pool.shutdownNow();
        }
    }

    // --- the app as a process -----------------------------------------------------------------------------------

    static final class App implements AutoCloseable {
        final Process process;
        final int port;
        final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        volatile double peakHeap;

        App(Process process, int port) {
            this.process = process;
            this.port = port;
            sampler.scheduleAtFixedRate(this::sampleHeap, 500, 250, TimeUnit.MILLISECONDS);
        }

        static App start(Benchmark b, PusherServer kick, Sink db, int batch, Map<String, String> extra) throws Exception {
            return start(b, b.jvmOptions, kick, db, batch, extra);
        }

        static App start(Benchmark b, List<String> jvmOptions, PusherServer kick, Sink db, int batch, Map<String, String> extra)
                throws Exception {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Path data = Files.createTempDirectory(b.work, "data");
            List<String> cmd = new ArrayList<>();
            cmd.add(ProcessHandle.current().info().command().orElse("java"));
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-jar", "target/kickwatch.jar"));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(b.work.resolve(b.appLog).toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("KICK") || k.startsWith("DISCORD") || k.startsWith("DB_")
                    || k.startsWith("CAMEL") || k.startsWith("KICKWATCH"));
            Map<String, String> env = new LinkedHashMap<>();
            StringBuilder channels = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                channels.append(i == 0 ? "" : ",").append("bench").append(i).append(':').append(1000 + i);
            }
            env.put("KICK_PUSHER_URL", kick.url());
            env.put("KICK_CHANNELS", channels.toString());
            env.put("DB_URL", db.url());
            env.put("DB_BATCH_SIZE", String.valueOf(batch));
            env.put("DISCORD_WEBHOOK_URL", db.url().replace("/rest/v1/kick_events", "/api/webhooks/1/bench"));
            env.put("KICKWATCH_DATA_DIR", data.toString());
            env.put("CAMEL_MANAGEMENT_PORT", String.valueOf(port));
            env.putAll(extra);
            // -Dbench.env=KICKWATCH_WARMUP_EVENTS=0,…: settings for every app process, to compare one against the default
            for (String kv : System.getProperty("bench.env", "").split(",")) {
                if (kv.contains("=")) {
                    env.put(kv.substring(0, kv.indexOf('=')).trim(), kv.substring(kv.indexOf('=') + 1).trim());
                }
            }
            pb.environment().putAll(env);
            return new App(pb.start(), port);
        }

        void awaitSubscribed(PusherServer kick, int pusherChannels) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (kick.subscribedChannels().size() < pusherChannels) {
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IllegalStateException("the app did not subscribe; see target/bench/app.log");
                }
                LockSupport.parkNanos(10_000_000);
            }
        }

        String metrics() {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
            } catch (Exception e) {
                return "";
            }
        }

        /** The sum of a metric's samples (all labels). */
        long metric(String name) {
            return Math.round(sum(name, ""));
        }

        /** Refusals per queue when the measurement began (markRefused), so that a row shows its own. */
        final Map<String, Long> refusedBefore = new LinkedHashMap<>();

        /** Marks the start of a measurement; returns the refusals so far, all queues. */
        long markRefused() throws Exception {
            for (String q : QUEUES) {
                refusedBefore.put(q, refused(q));
            }
            return metric("kickwatch_queue_dropped");
        }

        long refused(String queue) throws Exception {
            return Math.round(sum("kickwatch_queue_dropped", "queue=\"" + queue + "\""));
        }

        /** Which queues refused since markRefused, when the row's own count is not 0: " (events 12, db 3)". */
        String refusedByQueue(long refused) throws Exception {
            if (refused == 0) {
                return "";
            }
            List<String> parts = new ArrayList<>();
            for (String q : QUEUES) {
                long n = refused(q) - refusedBefore.getOrDefault(q, 0L);
                if (n > 0) {
                    parts.add(q + " " + n);
                }
            }
            return " (" + String.join(", ", parts) + ")";
        }

        /** The sum of the samples whose line starts with {@code name} and contains {@code label}. */
        double sum(String name, String label) {
            double sum = 0;
            for (String l : metrics().split("\n")) {
                if (l.startsWith(name) && l.contains(label)) {
                    sum += Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1));
                }
            }
            return sum;
        }

        void sampleHeap() {
            peakHeap = Math.max(peakHeap, sum("jvm_memory_used_bytes", "area=\"heap\""));
        }

        double peakHeapMb() {
            sampleHeap();
            return peakHeap / (1024 * 1024);
        }

        /** utime + stime of the process, in clock ticks (1/100 s). */
        long cpuTicks() throws IOException {
            String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }

        /** CPU ticks per thread name (threads of the same name summed). */
        Map<String, Long> threadTicks() throws IOException {
            Map<String, Long> out = new java.util.TreeMap<>();
            try (var tasks = Files.list(Path.of("/proc/" + process.pid() + "/task"))) {
                for (Path t : tasks.toList()) {
                    try {
                        String stat = Files.readString(t.resolve("stat"));
                        String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        out.merge(name, Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
                    } catch (IOException | RuntimeException e) {
                        // the thread ended
                    }
                }
            }
            return out;
        }

        void printThreadCpu(Map<String, Long> before, double seconds) throws IOException {
            Map<String, Long> after = threadTicks();
            after.entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue() - before.getOrDefault(e.getKey(), 0L)))
                    .filter(e -> e.getValue() > 0)
                    .sorted((a, b) -> Long.compare(b.getValue(), a.getValue())).limit(12)
                    .forEach(e -> System.out.printf(Locale.ROOT, "    %5.1f%% of a core  %s%n", e.getValue() / seconds, e.getKey()));
        }

        /** VmHWM: the peak resident set size of the process. */
        double peakRssMb() throws IOException {
            for (String l : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (l.startsWith("VmHWM:")) {
                    return Long.parseLong(l.replaceAll("\\D", "")) / 1024.0;
                }
            }
            return Double.NaN;
        }

        @Override
        public void close() throws Exception {
            sampler.shutdownNow();
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
