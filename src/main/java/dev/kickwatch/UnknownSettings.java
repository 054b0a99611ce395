package dev.kickwatch;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Settings in kickwatch's namespaces ({@code kick.}, {@code kickwatch.}, {@code discord.}, {@code db.}) that nothing
 * reads, most likely misspelled: each gives one line naming the closest known key. Known are the keys of the
 * {@code application*.properties} inside the jar (every setting kickwatch has is there, with its comment) and the
 * placeholders of the YAML routes in use (a route of the user's own may read keys of its own). Environment variables
 * in those namespaces count when they are a typo's distance from a known one ({@code DISCORD_WEBHOK_URL}), so that
 * unrelated variables such as {@code DB_HOST} of another program do not. Values are never shown: they may be secrets.
 */
public final class UnknownSettings {

    private static final List<String> NAMESPACES = List.of("kick.", "kickwatch.", "discord.", "db.");
    private static final List<String> ENV_NAMESPACES = List.of("KICK_", "KICKWATCH_", "DISCORD_", "DB_");
    private static final List<String> SHIPPED = List.of("application.properties", "application-demo.properties",
            "application-dev.properties", "application-prod.properties");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z0-9_.\\-\\[\\]]+)(?::[^}]*)?}}");

    private UnknownSettings() {
    }

    /** One line per unknown setting or misspelled environment variable, sorted; empty when all are known. */
    static List<String> find(PropertiesComponent pc, Map<String, String> env, Collection<Path> routeDirs) {
        Set<String> known = new TreeSet<>();
        for (String resource : SHIPPED) {
            known.addAll(keysOf(resource));
        }
        for (Path dir : routeDirs) {
            known.addAll(placeholdersIn(dir));
        }
        List<String> out = new ArrayList<>();
        for (String key : new TreeSet<>(pc.loadProperties().stringPropertyNames())) {
            if (NAMESPACES.stream().anyMatch(key::startsWith) && !known.contains(key)) {
                String near = closest(key, known, 3);
                out.add("unknown setting " + key + (near == null ? "" : " (did you mean " + near + "?)"));
            }
        }
        Map<String, String> knownEnv = new TreeMap<>();
        known.forEach(k -> knownEnv.put(envName(k), k));
        for (String resource : SHIPPED) { // the names a setting reads with {{env:NAME:default}} (KICK_CLIENT_ID)
            envNamesOf(resource).forEach(n -> knownEnv.put(n, n));
        }
        for (String var : new TreeSet<>(env.keySet())) {
            if (ENV_NAMESPACES.stream().anyMatch(var::startsWith) && !knownEnv.containsKey(var)) {
                String near = closest(var, knownEnv.keySet(), 2);
                if (near != null) {
                    out.add("unknown environment variable " + var + " (did you mean " + near + "?)");
                }
            }
        }
        return out;
    }

    /** The environment variable that overrides a key: upper case, dots and dashes as underscores. */
    static String envName(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** The candidate closest to {@code word} by edit distance, when at most {@code max} edits away; else null. */
    public static String closest(String word, Collection<String> candidates, int max) {
        String best = null;
        int bestDistance = max + 1;
        for (String c : candidates) {
            int d = distance(word, c, bestDistance);
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance, or {@code limit} as soon as it cannot be below it. */
    static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            int rowMin = cur[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
                rowMin = Math.min(rowMin, cur[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return Math.min(prev[b.length()], limit);
    }

    private static Set<String> keysOf(String resource) {
        Properties p = new Properties();
        try (InputStream in = UnknownSettings.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // not in this build: nothing known from it
        }
        return p.stringPropertyNames();
    }

    private static final Pattern ENV_PLACEHOLDER = Pattern.compile("\\{\\{env:([A-Za-z0-9_]+)");

    private static Set<String> envNamesOf(String resource) {
        Set<String> out = new TreeSet<>();
        try (InputStream in = UnknownSettings.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                Matcher m = ENV_PLACEHOLDER.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        } catch (IOException e) {
            // not in this build: nothing known from it
        }
        return out;
    }

    private static Set<String> placeholdersIn(Path dir) {
        Set<String> out = new TreeSet<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                Matcher m = PLACEHOLDER.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        } catch (IOException e) {
            // unreadable routes fail their own loading, with their own message
        }
        return out;
    }
}
