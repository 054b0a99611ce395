package dev.kickwatch.webhook;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Base64;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Kick's own test vector against its published key, and keys a test makes: only the exact message verifies. */
class KickSignatureTest {

    static final String ID = "01JQR5KV0QC94HMETWYNBWRW4Z";
    static final String TIMESTAMP = "2025-04-01T07:56:19Z";
    static final String SIGNATURE = "fpZCxfE8lojfMhDPvSpmEjHbJH4+6OFVSLStKgiTxH7QXQw/M3sdWWl0o/pxBz0vA9xXP8x3l+z7WNkT3C+6K7MkEZBtvv+88IAgWyJ2uTLKJtuFn5FIIQKTv1tAqOeFIp1A56DJR9eJ/yzG+flj9RwSNcvMPXBHS3X5jisBiKhYrqUUAW6HYuYKMq5cTcxb1IX0hyN5jEkFv2BuWAIlriyVztdXBX1aHENBxCSf1qbFzQ26VCaZNCOGPpLS+4kHzuU8Zkju+o4nAUm+DIC8c1CjYfPIwu/tZb2HPGklXt1ZMQXpnP+F/Oo+NaW8Z0fBl1ZG8wanIVjPClkoDR4QZQ==";
    static final String BODY = "{\"broadcaster\":{\"is_anonymous\":false,\"user_id\":4809577,\"username\":\"FusedChat\",\"is_verified\":null,"
            + "\"profile_picture\":\"https://files.kick.com/images/user/4809577/profile_image/conversion/9028f795-f3ef-42dc-9cfc-7cb7ba6f32fa-medium.webp\","
            + "\"channel_slug\":\"fusedchat\"},\"is_live\":true,\"title\":\"Multiplatform bot!\",\"started_at\":\"2025-04-01T07:56:18Z\","
            + "\"ended_at\":null}";

    @Test
    void should_verify_kicks_test_vector_with_the_built_in_key_and_nothing_changed_by_one_byte() {
        KickSignature kick = KickSignature.builtIn();
        byte[] body = BODY.getBytes(StandardCharsets.UTF_8);
        assertTrue(kick.verify(ID, TIMESTAMP, body, SIGNATURE));
        byte[] tampered = body.clone();
        tampered[tampered.length - 3] = 'x'; // "ended_at":nulx
        assertFalse(kick.verify(ID, TIMESTAMP, tampered, SIGNATURE), "one byte of the body");
        assertFalse(kick.verify(ID, "2025-04-01T07:56:20Z", body, SIGNATURE), "the timestamp");
        assertFalse(kick.verify("01JQR5KV0QC94HMETWYNBWRW50", TIMESTAMP, body, SIGNATURE), "the message id");
        assertFalse(kick.verify(ID, TIMESTAMP, (BODY + "\n").getBytes(StandardCharsets.UTF_8), SIGNATURE), "a trailing newline");
        assertFalse(kick.verify(ID, TIMESTAMP, body, "not base64!"));
        assertFalse(kick.verify(ID, TIMESTAMP, body, null));
    }

    @Test
    void should_verify_with_a_configured_key_and_refuse_the_wrong_key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair ours = g.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(ours.getPublic().getEncoded()) + "\n-----END PUBLIC KEY-----\n";
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initSign(ours.getPrivate());
        s.update((ID + "." + TIMESTAMP + "." + BODY).getBytes(StandardCharsets.UTF_8));
        String signed = Base64.getEncoder().encodeToString(s.sign());
        assertTrue(KickSignature.of(pem).verify(ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8), signed));
        assertFalse(KickSignature.builtIn().verify(ID, TIMESTAMP, BODY.getBytes(StandardCharsets.UTF_8), signed),
                "signed with another key than Kick's");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> KickSignature.of("not a key"));
        assertEquals("kick.webhook.public-key (KICK_WEBHOOK_PUBLIC_KEY) is not a PEM RSA public key (-----BEGIN PUBLIC KEY----- …)",
                e.getMessage());
    }
}
