package dev.kickwatch.ops;

import java.util.Map;

import dev.kickwatch.pusher.KickConnectionState;
import dev.kickwatch.pusher.KickEndpoint;
import dev.kickwatch.cluster.KickwatchRole;
import dev.kickwatch.webhook.KickSource;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness of the Kick socket: DOWN while Kick refuses our settings (close 4000-4099), from a failed attempt to connect
 * until one succeeds (with its reason), or while the socket has been down longer than the grace period. A socket that
 * drops and reconnects at the first attempt is normal and stays UP.
 */
public class KickHealthCheck extends AbstractHealthCheck {

    private long graceMs = 60_000;
    private KickSource source = KickSource.PUSHER;
    private KickwatchRole role = KickwatchRole.ALL;

    public KickHealthCheck() {
        super("kickwatch", "kick");
    }

    /** Absent with kick.source webhook: no socket is opened. */
    @Override
    public boolean isEnabled() {
        return source.usesSocket() && role.ingests();
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        KickConnectionState state = KickEndpoint.stateOf(getCamelContext());
        if (state == null) {
            builder.message("no kick: endpoint").down();
            return;
        }
        builder.detail("connected", state.isConnected());
        builder.detail("subscribed", state.getSubscribed() + "/" + state.getChannels());
        builder.detail("reconnects", state.getReconnects());
        builder.detail("last_message_age_ms", state.getLastMessageAgeMs());
        if (state.getLastCloseCode() != null) {
            builder.detail("last_close_code", state.getLastCloseCode());
        }
        if (state.getFatalReason() != null) {
            builder.message(state.getFatalReason()).down();
        } else if (!state.isConnected() && state.getConnectFailure() != null) {
            // not after a grace period: an attempt to connect failed, so nothing comes in until one succeeds
            builder.message(state.getConnectFailure()).down();
        } else if (!state.isConnected() && state.getDisconnectedForMs() > graceMs) {
            builder.message("disconnected from Kick for " + state.getDisconnectedForMs() / 1000 + " s"
                    + (state.getLastDownReason() == null ? "" : " (" + state.getLastDownReason() + ")")).down();
        } else if (state.isConnected() && state.getRefusedCount() > 0) {
            Map<String, String> refused = state.getRefused();
            builder.detail("refused", refused);
            builder.message("Kick refused " + refused.size() + " Pusher channel" + (refused.size() == 1 ? "" : "s") + ": "
                    + String.join("; ", refused.entrySet().stream().limit(5).map(e -> e.getKey() + " (" + e.getValue() + ")")
                    .toList()) + (refused.size() > 5 ? "; …" : "")).down();
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

    /** How long the socket may be down before readiness says so (ms). */
    public void setGraceMs(long graceMs) {
        this.graceMs = graceMs;
    }
}
