package dev.kickwatch.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DemoDataDirTest {

    @TempDir
    Path tmp;

    @Test
    void should_empty_the_demos_own_data_directory_and_leave_anything_else() throws Exception {
        Path own = tmp.resolve("demo");
        DemoConfiguration.freshDataDir(own); // new: made and marked
        Files.writeString(own.resolve("events.jsonl"), "{\"id\":\"1\"}\n");
        Files.createDirectories(own.resolve("journal"));
        Files.writeString(own.resolve("journal").resolve("db.jsonl"), "{}\n");
        DemoConfiguration.freshDataDir(own);
        try (var entries = Files.list(own)) {
            assertEquals(List.of(own.resolve(DemoConfiguration.MARKER)), entries.toList(), "emptied, marked again");
        }

        Path other = Files.createDirectories(tmp.resolve("mine"));
        Files.writeString(other.resolve("events.jsonl"), "{\"id\":\"keep\"}\n");
        DemoConfiguration.freshDataDir(other);
        assertEquals("{\"id\":\"keep\"}\n", Files.readString(other.resolve("events.jsonl")));
        assertFalse(Files.exists(other.resolve(DemoConfiguration.MARKER)));
    }

    @Test
    void should_move_the_recording_to_the_present_keeping_its_gaps() {
        List<DemoReplay.Frame> frames = List.of(
                new DemoReplay.Frame(0, "c", "e", "{\"created_at\":\"2026-11-29T19:10:40.000000Z\"}"),
                new DemoReplay.Frame(0, "c", "e", "{\"created_at\":\"2026-11-29 19:20:40\",\"n\":1}"));
        List<DemoReplay.Frame> moved = DemoReplay.shiftToNow(frames);
        java.time.Instant a = dev.kickwatch.event.Times.parse(moved.get(0).data().replaceAll(".*\"created_at\":\"([^\"]+)\".*", "$1"));
        java.time.Instant b = dev.kickwatch.event.Times.parse(moved.get(1).data().replaceAll(".*\"created_at\":\"([^\"]+)\".*", "$1"));
        assertEquals(600, java.time.Duration.between(a, b).getSeconds(), moved.toString());
        assertTrue(java.time.Duration.between(b, java.time.Instant.now()).abs().getSeconds() < 60, moved.toString());
        assertTrue(moved.get(1).data().endsWith(",\"n\":1}"), "the rest of the frame as it was");
    }
}
