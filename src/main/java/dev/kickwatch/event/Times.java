package dev.kickwatch.event;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;
import java.time.ZoneOffset;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Lenient parsing of every timestamp shape Kick sends: ISO-8601 with or without zone or fraction, the same with a
 * space instead of the {@code T}, and epoch seconds or milliseconds.
 */
public final class Times {

    private static final DateTimeFormatter LOCAL = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd[ ]['T']HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .toFormatter();

    private Times() {
    }

    /** Returns the instant, or null when the node is missing or has no recognisable time. */
    public static Instant parse(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        if (node.isNumber()) {
            return fromEpoch(node.asLong());
        }
        return node.isTextual() ? parse(node.asText()) : null;
    }

    public static Instant parse(String text) {
        if (text == null) {
            return null;
        }
        String s = text.trim();
        if (s.isEmpty()) {
            return null;
        }
        if (s.chars().allMatch(Character::isDigit)) {
            try {
                return fromEpoch(Long.parseLong(s));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (RuntimeException ignored) {
            // next shape
        }
        try {
            return LocalDateTime.parse(s, LOCAL).toInstant(ZoneOffset.UTC);
        } catch (RuntimeException ignored) {
            return null;
        }
    }

    private static Instant fromEpoch(long value) {
        if (value <= 0) {
            return null;
        }
        // milliseconds from 2001-09 on; seconds before that would be 1970
        return value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
    }
}
