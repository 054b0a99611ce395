package dev.kickwatch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.kickwatch.sink.HttpTarget;
import dev.kickwatch.sink.HttpTarget.ProbeResult;
import dev.kickwatch.sink.JdbcStore;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.VetoCamelContextStartException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, as the consumers start, asks each configured sink once whether its settings work
 * ({@link HttpTarget#probe}, {@link JdbcStore#probe}), all at once, each bounded by its timeout. A refusal (a wrong
 * token, key, password or table) is one ERROR line; under the prod profile the start waits for the answers and a
 * refusal stops it. A sink that cannot be reached now is one WARN line: it may come later, and its events wait in its
 * journal.
 */
final class SinkProbe implements StartupListener {

    private static final Logger LOG = LoggerFactory.getLogger(SinkProbe.class);

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) throws VetoCamelContextStartException {
        if (alreadyStarted) {
            return;
        }
        List<HttpTarget> targets = context.getRegistry().findByType(HttpTarget.class).stream()
                .filter(t -> !t.isEmpty()).toList();
        // JDBC: PostgreSQL only when no PostgREST URL takes the rows; the local SQLite file needs no probe
        List<JdbcStore> stores = context.getRegistry().findByType(JdbcStore.class).stream()
                .filter(j -> j.isEnabled() && !j.isSqlite()).filter(j -> targets.stream().noneMatch(t -> t.getName().equals("db")))
                .toList();
        if (targets.isEmpty() && stores.isEmpty()) {
            return;
        }
        List<CompletableFuture<ProbeResult>> asked = new ArrayList<>();
        targets.forEach(t -> asked.add(CompletableFuture.supplyAsync(t::probe)));
        stores.forEach(j -> asked.add(CompletableFuture.supplyAsync(j::probe)));
        CompletableFuture<List<ProbeResult>> answers = CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new))
                .thenApply(v -> asked.stream().map(CompletableFuture::join).toList());
        if (!"prod".equals(context.getCamelContextExtension().getProfile())) {
            // only prod refuses to start on a refusal: elsewhere the answers are said when they come, and the start
            // (the socket's connect, the subscriptions) does not wait for them
            answers.thenAccept(SinkProbe::say);
            return;
        }
        List<ProbeResult> results = answers.join();
        List<String> wrong = results.stream().filter(r -> r.outcome() == HttpTarget.Probe.WRONG).map(ProbeResult::line).toList();
        if (!wrong.isEmpty()) {
            throw new VetoCamelContextStartException(String.join("; ", wrong) + " (the prod profile starts only with sinks "
                    + "that accept their settings)", context, true);
        }
        say(results);
    }

    /** One line per answer: INFO when the settings work, WARN when the sink cannot be reached now, ERROR for a refusal. */
    private static void say(List<ProbeResult> results) {
        for (ProbeResult r : results) {
            switch (r.outcome()) {
                case OK -> LOG.info("Probe: {}", r.line());
                case UNREACHABLE -> LOG.warn("Probe: {}", r.line());
                case WRONG -> LOG.error("Probe: {}", r.line());
            }
        }
    }
}
