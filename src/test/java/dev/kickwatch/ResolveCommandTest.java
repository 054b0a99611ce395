package dev.kickwatch;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import dev.kickwatch.pusher.ChannelResolver;
import dev.kickwatch.support.FakeKickApi;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code kickwatch resolve SLUG...} without a process: what goes to stdout and stderr, and the exit code. */
class ResolveCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int resolve(String baseUrl, String... slugs) {
        return Application.resolve(List.of(slugs), baseUrl, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private List<String> lines(ByteArrayOutputStream s) {
        return s.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void should_print_a_line_per_channel_and_the_kick_channels_line() throws Exception {
        try (FakeKickApi kick = new FakeKickApi().channel("xqc", 668, 676).channel("trainwreckstv", 1234, 5678)) {
            assertEquals(0, resolve(kick.baseUrl(), "xqc", "trainwreckstv"));
            assertEquals(List.of("xqc: chatroom 668, channel 676", "trainwreckstv: chatroom 1234, channel 5678",
                    "KICK_CHANNELS=xqc:668:676,trainwreckstv:1234:5678"), lines(out));
            assertEquals(List.of(), lines(err));
        }
    }

    @Test
    void should_exit_1_with_a_line_per_failure_and_no_partial_list() throws Exception {
        try (FakeKickApi kick = new FakeKickApi().channel("xqc", 668, 676)) {
            assertEquals(1, resolve(kick.baseUrl(), "xqc", "nobody"));
            assertEquals(List.of("xqc: chatroom 668, channel 676"), lines(out));
            assertEquals(List.of("kickwatch: no Kick channel named 'nobody'"), lines(err));
        }
    }

    @Test
    void should_exit_2_without_slugs_or_with_an_option() {
        assertEquals(2, resolve("http://127.0.0.1:9"));
        assertEquals(2, resolve("http://127.0.0.1:9", "--help"));
        assertEquals(2, lines(err).size());
        assertEquals(List.of(), lines(out));
    }

    @Test
    void should_take_the_base_url_from_the_environment_else_application_properties() {
        assertEquals("http://127.0.0.1:1234", Application.apiBaseUrl(Map.of("KICK_API_BASE_URL", "http://127.0.0.1:1234")));
        // the project's application.properties (the working directory of the tests) names Kick's own
        assertEquals(ChannelResolver.DEFAULT_BASE_URL, Application.apiBaseUrl(Map.of()));
    }
}
