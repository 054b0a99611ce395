package dev.kickwatch;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The project's documents: README.md and docs/*.md link only to what is in the repository, stand alone, and the
 * configuration reference lists exactly the keys of the shipped properties files, with their defaults, profiles and
 * environment variables.
 */
class DocsTest {

    static final Path ROOT = Path.of("").toAbsolutePath().normalize();
    static final Path CONFIGURATION = Path.of("docs", "configuration.md");
    static final List<String> PROFILES = List.of("demo", "dev", "prod");
    /** kickwatch's namespaces: their environment variable is always UnknownSettings.envName of the key. */
    static final List<String> OWN = List.of("kick.", "kickwatch.", "discord.", "db.", "kafka.");
    /**
     * Names of notes and paths outside the repository, which no document may point at (written in two parts so that
     * this file does not contain them either).
     */
    static final List<String> OUTSIDE = List.of("interface" + ".md", "kick-protocol.md" + " §", "shared" + "/docs",
            "/work" + "/");

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(\\s*<?([^)\\s>]+)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
    private static final Pattern FENCE = Pattern.compile("^\\s*(```|~~~)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Za-z0-9_.\\-\\[\\]]+)(?::[^}]*)?}}");
    private static final Pattern TABLE_KEY = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|");

    // links ----------------------------------------------------------------------------------------------------------

    @Test
    void should_resolve_every_relative_link_inside_the_repository() throws IOException {
        List<Path> docs = documents();
        assertTrue(docs.contains(Path.of("README.md")) && docs.contains(CONFIGURATION), "documents found: " + docs);
        List<String> broken = new ArrayList<>();
        for (Path doc : docs) {
            for (String target : links(Files.readString(doc, StandardCharsets.UTF_8))) {
                String problem = problem(doc, target);
                if (problem != null) {
                    broken.add(doc + ": (" + target + ") " + problem);
                }
            }
        }
        assertEquals(List.of(), broken, "broken links");
    }

    @Test
    void should_find_broken_links_and_anchors() {
        Path readme = Path.of("README.md");
        assertEquals(null, problem(readme, "docs/configuration.md"));
        assertEquals(null, problem(readme, "docs/configuration.md#kick--the-kick-pusher-connection"));
        assertEquals(null, problem(readme, "#configure"));
        assertEquals(null, problem(readme, "https://kick.com/api/v2/channels/xqc"));
        assertFalse(problem(readme, "docs/no-such-file.md") == null);
        assertFalse(problem(readme, "#no-such-heading") == null);
        assertFalse(problem(readme, "docs/configuration.md#no-such-heading") == null);
        assertFalse(problem(Path.of("docs", "README.md"), "../../outside.md") == null);
    }

    @Test
    void should_make_github_heading_slugs() {
        assertEquals("the-database-table-postgrest--supabase", slug("The database table (PostgREST / Supabase)"));
        assertEquals("why-a-kick-component-instead-of-camel-vertx-websockets-client",
                slug("Why a `kick:` component instead of camel-vertx-websocket's client"));
        assertEquals("kick--the-kick-pusher-connection", slug("`kick.` — the Kick (Pusher) connection"));
        assertEquals(Set.of("a", "a-1", "b"), Set.copyOf(anchors("# A\n\n## A\n\n```\n# not a heading\n```\n### B\n")));
    }

    @Test
    void should_not_point_at_notes_outside_the_repository() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path doc : documents()) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            for (String name : OUTSIDE) {
                if (text.contains(name)) {
                    found.add(doc + " mentions " + name);
                }
            }
        }
        assertEquals(List.of(), found);
    }

    // configuration reference -----------------------------------------------------------------------------------------

    @Test
    void should_document_every_key_of_the_properties_files() throws IOException {
        Map<String, List<String>> table = configurationTable();
        List<String> missing = new ArrayList<>();
        for (String key : shippedKeys()) {
            if (!table.containsKey(key)) {
                missing.add(key);
            }
        }
        assertEquals(List.of(), missing, "keys of application*.properties missing from the tables of " + CONFIGURATION);
    }

    @Test
    void should_document_only_keys_that_exist() throws IOException {
        Set<String> known = new TreeSet<>(shippedKeys());
        known.addAll(routePlaceholders());
        List<String> unknown = new ArrayList<>();
        for (String key : configurationTable().keySet()) {
            if (!known.contains(key)) {
                unknown.add(key);
            }
        }
        assertEquals(List.of(), unknown, CONFIGURATION + " documents keys that no properties file or route has");
    }

    @Test
    void should_give_each_key_its_default_profiles_and_environment_variable() throws IOException {
        Properties base = properties(Path.of("application.properties"));
        Map<String, Properties> profiles = new LinkedHashMap<>();
        for (String p : PROFILES) {
            profiles.put(p, properties(Path.of("application-" + p + ".properties")));
        }
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, List<String>> row : configurationTable().entrySet()) {
            String key = row.getKey();
            List<String> cells = row.getValue();
            if (cells.size() != 5) {
                wrong.add(key + ": " + cells.size() + " columns, not 5 (key, default, variable, profiles, meaning)");
                continue;
            }
            String value = base.getProperty(key);
            if (value != null && !value.contains("{{")) {
                String expected = value.isBlank() ? "empty" : "`" + value.trim() + "`";
                if (!cells.get(1).startsWith(expected)) {
                    wrong.add(key + ": default '" + cells.get(1) + "', the file says " + expected);
                }
            }
            if (OWN.stream().anyMatch(key::startsWith)) {
                String env = "`" + UnknownSettings.envName(key) + "`";
                Matcher named = Pattern.compile("^\\{\\{env:([A-Z0-9_]+):").matcher(value == null ? "" : value.trim());
                if (named.find()) { // a variable of its own name ({{env:KICK_CLIENT_ID:}}), and the usual one too
                    env = "`" + named.group(1) + "` (or " + env + ")";
                }
                if (!cells.get(2).equals(env)) {
                    wrong.add(key + ": environment variable '" + cells.get(2) + "', not " + env);
                }
            }
            Set<String> setBy = new TreeSet<>();
            profiles.forEach((p, props) -> {
                if (props.containsKey(key)) {
                    setBy.add(p);
                }
            });
            Set<String> said = new TreeSet<>();
            Matcher m = Pattern.compile("\\b(" + String.join("|", PROFILES) + ")\\b").matcher(cells.get(3));
            while (m.find()) {
                said.add(m.group(1));
            }
            if (!said.equals(setBy)) {
                wrong.add(key + ": profiles " + said + " in the table, but set by " + setBy);
            }
        }
        assertEquals(List.of(), wrong, CONFIGURATION + " disagrees with the properties files");
    }

    // helpers --------------------------------------------------------------------------------------------------------

    /** README.md and every Markdown file of docs/, relative to the repository root. */
    static List<Path> documents() throws IOException {
        List<Path> out = new ArrayList<>();
        out.add(Path.of("README.md"));
        try (Stream<Path> files = Files.list(Path.of("docs"))) {
            files.filter(f -> f.getFileName().toString().endsWith(".md")).sorted().forEach(out::add);
        }
        return out;
    }

    /** The targets of the Markdown links of a text, outside fenced code blocks and inline code. */
    static List<String> links(String markdown) {
        StringBuilder text = new StringBuilder();
        for (String line : prose(markdown)) {
            text.append(line.replaceAll("`[^`]*`", "``")).append('\n'); // a link's text may wrap onto the next line
        }
        List<String> out = new ArrayList<>();
        Matcher m = LINK.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** What is wrong with a link from {@code doc}, or null when it resolves; absolute URLs are not checked. */
    static String problem(Path doc, String target) {
        if (target.matches("(?i)(https?|mailto):.*")) {
            return null;
        }
        if (target.matches("(?i)[a-z][a-z0-9+.-]*:.*")) {
            return "not a relative link";
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        String anchor = hash < 0 ? null : target.substring(hash + 1);
        Path file = path.isEmpty() ? doc : doc.toAbsolutePath().getParent().resolve(path).normalize();
        Path absolute = file.toAbsolutePath().normalize();
        if (!absolute.startsWith(ROOT)) {
            return "points outside the repository";
        }
        if (!Files.exists(absolute)) {
            return "no such file: " + ROOT.relativize(absolute);
        }
        if (anchor != null && absolute.getFileName().toString().endsWith(".md")) {
            try {
                if (!anchors(Files.readString(absolute, StandardCharsets.UTF_8)).contains(anchor)) {
                    return "no heading #" + anchor + " in " + ROOT.relativize(absolute);
                }
            } catch (IOException e) {
                return "unreadable: " + e.getMessage();
            }
        }
        return null;
    }

    /** The anchors GitHub gives the headings of a Markdown text (a repeated heading gets -1, -2, …). */
    static List<String> anchors(String markdown) {
        List<String> out = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : prose(markdown)) {
            Matcher m = HEADING.matcher(line);
            if (m.matches()) {
                String s = slug(m.group(1));
                int n = seen.merge(s, 1, Integer::sum) - 1;
                out.add(n == 0 ? s : s + "-" + n);
            }
        }
        return out;
    }

    /** GitHub's heading slug: lower case, punctuation dropped except - and _, spaces as hyphens. */
    static String slug(String heading) {
        String text = heading.replaceAll("\\[([^\\]]*)\\]\\([^)]*\\)", "$1"); // a link in a heading: its text
        return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N}\\p{M} _-]", "").replace(' ', '-');
    }

    /** The lines of a Markdown text outside fenced code blocks. */
    static List<String> prose(String markdown) {
        List<String> out = new ArrayList<>();
        boolean code = false;
        for (String line : markdown.split("\n", -1)) {
            if (FENCE.matcher(line).find()) {
                code = !code;
                continue;
            }
            if (!code) {
                out.add(line);
            }
        }
        return out;
    }

    /** The rows of configuration.md's tables whose first cell is a key in backticks: key → the row's cells. */
    static Map<String, List<String>> configurationTable() throws IOException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : prose(Files.readString(CONFIGURATION, StandardCharsets.UTF_8))) {
            Matcher m = TABLE_KEY.matcher(line);
            if (m.find()) {
                List<String> cells = new ArrayList<>();
                String inner = line.trim().substring(1, line.trim().length() - (line.trim().endsWith("|") ? 1 : 0));
                for (String cell : inner.split("\\|", -1)) {
                    cells.add(cell.trim());
                }
                assertTrue(out.put(m.group(1), cells) == null, m.group(1) + " is documented twice");
            }
        }
        assertFalse(out.isEmpty(), "no key tables in " + CONFIGURATION);
        return out;
    }

    /** The keys of application.properties and application-*.properties. */
    static Set<String> shippedKeys() throws IOException {
        Set<String> keys = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("."))) {
            for (Path f : files.filter(f -> f.getFileName().toString().matches("application(-[a-z]+)?\\.properties")).toList()) {
                keys.addAll(properties(f).stringPropertyNames());
            }
        }
        assertTrue(keys.contains("kick.channels") && keys.contains("kickwatch.demo.enabled"), "keys found: " + keys);
        return keys;
    }

    /** The {@code {{placeholders}}} of routes/*.camel.yaml. */
    static Set<String> routePlaceholders() throws IOException {
        Set<String> out = new TreeSet<>();
        try (Stream<Path> files = Files.list(Path.of("routes"))) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".camel.yaml")).toList()) {
                Matcher m = PLACEHOLDER.matcher(Files.readString(f, StandardCharsets.UTF_8));
                while (m.find()) {
                    out.add(m.group(1));
                }
            }
        }
        return out;
    }

    static Properties properties(Path file) throws IOException {
        Properties p = new Properties();
        p.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        return p;
    }
}
