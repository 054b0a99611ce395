package dev.kickwatch.sink;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kickwatch.LogLimiter;
import dev.kickwatch.event.KickEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per-sink journals under {@code <data-dir>/journal/}: JSON lines that a sink could not take, appended and flushed one
 * batch per call, bounded in size, read back in order for replay and removed once delivered. Thread-safe.
 */
public class Journal {

    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private Path dir = Path.of("data", "journal");
    private long maxBytes = 256L * 1024 * 1024;
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> dropped = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> written = new ConcurrentHashMap<>();
    /** Lines not yet delivered, per journal: counted in the file once, then kept by append and remove. */
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
    private final LogLimiter fullLog = new LogLimiter(60_000);
    private final LogLimiter writeLog = new LogLimiter(60_000);
    private final AtomicLong writeErrors = new AtomicLong();
    private volatile String writeError;

    /** Appends lines as one batch; returns how many were written (the rest did not fit under the size bound). */
    public int append(String sink, List<String> lines) {
        if (lines == null || lines.isEmpty()) {
            return 0;
        }
        synchronized (lock(sink)) {
            Path file = file(sink);
            try {
                Files.createDirectories(dir);
                long size = Files.exists(file) ? Files.size(file) : 0;
                StringBuilder batch = new StringBuilder();
                int n = 0;
                for (String line : lines) {
                    String flat = line.replace("\n", " ").replace("\r", " ");
                    long bytes = flat.getBytes(StandardCharsets.UTF_8).length + 1L;
                    if (size + bytes > maxBytes) {
                        break;
                    }
                    size += bytes;
                    batch.append(flat).append('\n');
                    n++;
                }
                if (n > 0) {
                    Files.writeString(file, batch, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                            StandardOpenOption.WRITE);
                    counter(written, sink).addAndGet(n);
                    AtomicLong left = pending.get(sink); // only once counted: a count reads the file as it is then
                    if (left != null) {
                        left.addAndGet(n);
                    }
                    writeError = null;
                }
                if (n < lines.size()) {
                    long lost = counter(dropped, sink).addAndGet(lines.size() - n);
                    if (fullLog.tryAcquire() >= 0) {
                        LOG.error("Journal {} is full ({} bytes, kickwatch.journal.max-bytes): {} entries dropped so far", sink, maxBytes, lost);
                    }
                }
                return n;
            } catch (IOException e) {
                long lost = counter(dropped, sink).addAndGet(lines.size());
                writeErrors.incrementAndGet();
                String why = e instanceof java.nio.file.FileSystemException fse
                        ? e.getClass().getSimpleName() + " " + fse.getFile() + (fse.getReason() == null ? "" : ": " + fse.getReason())
                        : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(); // "No space left on device"
                writeError = "the journals in " + dir + " cannot be written (" + why + "): what a sink cannot take now is lost";
                long held = writeLog.tryAcquire(); // a full disk fails every write: one line a minute
                if (held >= 0) {
                    LOG.error("Journal {} cannot be written ({}): {} entries lost so far{}; free space in {} "
                            + "(kickwatch.data-dir, KICKWATCH_DATA_DIR)", sink, why, lost,
                            held > 0 ? ", " + held + " similar lines held back" : "", dir);
                }
                return 0;
            }
        }
    }

    public int append(String sink, String line) {
        return append(sink, List.of(line));
    }

    /** Appends one event as a database row line. */
    public int appendRow(String sink, KickEvent event) {
        return append(sink, RowBatch.line(event));
    }

    /** {@code {"t": oldestMs, "body": <body>}}. */
    public static String envelope(String body, long oldestMs) {
        ObjectNode line = JsonNodeFactory.instance.objectNode();
        line.put("t", oldestMs);
        try {
            line.set("body", MAPPER.readTree(body));
        } catch (Exception e) {
            line.put("body", body);
        }
        return line.toString();
    }

    /** The oldest {@code max} lines not yet delivered, not removed. */
    public List<String> peek(String sink, int max) {
        synchronized (lock(sink)) {
            List<String> out = new ArrayList<>();
            Path file = file(sink);
            if (!Files.exists(file)) {
                return out;
            }
            try (BufferedReader r = readerAt(file, cursor(sink))) {
                String line;
                while (out.size() < max && (line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        out.add(line);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }
    }

    /**
     * Marks the oldest {@code count} lines as delivered. The read position moves past them and is kept in
     * {@code <sink>.jsonl.pos}; the file is deleted once everything in it was delivered, and rewritten without its
     * delivered head only when that head is large, so a replay costs time linear in the journal's size.
     */
    public void remove(String sink, int count) {
        if (count <= 0) {
            return;
        }
        synchronized (lock(sink)) {
            Path file = file(sink);
            if (!Files.exists(file)) {
                return;
            }
            try {
                long pos = cursor(sink);
                try (BufferedReader r = readerAt(file, pos)) {
                    String line;
                    int skipped = 0;
                    while (skipped < count && (line = r.readLine()) != null) {
                        pos += line.getBytes(StandardCharsets.UTF_8).length + 1L;
                        if (!line.isBlank()) {
                            skipped++;
                        }
                    }
                    AtomicLong left = pending.get(sink);
                    if (left != null) {
                        left.set(Math.max(0, left.get() - skipped));
                    }
                }
                long size = Files.size(file);
                if (pos >= size) {
                    Files.delete(file);
                    Files.deleteIfExists(posFile(sink));
                    cursors.put(sink, 0L);
                    pending.put(sink, new AtomicLong());
                } else if (pos >= COMPACT_AFTER && pos >= size / 2) {
                    compact(sink, file, pos);
                } else {
                    cursors.put(sink, pos);
                    Files.writeString(posFile(sink), Long.toString(pos), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Rewrites the file without its delivered head (under the sink's lock). */
    private void compact(String sink, Path file, long pos) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     StandardOpenOption.TRUNCATE_EXISTING)) {
            long size = in.size();
            long done = pos;
            while (done < size) {
                done += in.transferTo(done, size - done, out);
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(posFile(sink));
        cursors.put(sink, 0L);
    }

    /** Bytes of a journal's delivered head that may stay in the file before it is rewritten without them. */
    static final long COMPACT_AFTER = 4L * 1024 * 1024;

    private final Map<String, Long> cursors = new ConcurrentHashMap<>();

    /** The byte offset of the first line not yet delivered, read from the .pos file after a restart. */
    private long cursor(String sink) {
        return cursors.computeIfAbsent(sink, k -> savedPosition(file(k)));
    }

    /** The delivered-up-to offset kept next to a journal file; 0 when there is none or it does not fit the file. */
    private static long savedPosition(Path journalFile) {
        try {
            Path pos = journalFile.resolveSibling(journalFile.getFileName() + ".pos");
            if (!Files.exists(pos) || !Files.exists(journalFile)) {
                return 0L;
            }
            long p = Long.parseLong(Files.readString(pos, StandardCharsets.UTF_8).trim());
            return p > 0 && p <= Files.size(journalFile) ? p : 0L;
        } catch (IOException | NumberFormatException e) {
            return 0L;
        }
    }

    private static BufferedReader readerAt(Path file, long pos) throws IOException {
        FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
        ch.position(pos);
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8), 1 << 16);
    }

    /** The lines of a journal file not yet delivered (for tests and tools): the file after its .pos offset. */
    public static List<String> pendingLines(Path journalFile) throws IOException {
        if (!Files.exists(journalFile)) {
            return List.of();
        }
        long pos = savedPosition(journalFile);
        List<String> out = new ArrayList<>();
        try (BufferedReader r = readerAt(journalFile, pos)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    out.add(line);
                }
            }
        }
        return out;
    }

    public boolean isEmpty(String sink) {
        synchronized (lock(sink)) {
            try {
                Path f = file(sink);
                return !Files.exists(f) || Files.size(f) <= cursor(sink);
            } catch (IOException e) {
                return true;
            }
        }
    }

    /**
     * Lines not yet delivered (the status page's backlog): the file is counted at the first call, then followed by
     * append and remove, so a large journal is read once, not at every call.
     */
    public long pendingRows(String sink) {
        synchronized (lock(sink)) {
            AtomicLong n = pending.get(sink);
            if (n != null) {
                return n.get();
            }
            long lines = 0;
            Path f = file(sink);
            if (Files.isRegularFile(f)) {
                try (BufferedReader r = readerAt(f, cursor(sink))) {
                    String line;
                    while ((line = r.readLine()) != null) {
                        if (!line.isBlank()) {
                            lines++;
                        }
                    }
                } catch (IOException e) {
                    return 0; // not kept: counted again next time
                }
            }
            pending.put(sink, new AtomicLong(lines));
            return lines;
        }
    }

    /** Bytes not yet delivered. */
    public long sizeBytes(String sink) {
        try {
            Path f = file(sink);
            return Files.exists(f) ? Math.max(0, Files.size(f) - cursor(sink)) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /** Why the last write failed, while no write has succeeded since (a full disk, a read-only mount); else null. */
    public String getWriteError() {
        return writeError;
    }

    /** Appends that failed with an I/O error. */
    public long getWriteErrors() {
        return writeErrors.get();
    }

    public long getDropped(String sink) {
        return counter(dropped, sink).get();
    }

    public long getWritten(String sink) {
        return counter(written, sink).get();
    }

    private Path file(String sink) {
        return dir.resolve(sink + ".jsonl");
    }

    private Path posFile(String sink) {
        return dir.resolve(sink + ".jsonl.pos");
    }

    private Object lock(String sink) {
        return locks.computeIfAbsent(sink, k -> new Object());
    }

    private static AtomicLong counter(Map<String, AtomicLong> map, String sink) {
        return map.computeIfAbsent(sink, k -> new AtomicLong());
    }

    /** The data directory; journals go to its {@code journal/} folder. */
    public void setDataDir(String dataDir) {
        this.dir = Path.of(dataDir).resolve("journal");
    }

    public void setMaxBytes(long maxBytes) {
        this.maxBytes = maxBytes;
    }
}
