package dev.kickwatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docs/grafana/kickwatch.json and docs/prometheus/alerts.yml: the dashboard is a Grafana dashboard whose queries all
 * name a Prometheus data source, and the rules pass {@code promtool check rules} and {@code promtool test rules} (Debian's
 * {@code prometheus} package; .ci/run installs it). That every metric they query is served: StatusPageIT.
 */
class MonitoringFilesTest {

    static final Path DASHBOARD = Path.of("docs/grafana/kickwatch.json");
    static final Path ALERTS = Path.of("docs/prometheus/alerts.yml");
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    @Test
    void should_be_a_dashboard_of_the_wanted_panels_over_one_prometheus_data_source() throws Exception {
        JsonNode d = JSON.readTree(DASHBOARD.toFile());
        assertEquals("kickwatch", d.path("uid").asText());
        Set<String> titles = new TreeSet<>();
        Set<String> metrics = new TreeSet<>();
        for (JsonNode panel : d.path("panels")) {
            titles.add(panel.path("title").asText());
            assertEquals("${datasource}", panel.path("datasource").path("uid").asText(), panel.path("title").asText());
            assertFalse(panel.path("targets").isEmpty(), panel.path("title").asText());
            for (JsonNode t : panel.path("targets")) {
                metrics.addAll(StatusPageIT.metricNames(t.path("expr").asText()));
            }
        }
        assertTrue(titles.containsAll(List.of("Events/s by type", "Events/s by channel", "Sink latency (p50, p95, p99)",
                "Breakers", "Queue depth", "Journal size", "Reconnects", "Consumer lag")), titles.toString());
        assertTrue(metrics.containsAll(List.of("kickwatch_events_received_total", "kickwatch_sink_latency_seconds_bucket",
                "kickwatch_sink_breaker_state", "kickwatch_queue_depth", "kickwatch_journal_bytes",
                "kickwatch_kick_reconnects_total", "kickwatch_kick_last_message_age_seconds")), metrics.toString());
    }

    @Test
    void should_pass_promtool_check_rules() throws Exception {
        assertEquals("", promtool("check", "rules", ALERTS.toString()));
        String rules = Files.readString(ALERTS);
        for (String alert : List.of("KickwatchKickDisconnected", "KickwatchBreakerOpen", "KickwatchJournalGrowing",
                "KickwatchDiscordWebhookGone", "KickwatchLiveChannelSilent")) {
            assertTrue(rules.contains("alert: " + alert), alert);
        }
    }

    @Test
    void should_fire_each_alert_when_and_only_when_it_should() throws Exception {
        // made-up series: down 1.5 min no alert, 2.5 min alert; breaker open 4 min no, 5.5 min yes; a live channel
        // silent 7 min no, 12 min yes; an offline one never; a growing journal after 30 min, a steady one never
        assertEquals("", promtool("test", "rules", "src/test/resources/prometheus/alerts-test.yml"));
    }

    /** Runs promtool; returns "" on success, else its output. */
    private static String promtool(String... args) throws Exception {
        assumeTrue(Files.isExecutable(PROMTOOL), "promtool is not installed here (apt-get install prometheus; .ci/run does)");
        List<String> cmd = new ArrayList<>(List.of(PROMTOOL.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        return p.exitValue() == 0 ? "" : out;
    }
}
