package dev.kickwatch.pusher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kickwatch.event.EventDeduplicator;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.event.KickEventNormalizer;
import dev.kickwatch.sink.DiscordRenderer;
import dev.kickwatch.sink.RowBatch;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh JVM runs the per-event code in its interpreter for its first second or so, and events that arrive then
 * queue up (the cold load in docs/benchmarks.md). At start-up, on a thread of its own while the socket connects, this
 * runs the frames of the demo recording through the same code — the frame parse, the normalizer, a dedupe of its
 * own, the row encoding, the Discord renderer — so that the JIT has compiled most of it when Kick's events arrive.
 * Nothing leaves it: no exchange, no queue, no sink, no metric. {@code kickwatch.warmup.events} frames (0: off), at
 * most {@code kickwatch.warmup.max-ms}.
 */
public final class Warmup implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    static final String RECORDING = "/demo/recording.jsonl";

    private final int events;
    private final long maxMs;
    private boolean ran;

    public Warmup(int events, long maxMs) {
        this.events = events;
        this.maxMs = maxMs;
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // not yet: the routes are about to start
    }

    /** Once everything has started (the socket is connecting): it then competes with the least. */
    @Override
    public void onCamelContextFullyStarted(CamelContext context, boolean alreadyStarted) {
        if (ran || events <= 0) {
            return; // Camel says "already started" here even at the first start: once per process
        }
        ran = true;
        KickEventNormalizer normalizer = context.getRegistry().findSingleByType(KickEventNormalizer.class);
        DiscordRenderer renderer = context.getRegistry().findSingleByType(DiscordRenderer.class);
        if (normalizer == null || renderer == null) {
            return;
        }
        Thread t = new Thread(() -> run(normalizer, renderer), "kickwatch-warmup");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
    }

    /** Runs the frames; returns how many went through. */
    int run(KickEventNormalizer normalizer, DiscordRenderer renderer) {
        List<String> frames = frames();
        if (frames.isEmpty()) {
            return 0;
        }
        ObjectMapper mapper = new ObjectMapper();
        EventDeduplicator dedupe = new EventDeduplicator();
        long start = System.nanoTime();
        long deadline = start + maxMs * 1_000_000;
        int done = 0;
        long sink = 0; // results are used, so that nothing is optimised away
        try {
            for (; done < events && System.nanoTime() < deadline; done++) {
                // a different id each round, as live traffic has: the dedupe sees new events, not only repeats
                String text = frames.get(done % frames.size()).replace("\\\"id\\\":\\\"", "\\\"id\\\":\\\"w" + done);
                KickConsumer.Envelope envelope = KickConsumer.Envelope.parse(mapper, text);
                KickEvent e = normalizer.normalize(envelope.data, envelope.event, envelope.channel, "warmup", 1000L, 2000L,
                        Instant.now());
                if (dedupe.isFirst(e)) {
                    sink += RowBatch.line(e).length();
                }
                if (renderer.wanted(e)) {
                    sink += renderer.render(e).length();
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("Warm-up stopped after {} frames: {}", done, e.toString());
        }
        LOG.debug("Warm-up: {} frames in {} ms ({})", done, (System.nanoTime() - start) / 1_000_000, sink);
        return done;
    }

    /** The recording's frames as Pusher sends them: {@code data} a JSON string. */
    static List<String> frames() {
        List<String> out = new ArrayList<>();
        ObjectMapper mapper = new ObjectMapper();
        try (InputStream in = Warmup.class.getResourceAsStream(RECORDING)) {
            if (in == null) {
                return out;
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode rec = mapper.readTree(line);
                ObjectNode frame = mapper.createObjectNode();
                frame.put("event", rec.path("event").asText());
                frame.put("data", rec.path("data").toString());
                frame.put("channel", rec.path("channel").asText());
                out.add(mapper.writeValueAsString(frame));
            }
        } catch (IOException e) {
            LOG.debug("No warm-up frames: {}", e.toString());
        }
        return out;
    }
}
