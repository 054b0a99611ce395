package dev.kickwatch.pusher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.kickwatch.support.FakeKickApi;
import dev.kickwatch.support.HttpSinkServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.kickwatch.support.Fixtures.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Looking up a channel's ids at a local stand-in for Kick's channel endpoint, and the cache of what was found. */
class ChannelResolverTest {

    private static final Duration SHORT = Duration.ofMillis(500);

    @TempDir
    Path tmp;

    @Test
    void should_resolve_a_slug_to_its_ids_asking_like_a_browser() throws Exception {
        try (FakeKickApi kick = new FakeKickApi().channel("xqc", 668, 676)) {
            KickChannel c = new ChannelResolver(kick.baseUrl(), SHORT).lookup("xQc");
            assertEquals(new KickChannel("xqc", 668, 676L), c);
            assertEquals("xqc:668:676", ChannelResolver.entry(c));
            HttpSinkServer.Request r = kick.requests().get(0);
            assertEquals("/api/v2/channels/xqc", r.path());
            assertTrue(r.headers().get("user-agent").matches("Mozilla/5\\.0 \\(Windows NT 10\\.0; Win64; x64\\) .* Chrome/\\d+.*"),
                    r.headers().get("user-agent"));
            assertEquals("application/json", r.headers().get("accept"));
            assertTrue(r.headers().get("accept-language").startsWith("en-US"), r.headers().toString());
            assertEquals(kick.baseUrl() + "/xqc", r.headers().get("referer"));
        }
    }

    @Test
    void should_say_that_no_channel_has_that_name_on_404() throws Exception {
        try (FakeKickApi kick = new FakeKickApi()) {
            ChannelResolver.LookupException e = assertThrows(ChannelResolver.LookupException.class,
                    () -> new ChannelResolver(kick.baseUrl(), SHORT).lookup("nobody"));
            assertEquals(ChannelResolver.Failure.NOT_FOUND, e.failure());
            assertEquals("no Kick channel named 'nobody'", e.getMessage());
        }
    }

    @Test
    void should_say_in_one_line_what_to_do_when_cloudflare_refuses() throws Exception {
        try (FakeKickApi kick = new FakeKickApi().channel("xqc", 668, 676).refuseLikeCloudflare()) {
            ChannelResolver.LookupException e = assertThrows(ChannelResolver.LookupException.class,
                    () -> new ChannelResolver(kick.baseUrl(), SHORT).lookup("xqc"));
            assertEquals(ChannelResolver.Failure.REFUSED, e.failure());
            assertEquals("Kick refused the lookup of 'xqc' (Cloudflare, HTTP 403): open " + kick.baseUrl()
                    + "/api/v2/channels/xqc in a browser and set KICK_CHANNELS=xqc:<chatroom.id>:<id>", e.getMessage());
        }
    }

    @Test
    void should_treat_an_html_page_and_rate_limits_as_a_refusal_and_other_answers_as_failures() throws Exception {
        try (HttpSinkServer server = new HttpSinkServer().getsAreRequests()) {
            ChannelResolver resolver = new ChannelResolver(server.url(""), SHORT);
            server.behave(r -> new HttpSinkServer.Response(200, "<html>a challenge</html>", Map.of()));
            assertEquals("Kick refused the lookup of 'a' (HTTP 200): open " + server.url("") + "/api/v2/channels/a in a "
                    + "browser and set KICK_CHANNELS=a:<chatroom.id>:<id>", failure(resolver, "a", ChannelResolver.Failure.REFUSED));
            server.behave(r -> HttpSinkServer.Response.of(429));
            assertTrue(failure(resolver, "a", ChannelResolver.Failure.REFUSED).startsWith("Kick refused the lookup of 'a' (HTTP 429)"));
            server.behave(r -> HttpSinkServer.Response.of(200, "{\"id\": 5, \"chatroom\": {\"id\": tru"));
            assertEquals("cannot look up Kick channel 'a' at " + server.url("") + "/api/v2/channels/a: the answer is not JSON",
                    failure(resolver, "a", ChannelResolver.Failure.FAILED));
            server.behave(r -> HttpSinkServer.Response.of(200, "{\"id\": 5, \"chatroom\": null}"));
            assertTrue(failure(resolver, "a", ChannelResolver.Failure.FAILED).endsWith(": the answer has no id and chatroom.id"));
            server.behave(r -> HttpSinkServer.Response.of(500, "{}"));
            assertTrue(failure(resolver, "a", ChannelResolver.Failure.FAILED).endsWith(": HTTP 500"));
        }
    }

    @Test
    void should_give_up_after_the_timeout_and_on_a_refused_connection() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HttpSinkServer silent = new HttpSinkServer().getsAreRequests()) {
            silent.behave(r -> {
                try {
                    release.await(10, TimeUnit.SECONDS); // a Kick that never answers (the peer's behaviour)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return HttpSinkServer.Response.of(200);
            });
            long start = System.nanoTime();
            String line = failure(new ChannelResolver(silent.url(""), SHORT), "xqc", ChannelResolver.Failure.FAILED);
            assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "gave up after the timeout");
            assertEquals("cannot look up Kick channel 'xqc' at " + silent.url("") + "/api/v2/channels/xqc: no answer within 500 ms",
                    line);
        } finally {
            release.countDown();
        }
        String closed = "http://127.0.0.1:" + freePort();
        String line = failure(new ChannelResolver(closed, SHORT), "xqc", ChannelResolver.Failure.FAILED);
        assertTrue(line.startsWith("cannot look up Kick channel 'xqc' at " + closed + "/api/v2/channels/xqc: cannot connect"), line);
        assertFalse(line.contains("\n"), line);
    }

    @Test
    void should_refuse_what_is_not_a_slug_without_asking() throws Exception {
        try (FakeKickApi kick = new FakeKickApi()) {
            assertEquals("'a/b' is not a Kick channel slug (letters, digits, - and _)",
                    failure(new ChannelResolver(kick.baseUrl(), SHORT), "a/b", ChannelResolver.Failure.NOT_FOUND));
            assertEquals(List.of(), kick.requests());
        }
    }

    @Test
    void should_cache_what_it_looked_up_and_answer_from_the_cache_with_kick_down() throws Exception {
        Path cache = tmp.resolve("data/channels.json");
        String base;
        try (FakeKickApi kick = new FakeKickApi().channel("xqc", 668, 676).channel("trainwreckstv", 1234, 5678)) {
            base = kick.baseUrl();
            List<ChannelResolver.Resolved> first = new ChannelResolver(base, SHORT).resolveAll(List.of("xqc", "TrainwrecksTV"), cache);
            assertEquals(List.of(new ChannelResolver.Resolved(new KickChannel("xqc", 668, 676L), false),
                    new ChannelResolver.Resolved(new KickChannel("trainwreckstv", 1234, 5678L), false)), first);
            assertEquals(2, kick.requests().size());
        }
        try (var files = Files.list(cache.getParent())) {
            assertEquals(List.of(cache), files.toList(), "written in one step: no temporary file left");
        }
        assertEquals(Map.of("xqc", new KickChannel("xqc", 668, 676L), "trainwreckstv", new KickChannel("trainwreckstv", 1234, 5678L)),
                ChannelResolver.readCache(cache));
        // Kick is down now: the cache answers
        List<ChannelResolver.Resolved> again = new ChannelResolver(base, SHORT).resolveAll(List.of("trainwreckstv", "xqc"), cache);
        assertEquals(List.of(new ChannelResolver.Resolved(new KickChannel("trainwreckstv", 1234, 5678L), true),
                new ChannelResolver.Resolved(new KickChannel("xqc", 668, 676L), true)), again);
        // a slug it has not cached is looked up, and Kick being down is the failure
        ChannelResolver.LookupException e = assertThrows(ChannelResolver.LookupException.class,
                () -> new ChannelResolver(base, SHORT).resolveAll(List.of("xqc", "other"), cache));
        assertEquals("other", e.slug());
        assertEquals(ChannelResolver.Failure.FAILED, e.failure());
    }

    @Test
    void should_keep_what_it_found_before_a_failure_and_ignore_a_broken_cache() throws Exception {
        Path cache = tmp.resolve("channels.json");
        Files.writeString(cache, "{ not json");
        try (FakeKickApi kick = new FakeKickApi().channel("xqc", 668, 676)) {
            assertThrows(ChannelResolver.LookupException.class,
                    () -> new ChannelResolver(kick.baseUrl(), SHORT).resolveAll(List.of("xqc", "nobody"), cache));
        }
        assertEquals(Map.of("xqc", new KickChannel("xqc", 668, 676L)), ChannelResolver.readCache(cache));
    }

    private static String failure(ChannelResolver resolver, String slug, ChannelResolver.Failure expected) {
        ChannelResolver.LookupException e = assertThrows(ChannelResolver.LookupException.class, () -> resolver.lookup(slug));
        assertEquals(expected, e.failure(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        return e.getMessage();
    }
}
