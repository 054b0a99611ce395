package dev.kickwatch;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.RelayTestSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Failing sinks and a full queue: nothing is lost (journals), the breaker opens, no secret is printed. */
class SinkFailureTest extends RelayTestSupport {

    final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream originalErr;

    @BeforeEach
    void captureErr() {
        originalErr = System.err;
        System.setErr(new PrintStream(new TeeStream(originalErr, captured), true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void checkOutput() throws Exception {
        app.close();
        app = null;
        System.setErr(originalErr);
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("<route"), "the route dump was printed");
        assertFalse(out.contains(DISCORD_TOKEN), "the webhook token was printed");
        assertFalse(out.contains(DB_KEY), "the DB key was printed");
        Path journals = data.resolve("journal");
        if (Files.isDirectory(journals)) {
            try (var files = Files.list(journals)) {
                for (Path f : files.toList()) {
                    String text = Files.readString(f);
                    assertFalse(text.contains(DISCORD_TOKEN) || text.contains(DB_KEY), "secret in journal " + f);
                }
            }
        }
    }

    void start(Map<String, String> extra) throws Exception {
        Map<String, String> p = new java.util.HashMap<>(Map.of("discord.chat", "all",
                "camel.main.dump-routes", "xml")); // the dump must not show secrets either
        p.putAll(extra);
        startApp(p);
    }

    void publishChats(int from, int count) {
        for (int i = from; i < from + count; i++) {
            kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                    "{\"id\":\"c-" + i + "\",\"content\":\"hello " + i + "\",\"type\":\"message\",\"sender\":{\"id\":5,\"username\":\"u\"}}");
        }
    }

    List<String> journal(String name) throws Exception {
        Path f = data.resolve("journal").resolve(name);
        return dev.kickwatch.sink.Journal.pendingLines(f);
    }

    Set<String> storedIds() throws Exception {
        Set<String> ids = new HashSet<>();
        for (HttpSinkServer.Request r : db.requests()) {
            if (r.body().startsWith("[")) {
                for (var row : JSON.readTree(r.body())) {
                    ids.add(row.get("id").asText());
                }
            }
        }
        return ids;
    }

    @Test
    void should_open_the_db_breaker_and_journal_every_row_while_the_db_fails() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(503, "{\"message\":\"down\"}"));
        discord.behave(r -> HttpSinkServer.Response.of(204));
        start(Map.of("db.cb.failures", "3", "db.cb.open-initial-seconds", "60", "db.cb.open-seconds", "60"));
        for (int i = 0; i < 10; i++) {
            publishChats(i, 1);
            int n = i + 1;
            await().atMost(10, SECONDS).until(() -> journal("db.jsonl").size() == n); // one failed batch at a time
        }
        assertEquals(3, db.requests().size(), "after 3 failures the breaker is open and the DB is left alone");
        Set<String> ids = new HashSet<>();
        for (String line : journal("db.jsonl")) {
            ids.add(JSON.readTree(line).get("id").asText());
        }
        assertEquals(10, ids.size());
        await().atMost(20, SECONDS).until(() -> discordEmbeds() == 10); // Discord is unaffected
    }

    int discordEmbeds() throws Exception {
        int n = 0;
        for (HttpSinkServer.Request r : discord.requests()) {
            n += JSON.readTree(r.body()).get("embeds").size();
        }
        return n;
    }

    @Test
    void should_keep_a_message_discord_refuses_with_400_and_go_on() throws Exception {
        discord.behave(r -> r.body().contains("hello 1")
                ? HttpSinkServer.Response.of(400, "{\"code\":50035,\"message\":\"Invalid Form Body\"}")
                : HttpSinkServer.Response.of(204));
        db.behave(r -> HttpSinkServer.Response.of(201));
        start(Map.of());
        for (int i = 0; i < 3; i++) {
            publishChats(i, 1);
            int n = i + 1;
            await().atMost(10, SECONDS).until(() -> discord.requests().size() == n);
        }
        await().atMost(5, SECONDS).until(() -> journal("discord-rejected.jsonl").size() == 1);
        assertTrue(journal("discord-rejected.jsonl").get(0).contains("hello 1"));
        assertTrue(journal("discord-rejected.jsonl").get(0).contains("allowed_mentions"));
        assertEquals(List.of(), journal("discord.jsonl"), "a 400 is not retried");
        await().atMost(10, SECONDS).until(() -> storedIds().size() == 3);
    }

    @Test
    void should_journal_what_a_full_queue_refuses_then_replay_it_without_breaking_ingest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        db.behave(r -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return HttpSinkServer.Response.of(201);
        });
        discord.behave(r -> HttpSinkServer.Response.of(204));
        start(Map.of("kickwatch.queue.size", "5", "db.queue-size", "5", "discord.chat", "off",
                "kickwatch.journal.replay-interval", "500"));
        publishChats(0, 50);
        kick.pingAll();
        await().atMost(10, SECONDS).until(() -> kick.clientPongs() >= 1); // all 50 frames were taken in
        int overflowed = journal("db.jsonl").size();
        assertTrue(overflowed >= 30, "refused by a full queue and journaled: " + overflowed);
        assertEquals(overflowed, app.context().getRegistry().lookupByNameAndType("queueOverflow", QueueOverflow.class).getDropped());
        assertTrue(app.kickState().isConnected(), "ingest kept going");
        release.countDown();
        await().atMost(30, SECONDS).until(() -> storedIds().size() == 50); // the journal was replayed
        await().atMost(5, SECONDS).until(() -> journal("db.jsonl").isEmpty());
        publishChats(100, 1);
        await().atMost(10, SECONDS).until(() -> storedIds().contains("c-100"));
    }

    @Test
    void should_journal_for_each_sink_what_the_full_event_queue_refuses() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(201));
        discord.behave(r -> HttpSinkServer.Response.of(204));
        start(Map.of("kickwatch.queue.size", "5", "discord.chat", "all", "kickwatch.journal.replay-delay", "600000"));
        app.context().getRouteController().stopRoute("event-dispatch"); // nothing takes from the event queue now
        publishChats(0, 20);
        kick.pingAll();
        await().atMost(10, SECONDS).until(() -> kick.clientPongs() >= 1); // all 20 frames were taken in
        assertEquals(15, journal("db.jsonl").size(), "5 fill the queue, 15 are refused and journaled for the DB");
        assertEquals(15, journal("discord.jsonl").size(), "and for Discord, which wants every chat message here");
        assertTrue(journal("discord.jsonl").get(0).contains("\"embeds\""), journal("discord.jsonl").get(0));
        assertTrue(app.kickState().isConnected(), "ingest kept going");
    }

    @Test
    void should_say_once_a_minute_that_a_full_disk_loses_rows_and_be_not_ready_until_a_write_succeeds() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(503, "{\"message\":\"down\"}"));
        discord.behave(r -> HttpSinkServer.Response.of(204));
        start(Map.of("discord.chat", "off", "db.cb.failures", "100", "kickwatch.journal.replay-delay", "600000"));
        // the DB journal on a full disk: Linux's /dev/full answers every write with ENOSPC
        Path file = Files.createDirectories(data.resolve("journal")).resolve("db.jsonl");
        Files.deleteIfExists(file);
        Files.createSymbolicLink(file, Path.of("/dev/full"));
        dev.kickwatch.sink.Journal journal = app.context().getRegistry().lookupByNameAndType("journal",
                dev.kickwatch.sink.Journal.class);
        try {
            fullDisk(journal);
        } finally {
            Files.deleteIfExists(file); // a reader of /dev/full never ends
        }
        // space again: the next row is journaled, and readiness is back
        publishChats(10, 1);
        await().atMost(10, SECONDS).until(() -> journal("db.jsonl").size() == 1);
        assertEquals(org.apache.camel.health.HealthCheck.State.UP, org.apache.camel.health.HealthCheckHelper
                .invokeReadiness(app.context(), "full").stream().filter(r -> r.getCheck().getId().equals("journal")).findFirst()
                .orElseThrow().getState());
    }

    private void fullDisk(dev.kickwatch.sink.Journal journal) {
        for (int i = 0; i < 5; i++) {
            publishChats(i, 1);
            long n = i + 1;
            await().atMost(10, SECONDS).until(() -> journal.getWriteErrors() == n); // one failed batch at a time
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = out.lines().filter(l -> l.contains("Journal db cannot be written")).toList();
        assertEquals(1, lines.size(), out);
        assertTrue(lines.get(0).contains("[ERROR] Journal - Journal db cannot be written (No space left on device): 1 entries "
                + "lost so far; free space in " + data.resolve("journal") + " (kickwatch.data-dir, KICKWATCH_DATA_DIR)"), lines.get(0));
        assertFalse(out.contains("kept in the db journal"), "nothing claims rows were kept");
        assertEquals(5, journal.getDropped("db"));
        var ready = org.apache.camel.health.HealthCheckHelper.invokeReadiness(app.context(), "full").stream()
                .filter(r -> r.getCheck().getId().equals("journal")).findFirst().orElseThrow();
        assertEquals(org.apache.camel.health.HealthCheck.State.DOWN, ready.getState());
        assertEquals("the journals in " + data.resolve("journal") + " cannot be written (No space left on device): what a "
                + "sink cannot take now is lost", ready.getMessage().orElse(""));
    }

    @Test
    void should_say_in_one_line_every_10_seconds_that_a_route_expression_reads_a_field_the_event_has_not() throws Exception {
        db.behave(r -> HttpSinkServer.Response.of(201));
        discord.behave(r -> HttpSinkServer.Response.of(204));
        // README's filter recipe with a typo, in a copy of the routes
        Path routes = Files.createDirectories(data.resolve("routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path f : files.toList()) {
                Files.copy(f, routes.resolve(f.getFileName()));
            }
        }
        Path dispatch = routes.resolve("event-dispatch.camel.yaml");
        Files.writeString(dispatch, Files.readString(dispatch).replace("                    ref: dbFilter\n",
                "                    simple: \"${body.typ} != 'chat.message.sent'\"\n"));
        start(Map.of("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml", "discord.chat", "off",
                "kickwatch.journal.replay-delay", "600000"));
        publishChats(0, 20);
        dev.kickwatch.sink.RefusedEvents refused = app.context().getRegistry().lookupByNameAndType("refusedEvents",
                dev.kickwatch.sink.RefusedEvents.class);
        await().atMost(10, SECONDS).until(() -> refused.getFailures() == 20);
        String out = captured.toString(StandardCharsets.UTF_8);
        List<String> lines = out.lines().filter(l -> l.contains("Route event-dispatch failed")).toList();
        assertEquals(1, lines.size(), out);
        assertTrue(lines.get(0).matches(".*\\[WARN\\] RefusedEvents - Route event-dispatch failed on event chat.message.sent "
                + "c-0 on testchan: the event has no field 'typ' \\(\\$\\{body.typ\\} in a Simple expression\\? did you mean "
                + "type\\?\\); journaled for the sinks that want it \\(1 failure so far\\)"), lines.get(0));
        assertFalse(out.contains("\tat org.apache.camel.component.bean"), "no stack trace");
        assertEquals(20, journal("db.jsonl").size(), "nothing lost: every event waits in the DB journal");
    }

    /** Writes to two streams: the real stderr and the capture. */
    static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream a;
        private final java.io.OutputStream b;

        TeeStream(java.io.OutputStream a, java.io.OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public void write(int x) throws java.io.IOException {
            a.write(x);
            b.write(x);
        }

        @Override
        public void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
