package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.kickwatch.support.Fixtures.settings;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class UnknownSettingsTest {

    @TempDir
    Path routes;

    @Test
    void should_name_the_closest_known_key_of_a_misspelled_setting_and_never_its_value() {
        List<String> lines = UnknownSettings.find(settings("discord.webhok.url", "https://SECRET", "kickwatch.queue.size", "500",
                "camel.main.name", "x", "db.nothing-like-any-key-at-all", "SECRET"), Map.of(), List.of());
        assertEquals(List.of("unknown setting db.nothing-like-any-key-at-all",
                "unknown setting discord.webhok.url (did you mean discord.webhook.url?)"), lines);
    }

    @Test
    void should_flag_an_environment_variable_a_typo_away_from_a_known_one_only() {
        List<String> lines = UnknownSettings.find(settings(), Map.of("DISCORD_WEBHOK_URL", "https://SECRET", "DB_HOST", "db1",
                "DB_URL", "http://db", "KICK_CHANNELS", "xqc:668", "HOME", "/root"), List.of());
        assertEquals(List.of("unknown environment variable DISCORD_WEBHOK_URL (did you mean DISCORD_WEBHOOK_URL?)"), lines);
    }

    @Test
    void should_know_the_keys_that_the_routes_in_use_read() throws Exception {
        Files.writeString(routes.resolve("mod-log.camel.yaml"), "url: \"{{discord.mod.webhook.url:}}\"\n"
                + "events: \"{{discord.mod.events:moderation.banned}}\"\n");
        List<String> lines = UnknownSettings.find(settings("discord.mod.events", "moderation.banned"),
                Map.of("DISCORD_MOD_WEBHOOK_URL", "https://x"), List.of(routes));
        assertEquals(List.of(), lines);
    }

    @Test
    void should_measure_edit_distance_with_a_limit() {
        assertEquals(1, UnknownSettings.distance("discord.webhok.url", "discord.webhook.url", 4));
        assertEquals(3, UnknownSettings.distance("kitten", "sitting", 4));
        assertEquals(2, UnknownSettings.distance("abcdef", "uvwxyz", 2), "capped at the limit");
        assertEquals("--profile", UnknownSettings.closest("--profle", List.of("--profile", "--help", "--version"), 3));
        assertNull(UnknownSettings.closest("--frobnicate", List.of("--profile", "--help", "--version"), 3));
    }
}
