package dev.kickwatch;

import java.nio.file.Path;
import java.util.Map;

import dev.kickwatch.demo.PusherServer;
import dev.kickwatch.support.FakeKickApi;
import dev.kickwatch.support.Fixtures;
import dev.kickwatch.support.KickwatchApp;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A wrong setting stops start-up with one line that names the property and its environment variable. */
class ConfigCheckTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "kick.channels        | slug:without-ids                 | kick.channels (KICK_CHANNELS)",
            "kick.channels        | not/a/slug                       | kick.channels (KICK_CHANNELS)",
            "kick.channels        | ' '                              | kick.channels (KICK_CHANNELS)",
            "kick.pusher.url      | http://not-a-websocket           | kick.pusher.url (KICK_PUSHER_URL)",
            "discord.webhook.url  | ftp://SECRET-in-a-bad-url        | discord.webhook.url (DISCORD_WEBHOOK_URL)",
            "db.url               | not a url SECRET                 | db.url (DB_URL)",
            "discord.events       | chat.mesage.sent                 | discord.events (DISCORD_EVENTS)",
            "discord.chat         | sometimes                        | discord.chat (DISCORD_CHAT)",
            "kick.pusher.pong-timeout | -5                           | kick.pusher.pong-timeout (KICK_PUSHER_PONG_TIMEOUT)",
            "db.http.response-timeout | 20000                        | db.http.response-timeout (DB_HTTP_RESPONSE_TIMEOUT)",
            "kick.pusher.reconnect-initial-delay | 90000              | kick.pusher.reconnect-initial-delay (KICK_PUSHER_RECONNECT_INITIAL_DELAY)",
            "db.batch.size        | 0                                | db.batch.size (DB_BATCH_SIZE)",
            "db.batch.waiting     | 11                               | db.batch.waiting (DB_BATCH_WAITING)",
            "discord.queue-size   | many                             | discord.queue-size (DISCORD_QUEUE_SIZE)",
            "db.events            | chat.message.sent,gifts          | db.events (DB_EVENTS)",
            "kickwatch.required-sinks | db,slack                     | kickwatch.required-sinks (KICKWATCH_REQUIRED_SINKS)",
            "kickwatch.required-sinks | discord                      | discord.webhook.url (DISCORD_WEBHOOK_URL) is empty",
            "kickwatch.role       | worker                           | kickwatch.role (KICKWATCH_ROLE) must be all, ingest or sinks, not 'worker'",
            "kickwatch.role       | sinks                            | kickwatch.role (KICKWATCH_ROLE) is sinks, which needs a Kafka cluster, but kafka.bootstrap-servers (KAFKA_BOOTSTRAP_SERVERS) is empty",
            "kickwatch.required-sinks | 'discord,db'                 | discord.webhook.url (DISCORD_WEBHOOK_URL) and db.url (DB_URL) / db.jdbc-url (DB_JDBC_URL) are empty, but kickwatch.required-sinks (KICKWATCH_REQUIRED_SINKS) requires the discord and db sinks",
    })
    void should_refuse_to_start_with_one_line_naming_the_setting(String key, String value, String named) throws Exception {
        try (PusherServer kick = new PusherServer("k")) {
            kick.start(0);
            Map<String, String> p = KickwatchApp.baseProperties(kick.url(), "target/config-check");
            p.put(key, value);
            Exception e = assertThrows(Exception.class, () -> KickwatchApp.start(p).close());
            String line = Application.rootMessage(e);
            assertTrue(line.contains(named), line);
            assertFalse(line.contains("\n"), line);
            assertFalse(line.contains("SECRET"), "the bad value of a secret setting is not repeated: " + line);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "kick.source=socket                                   | kick.source (KICK_SOURCE) must be pusher, webhook or both, not 'socket'",
            "kick.source=webhook;kick.webhook.port=MANAGEMENT      | kick.webhook.port (KICK_WEBHOOK_PORT) and camel.management.port",
            "kick.source=both;kick.webhook.path=kick/webhook       | kick.webhook.path (KICK_WEBHOOK_PATH) must start with /",
            "kick.source=webhook;kick.api.client-id=app            | KICK_CLIENT_SECRET (kick.api.client-secret) is empty",
            "kick.source=webhook;kick.api.client-secret=SECRET-x   | KICK_CLIENT_ID (kick.api.client-id) is empty",
            "kick.source=webhook;kick.api.client-id=a;kick.api.client-secret=SECRET-x;kick.api.events=chat.message.sent,chat.sent | kick.api.events (KICK_API_EVENTS): unknown official event type chat.sent",
            "kick.source=webhook;kick.webhook.public-key=SECRET-not-a-key | kick.webhook.public-key (KICK_WEBHOOK_PUBLIC_KEY) is not a PEM RSA public key",
            "kick.source=webhook;kick.webhook.max-age=-1           | kick.webhook.max-age (KICK_WEBHOOK_MAX_AGE) must be 0 (off) or more seconds",
    })
    void should_refuse_a_webhook_setting_that_cannot_work_in_one_line(String settings, String named) throws Exception {
        try (PusherServer kick = new PusherServer("k")) {
            kick.start(0);
            Map<String, String> p = KickwatchApp.baseProperties(kick.url(), "target/config-check-webhook");
            p.put("kick.webhook.port", String.valueOf(Fixtures.freePort()));
            for (String kv : settings.split(";")) {
                String[] pair = kv.split("=", 2);
                p.put(pair[0].trim(), pair[1].trim().equals("MANAGEMENT") ? p.get("camel.management.port") : pair[1].trim());
            }
            Exception e = assertThrows(Exception.class, () -> KickwatchApp.start(p).close());
            String line = Application.rootMessage(e);
            assertTrue(line.contains(named), line);
            assertFalse(line.contains("\n"), line);
            assertFalse(line.contains("SECRET-"), "the bad value of a secret setting is not repeated: " + line);
        }
    }

    @Test
    void should_refuse_to_start_with_a_bare_slug_kick_refuses_to_resolve() throws Exception {
        try (PusherServer kick = new PusherServer("k"); FakeKickApi api = new FakeKickApi().refuseLikeCloudflare()) {
            kick.start(0);
            Map<String, String> p = KickwatchApp.baseProperties(kick.url(), "target/config-check-bare");
            p.put("kick.channels", "testchan:1000:2000,barechan");
            p.put("kick.api.base-url", api.baseUrl());
            Exception e = assertThrows(Exception.class, () -> KickwatchApp.start(p).close());
            assertEquals("kick.channels (KICK_CHANNELS): 'barechan' is given without ids and is not in "
                    + Path.of("target/config-check-bare", "channels.json") + "; Kick refused the lookup of 'barechan' "
                    + "(Cloudflare, HTTP 403): open " + api.baseUrl() + "/api/v2/channels/barechan in a browser and set "
                    + "KICK_CHANNELS=barechan:<chatroom.id>:<id>", Application.rootMessage(e));
            assertEquals(0, kick.totalConnections(), "nothing subscribed");
        }
    }

    @Test
    void should_refuse_the_prod_profile_without_sink_urls() throws Exception {
        try (PusherServer kick = new PusherServer("k")) {
            kick.start(0);
            Map<String, String> p = KickwatchApp.baseProperties(kick.url(), "target/config-check");
            Exception e = assertThrows(Exception.class, () -> KickwatchApp.start(p, "prod").close());
            String line = Application.rootMessage(e);
            // every missing setting in the one line, not one per attempt
            assertTrue(line.startsWith("discord.webhook.url (DISCORD_WEBHOOK_URL) and db.url (DB_URL) / db.jdbc-url (DB_JDBC_URL) are empty, but "
                    + "kickwatch.required-sinks"), line);
        }
    }
}
