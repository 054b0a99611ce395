package dev.kickwatch.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged {@code target/kickwatch.jar} (or another command) run as a real process from the project directory. */
public final class JarProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private JarProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static JarProcess start(Path log, Map<String, String> env, String... args) throws IOException {
        return startIn(null, log, env, args);
    }

    /** The jar started from another working directory ({@code null}: the project directory), as a user may. */
    public static JarProcess startIn(Path dir, Path log, Map<String, String> env, String... args) throws IOException {
        Path jar = Path.of("target", "kickwatch.jar").toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("target/kickwatch.jar is missing: run mvn package first");
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-jar", jar.toString()));
        cmd.addAll(List.of(args));
        return command(dir, log, env, cmd);
    }

    /** Any command, with the same clean environment (no inherited KICK_*, DISCORD_*, DB_*, CAMEL_*, KICKWATCH_*). */
    public static JarProcess command(Path log, Map<String, String> env, List<String> cmd) throws IOException {
        return command(null, log, env, cmd);
    }

    /** {@link #command(Path, Map, List)} in the working directory {@code dir} (null: the project directory). */
    public static JarProcess command(Path dir, Path log, Map<String, String> env, List<String> cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        pb.environment().keySet().removeIf(k -> k.startsWith("KICK") || k.startsWith("DISCORD") || k.startsWith("DB_")
                || k.startsWith("CAMEL") || k.startsWith("KICKWATCH"));
        // a free management port unless the test names one: 9876 may be held by anything else on the machine
        pb.environment().put("CAMEL_MANAGEMENT_PORT", String.valueOf(Fixtures.freePort()));
        pb.environment().putAll(env);
        return new JarProcess(pb.start(), log);
    }

    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Sends SIGTERM, as a container runtime or systemd would. */
    public void sigterm() {
        process.destroy();
    }

    /** Waits for the exit; returns the exit code, or throws when it does not come in time. */
    public int waitForExit(long seconds) throws InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            throw new AssertionError("kickwatch did not exit within " + seconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** Kills the process, and what it started (a build run by cli/camel before it execs java), by PID. */
    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
