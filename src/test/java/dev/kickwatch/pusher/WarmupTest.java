package dev.kickwatch.pusher;

import dev.kickwatch.event.KickEventNormalizer;
import dev.kickwatch.sink.DiscordRenderer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The warm-up runs the recording's frames through the per-event code, all of them, each to the end. */
class WarmupTest {

    @Test
    void should_run_every_frame_of_the_recording_through_parse_normalize_dedupe_encode_and_render() {
        assertEquals(16, Warmup.frames().size(), "the demo recording's frames");
        // a frame that failed anywhere on the way would stop the run early: all 2,000 went through
        assertEquals(2000, new Warmup(2000, 60_000).run(new KickEventNormalizer(), new DiscordRenderer()));
        assertEquals(0, new Warmup(2000, 0).run(new KickEventNormalizer(), new DiscordRenderer()), "max-ms bounds it");
    }
}
