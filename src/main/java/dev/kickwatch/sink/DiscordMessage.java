package dev.kickwatch.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One Discord webhook message: its JSON body (always with {@code allowed_mentions}) and the time of its oldest event,
 * which the journal keeps so that replay can drop what is older than {@code discord.max-age}.
 */
public record DiscordMessage(String json, long oldestMs) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The journal's line: {@code {"t": oldestMs, "body": <message>}}. */
    public String journalLine() {
        return Journal.envelope(json, oldestMs);
    }

    /** A journal line back as a message; IllegalArgumentException when the line is not one. */
    public static DiscordMessage fromJournal(String line) {
        JsonNode entry;
        try {
            entry = JSON.readTree(line);
        } catch (Exception e) {
            entry = null;
        }
        if (entry == null || !entry.has("body")) {
            throw new IllegalArgumentException("not a journaled Discord message");
        }
        return new DiscordMessage(entry.get("body").toString(), entry.path("t").asLong(0));
    }

    @Override
    public String toString() {
        return "Discord message of " + json.length() + " chars";
    }
}
