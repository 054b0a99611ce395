package dev.kickwatch;

import dev.kickwatch.cluster.KickwatchRole;
import dev.kickwatch.ops.WebhookHealthCheck;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.VetoCamelContextStartException;

/**
 * Refuses to start a relay that relays nothing: no route at all, or none with the id {@code kick-ingest} (nor
 * {@code kick-webhook}), which is where events come in; for a sink worker (kickwatch.role sinks), none with the id
 * {@code kafka-sinks}. Checked when the routes are built and no consumer has started yet (Camel's first call of
 * onCamelContextStarted); the message names where the routes were looked for, as a wrong working directory is the
 * usual cause.
 */
final class RoutesCheck implements StartupListener {

    static final String INGEST = "kick-ingest";
    static final String SINKS = "kafka-sinks";

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws VetoCamelContextStartException {
        if (alreadyStarted) {
            return;
        }
        String where = context.getPropertiesComponent().resolveProperty("camel.main.routes-include-pattern")
                .orElse("the routes given to Camel");
        if (context.getRoutes().isEmpty()) {
            throw veto(context, "no routes found in " + where + ": start kickwatch from the directory that holds "
                    + "routes/*.camel.yaml, or from any other to use the routes inside the jar");
        }
        boolean sinksOnly = !KickwatchRole.of(context.getPropertiesComponent().resolveProperty("kickwatch.role").orElse("all")).ingests();
        if (sinksOnly && context.getRoute(SINKS) == null) {
            throw veto(context, "no route with id '" + SINKS + "' in " + where + " (" + context.getRoutes().size()
                    + " routes found): a sink worker (kickwatch.role sinks) takes its events there; routes/kafka.camel.yaml holds it");
        }
        if (!sinksOnly && context.getRoute(INGEST) == null && context.getRoute(WebhookHealthCheck.ROUTE) == null) {
            throw veto(context, "no route with id '" + INGEST + "' in " + where + " (" + context.getRoutes().size()
                    + " routes found): without it no event comes in; routes/kick-ingest.camel.yaml holds it (or '"
                    + WebhookHealthCheck.ROUTE + "', routes/kick-webhook.camel.yaml, with kick.source webhook)");
        }
    }

    /** A veto stops the start with one WARN line and no stack trace; rethrown, so that Camel Main exits with 1. */
    private static VetoCamelContextStartException veto(CamelContext context, String message) {
        return new VetoCamelContextStartException(message, context, true);
    }

}
