package dev.kickwatch.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kickwatch.event.Times;
import dev.kickwatch.ops.Queues;
import dev.kickwatch.pusher.KickConnectionState;
import dev.kickwatch.pusher.KickEndpoint;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline demo: a {@link PusherServer} on loopback that replays a recording of Kick-shaped frames, moved to the
 * present, once the client has subscribed every channel the recording uses, and then stops the CamelContext (and so
 * the process) once the last frame is in. Started and stopped with the CamelContext.
 */
public class DemoReplay extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(DemoReplay.class);

    /** One recorded frame: sent {@code afterMs} after the previous one. */
    public record Frame(long afterMs, String channel, String event, String data) {
    }

    private final CamelContext context;
    private final int port;
    private final List<Frame> frames;
    private PusherServer server;
    private Thread player;

    public DemoReplay(CamelContext context, int port, List<Frame> frames) {
        this.context = context;
        this.port = port;
        this.frames = frames;
    }

    /** An ISO-8601 time in a frame (Kick's shapes), or the epoch seconds or milliseconds of a {@code …_at} field. */
    private static final Pattern TIMESTAMP = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}[T ]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})?|(?<=_at\":)(\\d{13}|\\d{10})(?=[,}])");

    /**
     * The recording as if it had just happened: every timestamp in the frames moves by the same amount, so that the
     * latest is the time of this run (a notification journaled during the demo is minutes old, not a month).
     */
    public static List<Frame> shiftToNow(List<Frame> frames) {
        Instant latest = null;
        for (Frame f : frames) {
            Matcher m = TIMESTAMP.matcher(f.data());
            while (m.find()) {
                Instant t = Times.parse(m.group());
                if (t != null && (latest == null || t.isAfter(latest))) {
                    latest = t;
                }
            }
        }
        if (latest == null) {
            return frames;
        }
        Duration shift = Duration.between(latest, Instant.now());
        List<Frame> out = new ArrayList<>(frames.size());
        for (Frame f : frames) {
            Matcher m = TIMESTAMP.matcher(f.data());
            StringBuilder data = new StringBuilder();
            while (m.find()) {
                m.appendReplacement(data, Matcher.quoteReplacement(moved(m.group(), shift)));
            }
            m.appendTail(data);
            out.add(new Frame(f.afterMs(), f.channel(), f.event(), data.toString()));
        }
        return out;
    }

    /** Reads a recording: one JSON object per line with after_ms, channel, event and data. */
    public static List<Frame> load(InputStream in) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        List<Frame> out = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode n = mapper.readTree(line);
                JsonNode data = n.path("data");
                out.add(new Frame(n.path("after_ms").asLong(0), n.path("channel").asText(), n.path("event").asText(),
                        data.isTextual() ? data.asText() : data.toString()));
            }
        }
        return out;
    }

    /** A timestamp moved by {@code shift}, written in its own form: epoch milliseconds, epoch seconds or ISO-8601. */
    private static String moved(String text, Duration shift) {
        Instant t = Times.parse(text);
        if (t == null) {
            return text;
        }
        Instant m = t.plus(shift);
        boolean epoch = text.chars().allMatch(Character::isDigit);
        return !epoch ? Times.format(m) : text.length() == 13 ? Long.toString(m.toEpochMilli()) : Long.toString(m.getEpochSecond());
    }

    @Override
    protected void doStart() {
        server = new PusherServer("demo");
        server.start(port);
        LOG.info("Demo: Pusher-protocol server on {} replays {} recorded Kick frames", server.url(), frames.size());
        player = new Thread(this::play, "kickwatch-demo-replay");
        player.setDaemon(true);
        player.start();
    }

    private void play() {
        Set<String> needed = new HashSet<>();
        frames.forEach(f -> needed.add(f.channel()));
        try {
            while (!server.subscribedChannels().containsAll(needed)) {
                Thread.sleep(50); // polling a local server until the client has subscribed; not a test
            }
            for (Frame f : frames) {
                Thread.sleep(f.afterMs());
                server.publish(f.channel(), f.event(), f.data());
            }
            // stop as Ctrl-C would, once the last frame is in: the graceful stop drains the queues and sends the
            // batches still gathering, so the demo ends right after its last event is delivered
            BlockingQueue<Exchange> events = Queues.of(context, "events");
            KickConnectionState kick = KickEndpoint.stateOf(context);
            while ((kick != null && kick.getLastMessageAgeMs() < 300) || (events != null && !events.isEmpty())) {
                Thread.sleep(50); // polling local state until the last frame is ingested; not a test
            }
            LOG.info("Demo: replay finished ({} frames sent); stopping once they are delivered", frames.size());
            Thread stop = new Thread(context::stop, "kickwatch-demo-stop");
            stop.start();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    protected void doStop() {
        if (player != null) {
            player.interrupt();
        }
        if (server != null) {
            server.close();
        }
    }
}
