package dev.kickwatch;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The deployment files: the systemd unit, the container recipe and the table's SQL, against README and the settings. */
class DeployFilesTest {

    static final Path UNIT = Path.of("deploy", "kickwatch.service");
    /** README's JVM options, "Run it for real": the ones the benchmark measures. */
    static final String JVM = "-Xms64m -Xmx256m -XX:+UseSerialGC";

    @Test
    void should_pass_systemd_analyze_verify() throws Exception {
        Path tool = Path.of("/usr/bin/systemd-analyze");
        assumeTrue(Files.isExecutable(tool), "systemd-analyze is not installed here");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/java")), "the unit's ExecStart needs /usr/bin/java");
        Process p = new ProcessBuilder(tool.toString(), "verify", UNIT.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertEquals("", out.strip(), "systemd-analyze reports a problem (it exits 0 even then)");
    }

    @Test
    void should_run_as_the_benchmark_measured_and_outwait_the_graceful_stop() throws Exception {
        String unit = Files.readString(UNIT);
        assertTrue(unit.contains("\nExecStart=/usr/bin/java " + JVM + " -jar /opt/kickwatch/kickwatch.jar --profile prod\n"), unit);
        assertTrue(Files.readString(Path.of("README.md")).contains("java " + JVM + " -jar target/kickwatch.jar --profile prod"),
                "README recommends the same JVM options");
        assertTrue(unit.contains("\nDynamicUser=yes\n") && unit.contains("\nStateDirectory=kickwatch\n")
                && unit.contains("\nEnvironment=KICKWATCH_DATA_DIR=/var/lib/kickwatch\n"), "non-root, data under StateDirectory");
        assertTrue(unit.contains("\nRestart=on-failure\n"), unit);
        Properties prod = new Properties();
        try (var in = Files.newInputStream(Path.of("application-prod.properties"))) {
            prod.load(in);
        }
        int shutdown = Integer.parseInt(prod.getProperty("camel.main.shutdown-timeout").trim());
        Matcher stop = Pattern.compile("\nTimeoutStopSec=(\\d+)\n").matcher(unit);
        assertTrue(stop.find(), unit);
        assertTrue(Integer.parseInt(stop.group(1)) > shutdown, "TimeoutStopSec above the prod shutdown-timeout " + shutdown);

        String docker = Files.readString(Path.of("Dockerfile"));
        assertTrue(docker.contains("ENTRYPOINT [\"java\", \"" + String.join("\", \"", JVM.split(" ")) + "\", \"-jar\""), docker);
        assertTrue(docker.contains("\nUSER kickwatch\n") && docker.contains("/observe/health/ready"), docker);
    }

    @Test
    void should_show_the_table_sql_in_readme_as_in_its_file() throws Exception {
        String sql = Files.readString(Path.of("sql", "kick_events.sql"));
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(sql.startsWith("create table public.kick_events ("), sql);
        assertTrue(readme.contains("```sql\n" + sql + "```"), "README's SQL block is sql/kick_events.sql, verbatim");
        assertTrue(readme.contains("(sql/kick_events.sql)"), "README links the file");
    }
}
