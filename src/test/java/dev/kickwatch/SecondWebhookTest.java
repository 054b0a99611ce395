package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.kickwatch.support.Fixtures;
import dev.kickwatch.support.HttpSinkServer;
import dev.kickwatch.support.KickwatchApp;
import dev.kickwatch.support.RelayTestSupport;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.publish;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** README's recipe "A second Discord webhook", applied to a copy of routes/ exactly as written there. */
class SecondWebhookTest extends RelayTestSupport {

    static final String MARKER = "              # more sinks: add a branch here (README: \"A second Discord webhook\")\n";

    /** The branch README tells users to add under the marker (README shows the same lines). */
    static final String BRANCH = String.join("\n",
            "              - filter:",
            "                  expression:",
            "                    method:",
            "                      ref: modRenderer",
            "                      method: wanted",
            "                  steps:",
            "                    - to:",
            "                        uri: seda:discord-mod",
            "                        parameters:",
            "                          size: 500",
            "                          discardWhenFull: true") + "\n";

    @Test
    void should_send_moderation_events_to_the_second_webhook_only() throws Exception {
        Path routes = Fixtures.copyOfRoutes(data);
        Files.copy(Path.of("examples/second-webhook/mod-log.camel.yaml"), routes.resolve("mod-log.camel.yaml"));
        Path dispatch = routes.resolve("event-dispatch.camel.yaml");
        String text = Files.readString(dispatch);
        assertTrue(text.contains(MARKER), "event-dispatch has README's marker line");
        Files.writeString(dispatch, text.replace(MARKER, MARKER + BRANCH));
        assertTrue(Files.readString(Path.of("README.md")).contains(BRANCH.stripTrailing()),
                "README shows the branch the test adds:\n" + BRANCH);

        try (HttpSinkServer mod = new HttpSinkServer()) {
            db.behave(r -> HttpSinkServer.Response.of(201));
            mod.behave(r -> HttpSinkServer.Response.of(204));
            Map<String, String> p = new HashMap<>(KickwatchApp.baseProperties(kick.url(), data.toString()));
            p.put("discord.webhook.url", discord.url(WEBHOOK_PATH));
            p.put("db.url", db.url("/rest/v1/kick_events"));
            p.put("discord.mod.webhook.url", mod.url("/api/webhooks/2/SECRET-mod-token"));
            p.put("camel.main.routes-include-pattern", "file:" + routes + "/*.camel.yaml");
            app = KickwatchApp.start(p);
            await().atMost(10, SECONDS).until(() -> kick.subscribedChannels().size() == 4);

            kick.publish("chatrooms.1000.v2", "App\\Events\\UserBannedEvent",
                    "{\"id\":\"ban-1\",\"user\":{\"id\":5,\"username\":\"spammer\",\"slug\":\"spammer\"},"
                            + "\"banned_by\":{\"id\":0,\"username\":\"mod\",\"slug\":\"mod\"},\"permanent\":true}");
            publish(kick, "subscription"); // wanted by the main webhook, not by the moderators'
            // the ban and the subscription both reach the main webhook (batched or not) and the DB
            await().atMost(10, SECONDS).until(() -> !mod.requests().isEmpty()
                    && discord.requests().stream().anyMatch(r -> r.body().contains("subscribed"))
                    && discord.requests().stream().anyMatch(r -> r.body().contains("spammer")));
            assertEquals(1, mod.requests().size(), "only the ban went to the moderators' webhook");
            assertTrue(mod.requests().get(0).body().contains("spammer"), mod.requests().get(0).body());
            assertEquals("/api/webhooks/2/SECRET-mod-token", mod.requests().get(0).path());
        }
    }
}
