package dev.kickwatch.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import dev.kickwatch.QueueOverflow;
import dev.kickwatch.cluster.KafkaCluster;
import dev.kickwatch.cluster.SinkWorker;
import dev.kickwatch.cluster.SinkWorkerPause;
import dev.kickwatch.event.EventDeduplicator;
import dev.kickwatch.event.KickEvent;
import dev.kickwatch.pusher.KickChannel;
import dev.kickwatch.pusher.KickConnectionState;
import dev.kickwatch.pusher.KickEndpoint;
import dev.kickwatch.sink.AdaptiveTimeout;
import dev.kickwatch.sink.HttpTarget;
import dev.kickwatch.sink.JdbcStore;
import dev.kickwatch.sink.Journal;
import dev.kickwatch.sink.JournalReplayer;
import dev.kickwatch.sink.RefusedEvents;
import dev.kickwatch.webhook.KickSubscriptions;
import dev.kickwatch.webhook.KickWebhookReceiver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.StartupListener;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerRouteEventNotifier;
import org.apache.camel.spi.EventNotifier;

/**
 * kickwatch's own Prometheus metrics (names {@code kickwatch_*}), read from the state the beans already keep; bound to
 * Camel's Micrometer registry once the context has started. README lists each one.
 */
public class KickwatchMetrics implements StartupListener, Processor {

    private volatile MeterRegistry registry;
    /** type -> channel -> counter: looked up per event without building a key. */
    private final Map<String, Map<String, Counter>> received = new ConcurrentHashMap<>();
    private final ChannelActivity activity = new ChannelActivity();

    /** Each channel's recent activity and the events by chat and other (the status page). */
    public ChannelActivity getActivity() {
        return activity;
    }

    /** Counts one normalized event by type and Kick channel (a step of the ingest route). */
    @Override
    public void process(Exchange exchange) {
        MeterRegistry r = registry;
        KickEvent e = exchange.getMessage().getBody(KickEvent.class);
        if (e == null) {
            return;
        }
        activity.record(e);
        if (r == null) {
            return;
        }
        String channel = String.valueOf(e.getChannel());
        received.computeIfAbsent(e.getType(), t -> new ConcurrentHashMap<>())
                .computeIfAbsent(channel, c -> Counter.builder("kickwatch_events_received")
                        .description("Kick events received, by normalized type and channel")
                        .tag("type", e.getType()).tag("channel", c).register(r))
                .increment();
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // Camel's route metrics (camel_routes_*) need route events only; without this its notifier would be handed an
        // event object for every exchange created, sent and completed: several per Kick event
        for (EventNotifier n : context.getManagementStrategy().getEventNotifiers()) {
            if (n instanceof MicrometerRouteEventNotifier) {
                n.setIgnoreExchangeEvents(true);
            }
        }
        try {
            activity.watch(KickChannel.slugs(context.getPropertiesComponent().resolveProperty("kick.channels").orElse("")));
        } catch (IllegalArgumentException e) {
            // ConfigCheck has said it at start-up
        }
        MeterRegistry r = context.getRegistry().findSingleByType(MeterRegistry.class);
        if (r == null) {
            return; // metrics are switched off
        }
        for (ChannelActivity.Channel c : activity.channels()) {
            Gauge.builder("kickwatch_channel_live", c, x -> Boolean.TRUE.equals(x.getLive()) ? 1 : 0)
                    .description("1 while the channel is live (from its last live/offline event since the start)")
                    .tag("channel", c.getSlug()).register(r);
            Gauge.builder("kickwatch_channel_last_event_age_seconds", c,
                            x -> x.getLastEventAt() == 0 ? -1 : (System.currentTimeMillis() - x.getLastEventAt()) / 1000.0)
                    .description("seconds since the channel's last event (-1 before the first)")
                    .tag("channel", c.getSlug()).register(r);
        }
        KickConnectionState kick = KickEndpoint.stateOf(context);
        if (kick != null) {
            gauge(r, "kickwatch_kick_connected", "1 while the Kick socket is connected", kick, s -> s.isConnected() ? 1 : 0);
            gauge(r, "kickwatch_kick_subscribed_channels", "Pusher channels acknowledged on the current socket", kick,
                    KickConnectionState::getSubscribed);
            gauge(r, "kickwatch_kick_fatal", "1 while Kick refuses the settings (close 4000-4099)", kick,
                    s -> s.getFatalReason() == null ? 0 : 1);
            gauge(r, "kickwatch_kick_refused_channels", "Pusher channels the server refused on the current socket", kick,
                    KickConnectionState::getRefusedCount);
            gauge(r, "kickwatch_kick_last_message_age_seconds", "seconds since the last frame from Kick (-1 before the first)",
                    kick, s -> s.getLastMessageAgeMs() < 0 ? -1 : s.getLastMessageAgeMs() / 1000.0);
            gauge(r, "kickwatch_kick_backoff_seconds", "the last reconnect delay chosen", kick, s -> s.getBackoffMs() / 1000.0);
            counter(r, "kickwatch_kick_reconnects", "reconnects scheduled", kick, KickConnectionState::getReconnects);
            counter(r, "kickwatch_kick_connections", "connections established", kick, KickConnectionState::getConnects);
            counter(r, "kickwatch_kick_frames_received", "frames received from Kick", kick, KickConnectionState::getFramesReceived);
            counter(r, "kickwatch_kick_frames_rejected", "frames ignored: not JSON, binary, no event, unknown channel", kick,
                    KickConnectionState::getFramesRejected);
            counter(r, "kickwatch_kick_subscribe_resends", "subscriptions resent for want of an acknowledgement", kick,
                    KickConnectionState::getSubscribeResends);
        }
        EventDeduplicator dedupe = context.getRegistry().lookupByNameAndType("kickDedupe", EventDeduplicator.class);
        if (dedupe != null) {
            counter(r, "kickwatch_events_duplicate", "repeats of an action already relayed (dropped)", dedupe,
                    EventDeduplicator::getDuplicates);
        }
        QueueOverflow overflow = context.getRegistry().lookupByNameAndType("queueOverflow", QueueOverflow.class);
        for (String queue : List.of("events", "discord", "db")) {
            if (overflow != null) {
                FunctionCounter.builder("kickwatch_queue_dropped", overflow, o -> o.getDropped(queue))
                        .description("events a full queue refused (written to a journal)").tag("queue", queue).register(r);
            }
            BlockingQueue<Exchange> q = Queues.of(context, queue);
            if (q != null) {
                Gauge.builder("kickwatch_queue_depth", q, BlockingQueue::size).description("events waiting in the queue")
                        .tag("queue", queue).register(r);
            }
        }
        for (String[] sink : List.of(new String[] { "discord", "discordTarget", "discord-cb", "discordTimeout" },
                new String[] { "db", "dbTarget", "db-cb", "dbTimeout" })) {
            HttpTarget t = context.getRegistry().lookupByNameAndType(sink[1], HttpTarget.class);
            if (t == null) {
                continue;
            }
            FunctionCounter.builder("kickwatch_sink_sent", t, HttpTarget::getSent).description("requests the peer accepted")
                    .tag("sink", sink[0]).register(r);
            FunctionTimer.builder("kickwatch_sink_request", t, HttpTarget::getAnswered,
                            HttpTarget::getRequestSeconds, TimeUnit.SECONDS)
                    .description("requests answered by the peer (any status) and the time spent waiting for them")
                    .tag("sink", sink[0]).register(r);
            Timer latency = Timer.builder("kickwatch_sink_latency").description("time to the peer's answer (any status)")
                    .tag("sink", sink[0]).publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(30)).register(r);
            t.setLatencyListener(nanos -> latency.record(nanos, TimeUnit.NANOSECONDS));
            FunctionCounter.builder("kickwatch_sink_failed", t, HttpTarget::getFailed).description("requests that failed")
                    .tag("sink", sink[0]).register(r);
            FunctionCounter.builder("kickwatch_sink_rejected", t, HttpTarget::getRejected)
                    .description("messages the peer refused for good (4xx)").tag("sink", sink[0]).register(r);
            Gauge.builder("kickwatch_sink_gone", t, x -> x.isGone() ? 1 : 0)
                    .description("1 after the peer answered 401/403/404 (Discord)").tag("sink", sink[0]).register(r);
            AdaptiveTimeout timeout = context.getRegistry().lookupByNameAndType(sink[3], AdaptiveTimeout.class);
            if (timeout != null) {
                Gauge.builder("kickwatch_sink_response_timeout_seconds", timeout, x -> x.getCurrentMs() / 1000.0)
                        .description("the response timeout the next request gets (follows the latency unless "
                                + "kickwatch.adaptive-timeout.enabled=false)").tag("sink", sink[0]).register(r);
            }
            String breaker = sink[2];
            Gauge.builder("kickwatch_sink_breaker_state", context, c -> breakerState(c, breaker))
                    .description("circuit breaker: 0 closed, 1 half-open, 2 open").tag("sink", sink[0]).register(r);
        }
        HttpTarget discord = context.getRegistry().lookupByNameAndType("discordTarget", HttpTarget.class);
        if (discord != null) {
            counter(r, "kickwatch_discord_rate_limited", "429 answers from Discord (waited out, resent)", discord,
                    HttpTarget::getRateLimited);
        }
        HttpTarget postgrest = context.getRegistry().lookupByNameAndType("dbTarget", HttpTarget.class);
        for (JdbcStore jdbc : context.getRegistry().findByType(JdbcStore.class)) {
            if (jdbc.isEnabled() && (postgrest == null || postgrest.isEmpty())) { // not when PostgREST takes the rows
                counter(r, "kickwatch_jdbc_rows_stored", "rows written over JDBC (PostgreSQL or the SQLite file)", jdbc,
                        JdbcStore::getStored);
                counter(r, "kickwatch_jdbc_rows_rejected", "rows the database refused for their data (db-rejected journal)",
                        jdbc, JdbcStore::getRejectedRows);
                counter(r, "kickwatch_jdbc_batches_failed", "JDBC batches that failed: down, timed out, a wrong setting "
                        + "(db journal)", jdbc, JdbcStore::getFailedBatches);
            }
        }
        Journal journal = context.getRegistry().lookupByNameAndType("journal", Journal.class);
        if (journal != null) {
            for (String name : List.of("db", "discord", "db-rejected", "discord-rejected", RefusedEvents.KAFKA)) {
                Gauge.builder("kickwatch_journal_bytes", journal, j -> j.sizeBytes(name)).description("journal file size")
                        .tag("journal", name).register(r);
                FunctionCounter.builder("kickwatch_journal_written", journal, j -> j.getWritten(name))
                        .description("lines written to the journal").tag("journal", name).register(r);
                FunctionCounter.builder("kickwatch_journal_dropped", journal, j -> j.getDropped(name))
                        .description("lines lost because the journal was full or not writable").tag("journal", name).register(r);
            }
            counter(r, "kickwatch_journal_write_errors", "journal appends that failed with an I/O error (a full disk)", journal,
                    Journal::getWriteErrors);
            gauge(r, "kickwatch_journal_writable", "0 while the journals cannot be written (since the last failed append)",
                    journal, j -> j.getWriteError() == null ? 1 : 0);
        }
        JournalReplayer replayer = context.getRegistry().lookupByNameAndType("journalReplayer", JournalReplayer.class);
        if (replayer != null) {
            counter(r, "kickwatch_journal_replayed", "journaled rows and messages delivered by replay", replayer,
                    JournalReplayer::getReplayed);
            counter(r, "kickwatch_journal_too_old", "journaled Discord messages dropped as older than discord.max-age", replayer,
                    JournalReplayer::getTooOld);
        }
        KickWebhookReceiver webhook = context.getRegistry().lookupByNameAndType("kickWebhook", KickWebhookReceiver.class);
        if (webhook != null && context.getRoute(WebhookHealthCheck.ROUTE) != null) {
            counter(r, "kickwatch_webhook_verified", "webhooks from Kick whose signature, age and JSON were good", webhook,
                    KickWebhookReceiver::getVerified);
            for (String reason : KickWebhookReceiver.REFUSALS) {
                FunctionCounter.builder("kickwatch_webhook_refused", webhook, w -> w.getRefused(reason))
                        .description("webhook requests answered 401/400 (reason: unsigned, bad-signature, stale, not-json)")
                        .tag("reason", reason).register(r);
            }
            gauge(r, "kickwatch_webhook_last_verified_age_seconds", "seconds since the last verified webhook (-1: none yet)",
                    webhook, w -> w.getLastVerified() == null ? -1 : (System.currentTimeMillis() - w.getLastVerified().toEpochMilli()) / 1000.0);
            KickSubscriptions subs = context.getRegistry().lookupByNameAndType("kickSubscriptions", KickSubscriptions.class);
            if (subs != null && subs.isEnabled()) {
                gauge(r, "kickwatch_webhook_subscriptions", "event subscriptions in place at Kick (last check)", subs,
                        KickSubscriptions::getSubscribed);
                gauge(r, "kickwatch_webhook_subscription_problem", "1 while a subscription is refused or cannot be checked",
                        subs, x -> x.getProblem() == null ? 0 : 1);
            }
        }
        KafkaCluster kafka = context.getRegistry().lookupByNameAndType(KafkaCluster.BEAN, KafkaCluster.class);
        SinkWorker worker = context.getRegistry().lookupByNameAndType("sinkWorker", SinkWorker.class);
        SinkWorkerPause pause = context.getRegistry().lookupByNameAndType("sinkWorkerPause", SinkWorkerPause.class);
        if (kafka != null && kafka.isEnabled() && worker != null && context.getRoute(SinkWorkerPause.ROUTE) != null) {
            counter(r, "kickwatch_kafka_worker_events", "events this sink worker took from the topic", worker,
                    SinkWorker::getEvents);
            counter(r, "kickwatch_kafka_records_skipped", "records of the topic that were not events (skipped)", worker,
                    SinkWorker::getSkipped);
            counter(r, "kickwatch_kafka_commit_failures", "batches whose offsets could not be committed (the next commit "
                    + "covers them)", worker, SinkWorker::getCommitFailures);
            counter(r, "kickwatch_kafka_commits", "offsets committed after both sinks took a batch (one per partition)",
                    worker, SinkWorker::getCommits);
            if (pause != null) {
                gauge(r, "kickwatch_kafka_worker_paused", "1 while this sink worker waits for an open breaker", pause,
                        p -> p.isPaused() ? 1 : 0);
            }
            gauge(r, "kickwatch_kafka_consumer_lag", "records of the events topic the sinks group has not committed "
                    + "(-1: no broker answers)", kafka, KafkaCluster::lag);
        }
        registry = r;
    }

    private static <T> void gauge(MeterRegistry r, String name, String help, T obj, ToDoubleFunction<T> f) {
        Gauge.builder(name, obj, f).description(help).register(r);
    }

    private static <T> void counter(MeterRegistry r, String name, String help, T obj, ToDoubleFunction<T> f) {
        FunctionCounter.builder(name, obj, f).description(help).register(r);
    }

    private static double breakerState(CamelContext context, String id) {
        return switch (Breakers.state(context, id)) {
            case "OPEN", "FORCED_OPEN" -> 2;
            case "HALF_OPEN" -> 1;
            default -> 0;
        };
    }
}
