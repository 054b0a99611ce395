package dev.kickwatch.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.support.service.ServiceSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The offline demo: a {@link PusherServer} on loopback that replays a recording of Kick-shaped frames once the
 * client has subscribed every channel the recording uses. Started and stopped with the CamelContext.
 */
public class DemoReplay extends ServiceSupport {

    private static final Logger LOG = LoggerFactory.getLogger(DemoReplay.class);

    /** One recorded frame: sent {@code afterMs} after the previous one. */
    public record Frame(long afterMs, String channel, String event, String data) {
    }

    private final int port;
    private final List<Frame> frames;
    private PusherServer server;
    private Thread player;

    public DemoReplay(int port, List<Frame> frames) {
        this.port = port;
        this.frames = frames;
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
            LOG.info("Demo: replay finished ({} frames sent)", frames.size());
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
