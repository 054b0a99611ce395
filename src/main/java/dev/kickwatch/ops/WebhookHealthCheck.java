package dev.kickwatch.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import dev.kickwatch.cluster.KickwatchRole;
import dev.kickwatch.webhook.KickSource;
import dev.kickwatch.webhook.KickSubscriptions;
import dev.kickwatch.webhook.KickWebhookReceiver;
import org.apache.camel.ServiceStatus;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the webhook source (kick.source webhook or both; absent otherwise): DOWN while the listener route is not
 * started, or while Kick refuses the app's credentials or a subscription. Details: the listener's port and path, the
 * verified and refused deliveries, the age of the last verified one, the subscriptions in place.
 */
public class WebhookHealthCheck extends AbstractHealthCheck {

    /** The listener's route id (routes/kick-webhook.camel.yaml). */
    public static final String ROUTE = "kick-webhook";

    private KickSource source = KickSource.PUSHER;
    private KickwatchRole role = KickwatchRole.ALL;
    private KickWebhookReceiver receiver;
    private KickSubscriptions subscriptions;
    private String listener = "";

    public WebhookHealthCheck() {
        super("kickwatch", "kick-webhook");
    }

    @Override
    public boolean isEnabled() {
        return source.listens() && role.ingests();
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("listener", listener);
        builder.detail("verified", receiver.getVerified());
        receiver.getRefused().forEach((reason, n) -> builder.detail("refused_" + reason.replace('-', '_'), n));
        Instant last = receiver.getLastVerified();
        if (last != null) {
            builder.detail("last_verified_age_ms", Duration.between(last, Instant.now()).toMillis());
            builder.detail("last_verified_type", receiver.getLastType());
        }
        ServiceStatus status = getCamelContext().getRouteController().getRouteStatus(ROUTE);
        if (status == null || !status.isStarted()) {
            builder.message("the webhook listener (" + listener + ") is not started").down();
            return;
        }
        if (subscriptions == null || !subscriptions.isEnabled()) {
            builder.detail("subscriptions", "not managed (no kick.api.client-id / KICK_CLIENT_SECRET)");
            builder.up();
            return;
        }
        builder.detail("subscriptions", subscriptions.getSubscribed());
        String problem = subscriptions.getProblem();
        if (problem != null) {
            builder.message(problem).down();
        } else {
            builder.up();
        }
    }

    /** kickwatch.role: a sink worker (sinks) watches no Kick channel. */
    public void setRole(String role) {
        this.role = KickwatchRole.of(role);
    }

    public void setSource(String source) {
        this.source = KickSource.of(source);
    }

    public void setReceiver(KickWebhookReceiver receiver) {
        this.receiver = receiver;
    }

    public void setSubscriptions(KickSubscriptions subscriptions) {
        this.subscriptions = subscriptions;
    }

    /** Where Kick posts to, as shown: port and path. */
    public void setListener(String listener) {
        this.listener = listener;
    }
}
