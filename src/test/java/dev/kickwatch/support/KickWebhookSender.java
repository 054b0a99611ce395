package dev.kickwatch.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;

/**
 * A stand-in for Kick's webhook sender: an RSA-2048 key pair of its own, and POSTs signed as Kick signs them
 * ({@code SHA256withRSA} over {@code id.timestamp.body}), with the {@code Kick-Event-*} headers.
 */
public final class KickWebhookSender {

    private final KeyPair keys;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String url;

    public KickWebhookSender(String url) throws Exception {
        this.url = url;
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        this.keys = g.generateKeyPair();
    }

    /** The public key as PEM, to configure as kick.webhook.public-key. */
    public String publicKeyPem() {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(keys.getPublic().getEncoded());
        return "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n";
    }

    public String sign(String id, String timestamp, byte[] body) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(keys.getPrivate());
        s.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
        s.update(body);
        return Base64.getEncoder().encodeToString(s.sign());
    }

    /** A signed POST of this event type and body, sent now with a new message id; the status Kick would see. */
    public int send(String type, String body) throws Exception {
        return send(type, UUID.randomUUID().toString(), Instant.now().toString(), body.getBytes(StandardCharsets.UTF_8));
    }

    public int send(String type, String id, String timestamp, byte[] body) throws Exception {
        return post(type, id, timestamp, body, sign(id, timestamp, body)).statusCode();
    }

    /** A POST with exactly these headers (a null one left out). */
    public HttpResponse<String> post(String type, String id, String timestamp, byte[] body, String signature) throws Exception {
        return post("application/json", type, id, timestamp, body, signature);
    }

    /** The same with another content type. */
    public HttpResponse<String> post(String contentType, String type, String id, String timestamp, byte[] body,
                                     String signature) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType).header("Kick-Event-Version", "1")
                .header("Kick-Event-Subscription-Id", "01JQ79DGGK8C9117GJN8EHCYGG")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (type != null) {
            b.header("Kick-Event-Type", type);
        }
        if (id != null) {
            b.header("Kick-Event-Message-Id", id);
        }
        if (timestamp != null) {
            b.header("Kick-Event-Message-Timestamp", timestamp);
        }
        if (signature != null) {
            b.header("Kick-Event-Signature", signature);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
