package dev.kickwatch;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StartupSummaryTest {

    @Test
    void should_say_where_events_go_by_host_and_never_show_a_secret() {
        List<String> lines = StartupSummary.lines(settings(
                "kick.channels", "xqc:668,trainwreckstv:1234:5678",
                "kick.pusher.url", "wss://ws-us2.pusher.com/app/32cbd69e4b950bf97679?protocol=7",
                "discord.webhook.url", "https://discord.com/api/webhooks/123/SECRET-token",
                "discord.events", "moderation.banned", "discord.chat", "off",
                "db.url", "https://user:SECRET@abc.supabase.co/rest/v1/kick_events?apikey=SECRET",
                "kickwatch.data-dir", "/var/lib/kickwatch",
                "camel.management.enabled", "true", "camel.management.port", "9876"), "prod");
        String text = String.join("\n", lines);
        assertEquals(6, lines.size(), text);
        assertTrue(lines.get(0).endsWith(", profile prod"), text);
        assertEquals("  Kick:     2 channels (xqc, trainwreckstv) from ws-us2.pusher.com", lines.get(1));
        assertEquals("  Discord:  webhook at discord.com; events moderation.banned; chat off", lines.get(2));
        assertEquals("  DB:       PostgREST at abc.supabase.co/rest/v1/kick_events; events all", lines.get(3));
        assertEquals("  data:     /var/lib/kickwatch (journals of undelivered events, breaker state)", lines.get(4));
        assertEquals("  health:   port 9876, /observe/health and /observe/metrics; status page /", lines.get(5));
        assertFalse(text.contains("SECRET"), text);
    }

    @Test
    void should_name_the_local_sinks_when_no_url_is_set() {
        List<String> lines = StartupSummary.lines(settings("kick.channels", "a:1", "kickwatch.data-dir", "data/dev"), null);
        assertTrue(lines.get(0).endsWith(", profile (none)"), lines.get(0));
        assertEquals("  Discord:  the console (no discord.webhook.url); events (none); chat match", lines.get(2));
        assertTrue(lines.get(3).startsWith("  DB:       SQLite data/dev/events.db (no db.url or db.jdbc-url)"), lines.get(3));
        List<String> jsonl = StartupSummary.lines(settings("kick.channels", "a:1", "kickwatch.data-dir", "data/dev",
                "db.local", "jsonl"), null);
        assertTrue(jsonl.get(3).startsWith("  DB:       the local file data/dev/events.jsonl (no db.url or db.jdbc-url; "
                + "db.local = jsonl)"), jsonl.get(3));
        List<String> pg = StartupSummary.lines(settings("kick.channels", "a:1", "db.jdbc-url",
                "jdbc:postgresql://db.example:5432/kick?password=SECRET", "db.password", "SECRET"), null);
        assertEquals("  DB:       PostgreSQL at db.example:5432/kick (JDBC), table kick_events; events all", pg.get(3));
    }

    @Test
    void should_name_the_kafka_cluster_only_when_there_is_one() {
        List<String> lines = StartupSummary.lines(settings("kick.channels", "a:1", "kafka.bootstrap-servers",
                "k1:9092,k2:9092", "kickwatch.cluster", "prod-eu", "kickwatch.role", "sinks"), null);
        assertEquals("  Kafka:    cluster prod-eu at k1:9092,k2:9092, role sinks: events to topic prod-eu.events, the sinks take "
                + "them as group prod-eu-sinks", lines.get(2));
        assertEquals(7, lines.size());
        assertEquals(6, StartupSummary.lines(settings("kick.channels", "a:1", "kafka.bootstrap-servers", " "), null).size());
    }

    @Test
    void should_tell_the_example_channel_from_a_chosen_one() {
        assertTrue(StartupSummary.exampleChannel(settings("kick.channels", "xqc:668"), Map.of()));
        assertFalse(StartupSummary.exampleChannel(settings("kick.channels", "xqc:668"), Map.of("KICK_CHANNELS", "xqc:668")),
                "chosen on purpose");
        assertFalse(StartupSummary.exampleChannel(settings("kick.channels", "mine:1"), Map.of()));
    }

    @Test
    void should_say_which_source_events_come_from() {
        String[] base = { "kick.channels", "xqc:668", "kick.pusher.url", "wss://ws-us2.pusher.com/app/key",
                "kick.webhook.port", "8443", "kick.webhook.path", "/kick/webhook" };
        assertEquals("  Kick:     1 channel (xqc) from Kick's webhooks on port 8443, POST /kick/webhook (subscriptions made "
                + "by hand)", StartupSummary.lines(settings(with(base, "kick.source", "webhook")), null).get(1));
        assertEquals("  Kick:     1 channel (xqc) from ws-us2.pusher.com and Kick's webhooks on port 8443, POST /kick/webhook "
                + "(subscriptions kept by kickwatch)", StartupSummary.lines(settings(with(base, "kick.source", "both",
                "kick.api.client-id", "app")), null).get(1));
        assertEquals("  Kick:     1 channel (xqc) from ws-us2.pusher.com", StartupSummary.lines(settings(base), null).get(1));
    }

    private static String[] with(String[] base, String... more) {
        String[] out = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, out, base.length, more.length);
        return out;
    }
}
