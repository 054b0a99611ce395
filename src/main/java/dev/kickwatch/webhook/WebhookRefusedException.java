package dev.kickwatch.webhook;

/**
 * A webhook request that is not taken: the HTTP status it is answered with (401 unsigned, badly signed or stale, 400
 * not JSON) and why, in one line. It names headers and sizes, never the body or the signature.
 */
public class WebhookRefusedException extends Exception {

    private final int status;

    public WebhookRefusedException(int status, String reason) {
        super(reason, null, false, false); // no stack trace: a refusal is an answer, not a fault of ours
        this.status = status;
    }

    public int getStatus() {
        return status;
    }
}
