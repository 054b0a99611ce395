package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kickwatch.pusher.KickChannel;
import dev.kickwatch.pusher.KickFrame;
import org.apache.camel.BeanInject;
import org.apache.camel.CamelContext;
import org.apache.camel.EndpointInject;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.NotifyBuilder;
import org.apache.camel.test.main.junit5.CamelMainTest;
import org.junit.jupiter.api.Test;

import static dev.kickwatch.support.Fixtures.JSON;
import static dev.kickwatch.support.Fixtures.frame;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The YAML routes under Camel Main's own test support, with the socket swapped for {@code direct:kick}: frames are
 * normalized, repeats dropped, and rows land in the JSON-lines store (db.local = jsonl) when no db.url is set.
 */
@CamelMainTest(mainClass = Application.class,
               propertyPlaceholderLocations = "file:application.properties",
               properties = { "camel.main.routesIncludePattern=file:routes/*.camel.yaml",
                       "kickwatch.data-dir=target/ingest-route-test", "kick.channels=testchan:1000:2000", "db.local=jsonl",
                       "kick.pusher.url=ws://127.0.0.1:9/app/x?protocol=7", "camel.management.enabled=false" },
               replaceRouteFromWith = { "kick-ingest=direct:kick" })
class IngestRouteTest {

    @BeanInject
    CamelContext context;

    @EndpointInject
    ProducerTemplate template;

    void send(String fixture) {
        JsonNode f = frame(fixture);
        template.sendBody("direct:kick", new KickFrame(f.get("event").asText(), f.get("channel").asText(),
                f.get("data").toString(), new KickChannel("testchan", 1000L, 2000L), Instant.now()));
    }

    @Test
    void should_store_each_action_once_in_the_local_event_store() throws Exception {
        Path store = Path.of("target/ingest-route-test/events.jsonl");
        Files.deleteIfExists(store);
        NotifyBuilder ingested = new NotifyBuilder(context).fromRoute("kick-ingest").whenDone(3).create();
        send("subscription");
        send("channel-subscription"); // the same subscription on channel.2000
        send("chat-message");
        assertTrue(ingested.matches(10, SECONDS), "three frames through the ingest route");
        // the rows may be written one by one or as one batch
        await().atMost(10, SECONDS).until(() -> Files.exists(store) && Files.readAllLines(store).size() >= 2);
        List<String> rows = Files.readAllLines(store);
        assertEquals(2, rows.size(), rows.toString());
        assertEquals("channel.subscription.new", JSON.readTree(rows.get(0)).get("type").asText());
        assertEquals("chat.message.sent", JSON.readTree(rows.get(1)).get("type").asText());
    }
}
