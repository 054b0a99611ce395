package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.support.Fixtures;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.KickwatchApp;
import dev.kickwatch.support.RelayTestSupport;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dev profile's live reload: a filter edited in a YAML route changes behaviour without a restart while events
 * keep streaming in, and no event is lost or stored twice across the reload.
 */
class LiveReloadTest extends RelayTestSupport {

    private static final String OLD_FILTER = "                    ref: dbFilter\n";
    private static final String NEW_FILTER = "                    simple: \"${body.content} not contains 'drop'\"\n";

    private long reloadMillis;

    @Test
    void should_apply_an_edited_filter_without_restart_and_lose_nothing() throws Exception {
        Path routes = Fixtures.copyOfRoutes(data);
        Path dispatch = routes.resolve("event-dispatch.camel.yaml");
        String original = Files.readString(dispatch);
        assertTrue(original.contains(OLD_FILTER), "the DB filter of event-dispatch as the test expects it");

        db.behave(r -> HttpSinkServer.Response.of(201));
        Map<String, String> p = new HashMap<>(KickwatchApp.baseProperties(kick.url(), data.toString()));
        p.put("db.url", db.url("/rest/v1/kick_events")); // the dev profile's default is the local file
        p.remove("camel.main.shutdown-timeout");          // the dev profile's own, which bounds a reload
        // what a full queue refuses is journaled with the property filters (the edited YAML expression applies to
        // what goes through the queue): keep it in the journal here, where the test can see it
        p.put("kickwatch.journal.replay-delay", "600000");
        p.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
        p.put("camel.main.routes-reload-directory", routes.toString());
        app = KickwatchApp.start(p, "dev");
        await().atMost(10, SECONDS).until(() -> kick.subscribedChannels().size() == 4);
        Route before = app.context().getRoute("event-dispatch");

        // a steady stream: each tick 5 messages to keep and 1 to drop once the new filter is live
        AtomicInteger next = new AtomicInteger();
        ScheduledExecutorService publisher = Executors.newSingleThreadScheduledExecutor();
        publisher.scheduleAtFixedRate(() -> {
            for (int i = 0; i < 6; i++) {
                int n = next.getAndIncrement();
                String content = (i == 5 ? "drop " : "keep ") + n;
                kick.publish("chatrooms.1000.v2", "App\\Events\\ChatMessageEvent",
                        "{\"id\":\"m-" + n + "\",\"content\":\"" + content + "\",\"type\":\"message\","
                                + "\"sender\":{\"id\":7,\"username\":\"viewer\"}}");
            }
        }, 0, 5, TimeUnit.MILLISECONDS);
        try {
            await().atMost(10, SECONDS).until(() -> contents().stream().filter(c -> c.startsWith("drop")).count() >= 20);

            long editedAt = System.nanoTime();
            Files.writeString(dispatch, original.replace(OLD_FILTER, NEW_FILTER));
            await().atMost(20, SECONDS).until(() -> {
                Route r = app.context().getRoute("event-dispatch");
                return r != null && r != before
                        && app.context().getRouteController().getRouteStatus("event-dispatch") == ServiceStatus.Started;
            });
            reloadMillis = (System.nanoTime() - editedAt) / 1_000_000;
            int reloadedAt = next.get();
            await().atMost(10, SECONDS).until(() -> next.get() > reloadedAt + 600);
        } finally {
            publisher.shutdown();
            assertTrue(publisher.awaitTermination(5, SECONDS));
        }
        int sent = next.get();
        System.out.println("live reload: " + sent + " messages sent, reload took " + reloadMillis + " ms");
        assertNotSame(before, app.context().getRoute("event-dispatch"));

        // every message to keep is stored or journaled (refused by a full queue; not replayed in this test), exactly
        // once; after the reload no message to drop went through the new filter into the DB
        long keeps = java.util.stream.IntStream.range(0, sent).filter(n -> n % 6 != 5).count();
        await().atMost(30, SECONDS).until(() -> keepsStoredOrJournaled().size() >= keeps);
        Map<String, Integer> times = new HashMap<>();
        keepsStoredOrJournaled().forEach(c -> times.merge(c, 1, Integer::sum));
        for (int n = 0; n < sent; n++) {
            if (n % 6 != 5) {
                assertEquals(1, times.getOrDefault("keep " + n, 0), "keep " + n + " stored once of " + sent);
            }
        }
        List<String> stored = contents();
        int lastDrop = stored.stream().filter(c -> c.startsWith("drop"))
                .mapToInt(c -> Integer.parseInt(c.substring(5))).max().orElse(-1);
        assertTrue(lastDrop < sent - 600, "no 'drop' message stored after the reload; last stored " + lastDrop
                + " of " + sent);
        assertTrue(Files.readString(Path.of("routes/event-dispatch.camel.yaml")).contains(OLD_FILTER),
                "the repository's routes are untouched");
    }

    /** The keep messages in the DB and in the DB journal. */
    private List<String> keepsStoredOrJournaled() throws Exception {
        List<String> out = new java.util.ArrayList<>(contents());
        for (String line : dev.kickwatch.sink.Journal.pendingLines(data.resolve("journal/db.jsonl"))) {
            out.add(JSON.readTree(line).path("content").asText());
        }
        out.removeIf(c -> !c.startsWith("keep"));
        return out;
    }

    private List<String> contents() throws Exception {
        List<String> out = new java.util.ArrayList<>();
        for (HttpSinkServer.Request r : db.requests()) {
            for (JsonNode row : JSON.readTree(r.body())) {
                out.add(row.path("content").asText());
            }
        }
        return out;
    }
}
