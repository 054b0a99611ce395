package dev.kickwatch.event;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.YearMonth;
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
        Instant fast = parseIso(s);
        return fast != null ? fast : parseWithFormatters(s);
    }

    /** The general case: epoch seconds or milliseconds, ISO-8601 with an offset, or a local date-time taken as UTC. */
    static Instant parseWithFormatters(String s) {
        if (allDigits(s)) {
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

    private static boolean allDigits(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The shapes Kick sends nearly always, without a formatter: {@code yyyy-MM-ddTHH:mm:ss[.f…]} followed by
     * {@code Z}, {@code ±HH:MM} or nothing (UTC; here a space may stand for the {@code T}). Null for anything else,
     * which the formatters then decide, so the result is always the same as theirs.
     */
    static Instant parseIso(String s) {
        int n = s.length();
        if (n < 19 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(13) != ':' || s.charAt(16) != ':') {
            return null;
        }
        char sep = s.charAt(10);
        if (sep != 'T' && sep != ' ') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0
                || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (i < n && s.charAt(i) == '.') {
            int start = ++i;
            while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
                i++;
            }
            int len = i - start;
            if (len == 0 || len > 9) {
                return null;
            }
            nanos = digits(s, start, len);
            for (int k = len; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offset;
        if (i == n) {
            offset = 0; // no zone: UTC
        } else if (sep != 'T') {
            return null;
        } else if (s.charAt(i) == 'Z' && i + 1 == n) {
            offset = 0;
        } else if ((s.charAt(i) == '+' || s.charAt(i) == '-') && i + 6 == n && s.charAt(i + 3) == ':') {
            int oh = digits(s, i + 1, 2);
            int om = digits(s, i + 4, 2);
            if (oh < 0 || oh > 18 || om < 0 || om > 59 || (oh == 18 && om > 0)) {
                return null;
            }
            offset = (oh * 3600 + om * 60) * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return null;
        }
        if (day > 28 && day > YearMonth.of(year, month).lengthOfMonth()) {
            return null;
        }
        long epochDay = LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3600 + minute * 60 + second - offset, nanos);
    }

    /** The non-negative number of {@code len} ASCII digits at {@code from}, or -1. */
    private static int digits(String s, int from, int len) {
        int v = 0;
        for (int i = from; i < from + len; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    /** The same text as {@link Instant#toString()}, without a formatter for the years 1000 to 9999. */
    public static String format(Instant t) {
        long sec = t.getEpochSecond();
        if (sec < MIN_FAST || sec >= MAX_FAST) {
            return t.toString();
        }
        long day = Math.floorDiv(sec, 86_400);
        int secOfDay = (int) Math.floorMod(sec, 86_400);
        LocalDate date = LocalDate.ofEpochDay(day);
        int nano = t.getNano();
        int fraction = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
        char[] c = new char[20 + (fraction == 0 ? 0 : fraction + 1)];
        put(c, 0, date.getYear(), 4);
        c[4] = '-';
        put(c, 5, date.getMonthValue(), 2);
        c[7] = '-';
        put(c, 8, date.getDayOfMonth(), 2);
        c[10] = 'T';
        put(c, 11, secOfDay / 3600, 2);
        c[13] = ':';
        put(c, 14, secOfDay / 60 % 60, 2);
        c[16] = ':';
        put(c, 17, secOfDay % 60, 2);
        int i = 19;
        if (fraction > 0) {
            c[i++] = '.';
            put(c, i, fraction == 3 ? nano / 1_000_000 : fraction == 6 ? nano / 1000 : nano, fraction);
            i += fraction;
        }
        c[i] = 'Z';
        return new String(c);
    }

    private static final long MIN_FAST = LocalDate.of(1000, 1, 1).toEpochDay() * 86_400;
    private static final long MAX_FAST = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;

    private static void put(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
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
