package dev.kickwatch.ops;

import java.util.Map;

import dev.kickwatch.sink.HttpTarget;
import dev.kickwatch.sink.JdbcStore;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/** Readiness of one sink: DOWN while its circuit breaker is open or half-open, and after its peer answered a "gone" status. */
public class SinkHealthCheck extends AbstractHealthCheck {

    private HttpTarget target;
    private JdbcStore jdbc;
    private String breakerId;

    public SinkHealthCheck(String sink) {
        super("kickwatch", sink);
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        boolean viaJdbc = (target == null || target.isEmpty()) && jdbc != null && jdbc.isEnabled();
        if ((target == null || target.isEmpty()) && !viaJdbc) {
            builder.detail("mode", "local").up();
            return;
        }
        if (viaJdbc) {
            String state = Breakers.state(getCamelContext(), breakerId);
            builder.detail("mode", jdbc.isSqlite() ? "sqlite" : "jdbc").detail("breaker", state);
            if (jdbc.getProblem() != null) {
                builder.message("db " + jdbc.getProblem()).down();
            } else if ("OPEN".equals(state) || "HALF_OPEN".equals(state) || "FORCED_OPEN".equals(state)) {
                builder.message("circuit breaker " + breakerId + " is " + state).down();
            } else {
                builder.up();
            }
            return;
        }
        String state = Breakers.state(getCamelContext(), breakerId);
        builder.detail("breaker", state);
        builder.detail("sent", target.getSent());
        builder.detail("failed", target.getFailed());
        if (target.isGone()) {
            builder.message(target.getName() + " answered HTTP " + target.getGoneStatus() + ": not used until restart").down();
        } else if ("OPEN".equals(state) || "HALF_OPEN".equals(state) || "FORCED_OPEN".equals(state)) {
            // half-open: the last call failed and the next one is a probe; the sink is not known to work yet
            builder.message("circuit breaker " + breakerId + " is " + state).down();
        } else {
            builder.up();
        }
    }

    /** The JDBC store, for the db check when rows go through JDBC (PostgreSQL or the local SQLite file). */
    public void setJdbc(JdbcStore jdbc) {
        this.jdbc = jdbc;
    }

    public void setTarget(HttpTarget target) {
        this.target = target;
    }

    public void setBreakerId(String breakerId) {
        this.breakerId = breakerId;
    }
}
