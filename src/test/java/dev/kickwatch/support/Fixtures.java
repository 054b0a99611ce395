package dev.kickwatch.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.kickwatch.demo.PusherServer;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.PropertiesComponent;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Reads test resources: Kick frames under fixtures/ and expected outputs under expected/. */
public final class Fixtures {

    public static final ObjectMapper JSON = new ObjectMapper();

    private Fixtures() {
    }

    public static String text(String resource) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode json(String resource) {
        try {
            return JSON.readTree(text(resource));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy of the project's routes/ under {@code dir}/routes, for tests that edit or add route files. */
    public static Path copyOfRoutes(Path dir) throws IOException {
        Path routes = Files.createDirectories(dir.resolve("routes"));
        try (var files = Files.list(Path.of("routes"))) {
            for (Path p : files.toList()) {
                Files.copy(p, routes.resolve(p.getFileName()));
            }
        }
        return routes;
    }

    /** A fixture frame: {"channel", "event", "data"}. */
    public static JsonNode frame(String name) {
        return json("fixtures/" + name + ".json");
    }

    /** Publishes a fixture on its channel the way Pusher does (data as a JSON string); returns the receivers. */
    public static int publish(PusherServer server, String name) {
        JsonNode f = frame(name);
        return server.publish(f.get("channel").asText(), f.get("event").asText(), f.get("data").toString());
    }

    /** The descriptions of the embeds of a Discord webhook body, in order (throws on a body that is not one). */
    public static List<String> embedDescriptions(String body) throws IOException {
        List<String> out = new ArrayList<>();
        for (JsonNode embed : JSON.readTree(body).get("embeds")) {
            out.add(embed.get("description").asText());
        }
        return out;
    }

    /** Settings as a CamelContext's properties component would hold them: key, value, key, value, … */
    public static PropertiesComponent settings(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        PropertiesComponent pc = new DefaultCamelContext().getPropertiesComponent();
        pc.setInitialProperties(p);
        return pc;
    }

    /** A port free on this machine now. */
    /**
     * {@code expected/e2e-db-rows.json} as the given rows should be: each expected row with the actual row's
     * received_at (checked to be an instant), and with it as created_at where Kick sends no time (RECEIVED_AT).
     */
    public static ArrayNode expectedE2eRows(ArrayNode rows) {
        ArrayNode expectedRows =
                (ArrayNode) json("expected/e2e-db-rows.json");
        for (int i = 0; i < rows.size(); i++) {
            String receivedAt = rows.get(i).get("received_at").asText();
            assertNotNull(Instant.parse(receivedAt));
            ObjectNode expected =
                    (ObjectNode) expectedRows.get(i);
            expected.put("received_at", receivedAt);
            if ("RECEIVED_AT".equals(expected.get("created_at").asText())) {
                expected.put("created_at", receivedAt); // Kick sends no time with subscriptions
            }
        }
        return expectedRows;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
