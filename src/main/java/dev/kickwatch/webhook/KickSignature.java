package dev.kickwatch.webhook;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The signature of a webhook from Kick's official API: RSASSA-PKCS1-v1_5 with SHA-256 ({@code SHA256withRSA}) over
 * {@code "{Kick-Event-Message-Id}.{Kick-Event-Message-Timestamp}.{raw body}"}, computed on the body's bytes exactly as
 * they were received (never on JSON written again), checked against Kick's published public key or another PEM key
 * ({@code kick.webhook.public-key}). {@link KickWebhookReceiver} checks every webhook with it.
 */
public final class KickSignature {

    /** Kick's public key, as its developer docs publish it: {@code /kick/webhook-public-key.pem} in this jar. */
    public static final String BUILT_IN_KEY = "/kick/webhook-public-key.pem";

    private final PublicKey key;

    private KickSignature(PublicKey key) {
        this.key = key;
    }

    /** Kick's published key. */
    public static KickSignature builtIn() {
        try (InputStream in = KickSignature.class.getResourceAsStream(BUILT_IN_KEY)) {
            if (in == null) {
                throw new IllegalStateException(BUILT_IN_KEY + " is missing from the jar");
            }
            return of(new String(in.readAllBytes(), StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new IllegalStateException(BUILT_IN_KEY + " cannot be read", e);
        }
    }

    /** A PEM {@code PUBLIC KEY} (X.509 SubjectPublicKeyInfo, RSA); one line naming the setting when it is not one. */
    public static KickSignature of(String pem) {
        String base64 = pem == null ? "" : pem.replace("-----BEGIN PUBLIC KEY-----", "").replace("-----END PUBLIC KEY-----", "")
                .replaceAll("\\s+", "");
        try {
            return new KickSignature(KeyFactory.getInstance("RSA").generatePublic(
                    new X509EncodedKeySpec(Base64.getDecoder().decode(base64))));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            throw new IllegalArgumentException("kick.webhook.public-key (KICK_WEBHOOK_PUBLIC_KEY) is not a PEM RSA public key "
                    + "(-----BEGIN PUBLIC KEY----- …)");
        }
    }

    /** True when {@code signatureBase64} signs message id, timestamp and these exact body bytes; false for anything else. */
    public boolean verify(String messageId, String timestamp, byte[] rawBody, String signatureBase64) {
        if (messageId == null || timestamp == null || rawBody == null || signatureBase64 == null) {
            return false;
        }
        try {
            byte[] signature = Base64.getDecoder().decode(signatureBase64.trim());
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initVerify(key);
            s.update((messageId + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            s.update(rawBody);
            return s.verify(signature);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false; // not base64, the wrong length for the key: not a signature of this message
        }
    }
}
