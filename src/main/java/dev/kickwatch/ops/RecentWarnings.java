package dev.kickwatch.ops;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The last warning and error lines exactly as the log wrote them, for the status page: what the log held back
 * ({@link dev.kickwatch.LogLimiter}) is not here either, and a line carries no secret because no log line does (the
 * beans log hosts and settings' names, never a URL's token or a key). The log is slf4j-simple's, written to
 * {@code System.err}; this keeps a copy of its {@code [WARN]} and {@code [ERROR]} lines on the way through (and of lines
 * with {@code WARN} or {@code ERROR} as a word near their start, the other log layouts' way).
 */
public final class RecentWarnings {

    static final int KEEP = 20;
    private static final int MAX_LINE = 2000;
    private static RecentWarnings installed;
    /** Set while one of these copying streams writes on this thread: a copying stream inside another passes through. */
    private static final ThreadLocal<Boolean> WRITING = ThreadLocal.withInitial(() -> false);

    private final Deque<String> lines = new ArrayDeque<>();
    private PrintStream copying;

    private RecentWarnings() {
    }

    /**
     * The one instance of this JVM; puts the copying stream in front of {@code System.err}, again when something else
     * has replaced it since (a test that captures the log).
     */
    public static synchronized RecentWarnings install() {
        if (installed == null) {
            installed = new RecentWarnings();
        }
        if (System.err != installed.copying) {
            installed.copying = new PrintStream(installed.tee(System.err), true, StandardCharsets.UTF_8);
            System.setErr(installed.copying);
        }
        return installed;
    }

    /** The last {@value #KEEP} lines, oldest first. */
    public synchronized List<String> lines() {
        return new ArrayList<>(lines);
    }

    synchronized void offer(String line) {
        String head = line.length() > 80 ? line.substring(0, 80) : line; // the level is near the start of a log line
        if (head.contains("[WARN]") || head.contains("[ERROR]") || head.contains(" WARN ") || head.contains(" ERROR ")) {
            lines.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line);
            while (lines.size() > KEEP) {
                lines.removeFirst();
            }
        }
    }

    private OutputStream tee(PrintStream out) {
        return new OutputStream() {
            private final ByteArrayOutputStream line = new ByteArrayOutputStream();

            @Override
            public void write(int b) {
                write(new byte[] { (byte) b }, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (WRITING.get()) {
                    out.write(b, off, len); // inside another copying stream, which keeps the line
                    return;
                }
                WRITING.set(true);
                try {
                    out.write(b, off, len);
                    int from = off;
                    for (int i = off; i < off + len; i++) {
                        if (b[i] == '\n') {
                            keep(b, from, i - from);
                            offer(line.toString(StandardCharsets.UTF_8).stripTrailing());
                            line.reset();
                            from = i + 1;
                        }
                    }
                    keep(b, from, off + len - from);
                } finally {
                    WRITING.set(false);
                }
            }

            /** Bytes of the line being written, up to a bound (a longer line is cut). */
            private void keep(byte[] b, int off, int len) {
                line.write(b, off, Math.max(0, Math.min(len, MAX_LINE * 4 - line.size())));
            }

            @Override
            public void flush() {
                out.flush();
            }
        };
    }
}
