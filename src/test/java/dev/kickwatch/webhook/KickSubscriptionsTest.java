package dev.kickwatch.webhook;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;

import dev.kickwatch.support.FakeKickOfficialApi;
import dev.kickwatch.support.HttpSinkServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The subscription flow against a local fake of Kick's official API and OAuth server. */
class KickSubscriptionsTest {

    static final String SECRET = "SECRET-kick-client-secret-for-tests";

    private FakeKickOfficialApi kick;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void start() throws Exception {
        kick = new FakeKickOfficialApi("client-1", SECRET).channel("alpha", 11).channel("beta", 22);
        originalErr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8)); // simplelogger writes to stderr
    }

    @AfterEach
    void stop() {
        System.setErr(originalErr);
        kick.close();
        String out = captured.toString(StandardCharsets.UTF_8);
        originalErr.print(out);
        assertFalse(out.contains(SECRET), "the client secret was printed");
    }

    private KickSubscriptions subscriptions(String secret) {
        KickSubscriptions s = new KickSubscriptions();
        s.setClientId("client-1");
        s.setClientSecret(secret);
        s.setApiUrl(kick.url());
        s.setAuthUrl(kick.url() + "/");
        s.setChannels("alpha:100:200,beta");
        s.setEvents("chat.message.sent,livestream.status.updated");
        s.setTimeoutMs(5000);
        return s;
    }

    @Test
    void only_the_missing_subscriptions_are_created_and_a_second_check_creates_none() {
        kick.subscribed(11, "chat.message.sent");
        KickSubscriptions s = subscriptions(SECRET);
        s.ensure();
        assertNull(s.getProblem());
        assertEquals(4, s.getSubscribed());
        assertEquals(List.of("11|chat.message.sent", "11|livestream.status.updated", "22|chat.message.sent",
                "22|livestream.status.updated"), kick.subscriptions().stream().sorted().toList());
        List<HttpSinkServer.Request> posts = kick.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/public/v1/events/subscriptions")).toList();
        assertEquals(2, posts.size(), "one POST per channel with something missing");
        assertTrue(posts.get(0).body().contains("\"broadcaster_user_id\":11"), posts.get(0).body());
        assertFalse(posts.get(0).body().contains("chat.message.sent"), "the existing one is not asked for again");
        assertTrue(posts.get(0).body().contains("\"method\":\"webhook\""));

        int requests = kick.requests().size();
        s.ensure();
        assertNull(s.getProblem());
        assertEquals(4, s.getSubscribed());
        assertEquals(0, kick.requests().subList(requests, kick.requests().size()).stream()
                .filter(r -> r.method().equals("POST") && !r.path().equals("/oauth/token")).count(), "nothing to create");
        assertEquals(1, kick.tokensIssued(), "the token is reused while it is valid");
        HttpSinkServer.Request token = kick.requests().get(0);
        assertEquals("/oauth/token", token.path());
        assertTrue(token.body().contains("grant_type=client_credentials"));
    }

    @Test
    void a_token_about_to_expire_is_renewed_before_it_is_used_and_a_refused_one_at_once() {
        MutableClock clock = new MutableClock();
        KickSubscriptions s = subscriptions(SECRET);
        s.setClock(clock);
        s.ensure();
        assertEquals(1, kick.tokensIssued());
        clock.now = clock.now.plus(Duration.ofMinutes(54)); // 6 of the token's 60 minutes left: still used
        s.ensure();
        assertEquals(1, kick.tokensIssued());
        clock.now = clock.now.plus(Duration.ofMinutes(2)); // 4 left, less than KickSubscriptions.RENEW_BEFORE
        s.ensure();
        assertEquals(2, kick.tokensIssued(), "renewed before it expired");
        assertEquals(0, kick.unauthorizedAnswers(), "no call was made with an expired token");
        kick.revokeTokens(); // Kick ends the token early: the 401 gets a new one, and the call is made again
        s.ensure();
        assertNull(s.getProblem());
        assertEquals(1, kick.unauthorizedAnswers());
        assertEquals(3, kick.tokensIssued());
    }

    static final class MutableClock extends Clock {
        Instant now = Instant.now();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void kicks_per_item_error_is_one_line_and_the_readiness_problem() {
        kick.failing("livestream.status.updated");
        KickSubscriptions s = subscriptions(SECRET);
        s.ensure();
        assertEquals("2 subscriptions refused by Kick: alpha livestream.status.updated: webhooks are not enabled for app; "
                + "beta livestream.status.updated: webhooks are not enabled for app", s.getProblem());
        assertEquals(2, s.getSubscribed());
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("Kick refused the subscription alpha livestream.status.updated: webhooks are not enabled for app"), out);
    }

    @Test
    void wrong_credentials_are_said_in_one_line_without_the_secret() {
        KickSubscriptions s = subscriptions("wrong-" + SECRET);
        s.ensure();
        assertEquals("Kick refused the app credentials (401): check kick.api.client-id (KICK_CLIENT_ID) and KICK_CLIENT_SECRET",
                s.getProblem());
        assertEquals(0, kick.subscriptions().size());
        assertEquals(1, captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("Kick subscriptions:")).count());
        s.ensure();
        assertEquals(1, captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains("Kick subscriptions:")).count(),
                "the same problem is not said again");
    }

    @Test
    void a_slug_kicks_api_does_not_know_is_named() {
        KickSubscriptions s = subscriptions(SECRET);
        s.setChannels("alpha,gamma");
        s.ensure();
        assertEquals("Kick's API does not know the channel gamma (kick.channels)", s.getProblem());
    }
}
