package dev.kickwatch.tools;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.kickwatch.support.FakeKickApi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The build-time route check: the shipped routes pass; misspellings fail with file and line. */
class RouteValidatorTest {

    private static final Path PROPS = Path.of("application.properties");

    @TempDir
    Path tmp;

    @Test
    void should_accept_the_shipped_routes() throws Exception {
        assertEquals(List.of(), RouteValidator.validate(Path.of("routes"), PROPS));
    }

    @Test
    void should_accept_the_example_routes() throws Exception {
        assertEquals(List.of(), RouteValidator.validate(Path.of("examples/second-webhook"), PROPS));
    }

    @Test
    void should_name_file_and_line_of_a_misspelled_eip_option() throws Exception {
        Path routes = copyWith("event-dispatch.camel.yaml", "- multicast:\n", "- multicast:\n            paralelProcessing: true\n");
        int line = lineOf(routes.resolve("event-dispatch.camel.yaml"), "paralelProcessing");
        assertEquals(List.of("routes/event-dispatch.camel.yaml:" + line + ":32: Unsupported field: paralelProcessing"),
                RouteValidator.validate(routes, PROPS));
    }

    @Test
    void should_name_a_misspelt_event_field_in_the_readme_filter_recipe() throws Exception {
        // README's recipe, with the typo users make: Camel itself finds it only at run time, on every event
        Path routes = copyWith("event-dispatch.camel.yaml", "                    ref: dbFilter\n",
                "                    simple: \"${body.typ} != 'chat.message.sent' && ${body?.username} != 'bot'\"\n");
        int line = lineOf(routes.resolve("event-dispatch.camel.yaml"), "${body.typ}");
        assertEquals(List.of("routes/event-dispatch.camel.yaml:" + line + ":30: ${body.typ}: the event has no field 'typ' "
                + "(did you mean type?); its fields: channel, channelId, chatroomId, content, createdAt, dedupeAliases, "
                + "dedupeKey, id, payload, pusherChannel, pusherEvent, rawPayload, receivedAt, type, userId, username"),
                RouteValidator.validate(routes, PROPS));
    }

    @Test
    void should_know_every_field_of_the_event_and_no_other() throws Exception {
        java.util.Set<String> properties = new java.util.TreeSet<>();
        for (java.beans.PropertyDescriptor d : java.beans.Introspector.getBeanInfo(dev.kickwatch.event.KickEvent.class,
                Object.class).getPropertyDescriptors()) {
            if (d.getReadMethod() != null) {
                properties.add(d.getName());
            }
        }
        assertEquals(properties, RouteValidator.EVENT_FIELDS);
    }

    @Test
    void should_name_file_and_line_of_an_unknown_endpoint_option() throws Exception {
        Path routes = copyWith("kick-ingest.camel.yaml", "connectTimeout:", "connectTimout:");
        List<String> problems = RouteValidator.validate(routes, PROPS);
        int line = lineOf(routes.resolve("kick-ingest.camel.yaml"), "connectTimout:");
        assertEquals(List.of("routes/kick-ingest.camel.yaml:" + line + ": unknown option 'connectTimout' of endpoint kick:kick"),
                problems);
    }

    @Test
    void should_check_channels_given_by_slug_alone_without_looking_them_up() throws Exception {
        try (FakeKickApi kick = new FakeKickApi().channel("xqc", 668, 676)) {
            String props = Files.readString(PROPS).replace("kick.channels = xqc:668", "kick.channels = xqc")
                    .replace("kick.api.base-url = https://kick.com", "kick.api.base-url = " + kick.baseUrl())
                    .replace("kickwatch.data-dir = ./data", "kickwatch.data-dir = " + tmp.resolve("data"));
            Path file = Files.writeString(tmp.resolve("application.properties"), props);
            assertEquals(List.of(), RouteValidator.validate(Path.of("routes"), file));
            assertEquals(List.of(), kick.requests(), "the build asks nobody");
            assertEquals(false, Files.exists(tmp.resolve("data")), "and writes no cache");
        }
    }

    @Test
    void should_report_an_unknown_component() throws Exception {
        Path routes = copyWith("db-sink.camel.yaml", "uri: seda:db", "uri: sedda:db");
        List<String> problems = RouteValidator.validate(routes, PROPS);
        assertEquals(1, problems.size(), problems.toString());
        assertEquals(true, problems.get(0).startsWith("routes/db-sink.camel.yaml:"), problems.get(0));
        assertEquals(true, problems.get(0).contains("sedda"), problems.get(0));
    }

    /** The 1-based line of the first occurrence of {@code text}. */
    private static int lineOf(Path file, String text) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i + 1;
            }
        }
        throw new AssertionError(text + " not in " + file);
    }

    /** A copy of routes/ in which one file has one replacement. */
    private Path copyWith(String file, String from, String to) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path p : files.toList()) {
                String text = Files.readString(p);
                if (p.getFileName().toString().equals(file)) {
                    String changed = text.replaceFirst(java.util.regex.Pattern.quote(from),
                            java.util.regex.Matcher.quoteReplacement(to));
                    assertEquals(false, changed.equals(text), "the test's replacement must apply");
                    text = changed;
                }
                Files.writeString(dir.resolve(p.getFileName()), text);
            }
        }
        return dir;
    }
}
