package dev.kickwatch.pusher;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.camel.Category;
import org.apache.camel.Consumer;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.UriEndpoint;
import org.apache.camel.support.DefaultEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code kick:name?url=RAW(wss://...)&channels=slug:chatroomId:channelId,...}: a consumer of Kick's Pusher feed.
 * Times are milliseconds unless the name says otherwise. A channel given as a bare slug is looked up when the
 * endpoint is created, long before anything subscribes: from {@code <dataDir>/channels.json}, else from Kick's channel
 * endpoint at {@code apiBaseUrl} ({@link ChannelResolver}); a slug neither knows fails the start, in one line.
 */
@UriEndpoint(firstVersion = "0.1.0", scheme = "kick", title = "Kick Pusher feed", syntax = "kick:name",
             consumerOnly = true, category = { Category.MESSAGING })
public class KickEndpoint extends DefaultEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(KickEndpoint.class);

    /**
     * A CamelContext global option: "true" defers looking up bare slugs from the endpoint's creation to its consumer's
     * start; for a context that only checks the routes and never starts them (RouteValidator), so that it asks nobody.
     */
    public static final String DEFER_LOOKUP = "kick.deferChannelLookup";

    private String url;
    private String channels;
    private String apiBaseUrl = ChannelResolver.DEFAULT_BASE_URL;
    private String dataDir = "./data";
    private String channelTemplates = "chatrooms.{chatroomId}.v2,chatroom_{chatroomId},channel.{channelId},channel_{channelId}";
    private long connectTimeout = 30_000;
    private long subscribeAckTimeout = 10_000;
    private long activityTimeoutMax = 120_000;
    private long pongTimeout = 30_000;
    private long reconnectInitialDelay = 1_000;
    private long reconnectMaxDelay = 60_000;
    private long fatalRetryDelay = 300_000;
    private long stableAfter = 30_000;
    private int closingTimeoutSeconds = 2;
    private int maxMessageSize = 16 * 1024 * 1024;
    private int maxFrameSize = 1024 * 1024;

    private final KickConnectionState state = new KickConnectionState();
    private List<KickChannel> parsedChannels;
    private String hostPort = "?";
    private Map<String, KickChannel> pusherChannels;

    public KickEndpoint(String uri, KickComponent component) {
        super(uri, component);
    }

    void validate() {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("kick.pusher.url (KICK_PUSHER_URL) is empty: give the Pusher ws:// or wss:// URL");
        }
        URI u;
        try {
            u = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("kick.pusher.url (KICK_PUSHER_URL) is not a valid URL");
        }
        if (u.getScheme() == null || !(u.getScheme().equals("ws") || u.getScheme().equals("wss")) || u.getHost() == null) {
            throw new IllegalArgumentException("kick.pusher.url (KICK_PUSHER_URL) must be a ws:// or wss:// URL with a host");
        }
        hostPort = u.getHost() + ":" + (u.getPort() > 0 ? u.getPort() : u.getScheme().equals("wss") ? 443 : 80);
        // every entry and the templates are checked first, with stand-in ids for bare slugs
        Map<String, KickChannel> standIns = new HashMap<>();
        KickChannel.bareSlugs(channels).forEach(slug -> standIns.put(slug, new KickChannel(slug, 1, 1L)));
        if (KickChannel.pusherChannels(KickChannel.parseList(channels, standIns), channelTemplates).isEmpty()) {
            throw new IllegalArgumentException("kick.pusher.channel-templates (KICK_PUSHER_CHANNEL_TEMPLATES) yields no Pusher channel");
        }
        positive("kick.pusher.connect-timeout (KICK_PUSHER_CONNECT_TIMEOUT)", connectTimeout);
        positive("kick.pusher.subscribe-ack-timeout (KICK_PUSHER_SUBSCRIBE_ACK_TIMEOUT)", subscribeAckTimeout);
        positive("kick.pusher.activity-timeout-max (KICK_PUSHER_ACTIVITY_TIMEOUT_MAX)", activityTimeoutMax);
        positive("kick.pusher.pong-timeout (KICK_PUSHER_PONG_TIMEOUT)", pongTimeout);
        positive("kick.pusher.reconnect-initial-delay (KICK_PUSHER_RECONNECT_INITIAL_DELAY)", reconnectInitialDelay);
        positive("kick.pusher.reconnect-max-delay (KICK_PUSHER_RECONNECT_MAX_DELAY)", reconnectMaxDelay);
        positive("kick.pusher.fatal-retry-delay (KICK_PUSHER_FATAL_RETRY_DELAY)", fatalRetryDelay);
        if (reconnectInitialDelay > reconnectMaxDelay) {
            throw new IllegalArgumentException("kick.pusher.reconnect-initial-delay (KICK_PUSHER_RECONNECT_INITIAL_DELAY) is larger than "
                    + "kick.pusher.reconnect-max-delay (KICK_PUSHER_RECONNECT_MAX_DELAY)");
        }
        if (standIns.isEmpty() || !"true".equals(getCamelContext().getGlobalOption(DEFER_LOOKUP))) {
            pusherChannels(); // bare slugs are looked up now, last: one that cannot be stops start-up like a bad setting
        }
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be a positive number of milliseconds, got " + value);
        }
    }

    @Override
    public Producer createProducer() {
        throw new UnsupportedOperationException("kick: is a consumer only; kickwatch never writes to Kick");
    }

    @Override
    public Consumer createConsumer(Processor processor) throws Exception {
        KickConsumer consumer = new KickConsumer(this, processor);
        configureConsumer(consumer);
        return consumer;
    }

    @Override
    public KickComponent getComponent() {
        return (KickComponent) super.getComponent();
    }

    public KickConnectionState getState() {
        return state;
    }

    /** The connection state of the context's {@code kick:} endpoint, or null when it has none. */
    public static KickConnectionState stateOf(org.apache.camel.CamelContext context) {
        return context.getEndpoints().stream().filter(e -> e instanceof KickEndpoint)
                .map(e -> ((KickEndpoint) e).getState()).findFirst().orElse(null);
    }

    /** The Pusher channels to subscribe, by name; the first call looks up the channels given as a bare slug. */
    synchronized Map<String, KickChannel> pusherChannels() {
        if (pusherChannels == null) {
            parsedChannels = KickChannel.parseList(channels, resolveBareSlugs());
            pusherChannels = KickChannel.pusherChannels(parsedChannels, channelTemplates);
        }
        return pusherChannels;
    }

    private Map<String, KickChannel> resolveBareSlugs() {
        List<String> bare = KickChannel.bareSlugs(channels);
        if (bare.isEmpty()) {
            return Map.of(); // entries with ids: no cache, no network
        }
        Path cache = Path.of(dataDir == null || dataDir.isBlank() ? "./data" : dataDir.trim()).resolve(ChannelResolver.CACHE_FILE);
        ChannelResolver resolver = new ChannelResolver(apiBaseUrl, ChannelResolver.DEFAULT_TIMEOUT);
        Map<String, KickChannel> out = new HashMap<>();
        try {
            for (ChannelResolver.Resolved r : resolver.resolveAll(bare, cache)) {
                KickChannel c = r.channel();
                out.put(c.slug(), c);
                LOG.info("Kick channel {} is {} ({})", c.slug(), ChannelResolver.entry(c),
                        r.fromCache() ? "from " + cache : "looked up at " + resolver.url(c.slug()) + ", cached in " + cache);
            }
        } catch (ChannelResolver.LookupException e) {
            String slug = e.slug();
            String head = "kick.channels (KICK_CHANNELS): '" + slug + "' is given without ids and is not in " + cache + "; ";
            throw new IllegalArgumentException(switch (e.failure()) {
                case NOT_FOUND -> head + e.getMessage() + "; check the slug, or give " + slug + ":chatroomId[:channelId]";
                case REFUSED -> head + e.getMessage();
                case FAILED -> head + e.getMessage() + "; try again, or " + resolver.refusedAdvice(slug);
            });
        }
        return out;
    }

    // options ------------------------------------------------------------------------------------------------------

    /** The Pusher server's host and port, for messages: the URL's path holds the app key, and is not shown. */
    public String getHostPort() {
        return hostPort;
    }

    public String getUrl() {
        return url;
    }

    /** The Pusher WebSocket URL including app key and query. */
    public void setUrl(String url) {
        this.url = url;
    }

    public String getChannels() {
        return channels;
    }

    /** Comma list of slug:chatroomId[:channelId] or bare slugs. */
    public void setChannels(String channels) {
        this.channels = channels;
    }

    public String getApiBaseUrl() {
        return apiBaseUrl;
    }

    /** Where Kick's channel endpoint ({@code /api/v2/channels/<slug>}) is asked for the ids of a bare slug. */
    public void setApiBaseUrl(String apiBaseUrl) {
        this.apiBaseUrl = apiBaseUrl;
    }

    public String getDataDir() {
        return dataDir;
    }

    /** The directory of the cache of looked-up channels, {@code channels.json}. */
    public void setDataDir(String dataDir) {
        this.dataDir = dataDir;
    }

    public String getChannelTemplates() {
        return channelTemplates;
    }

    public void setChannelTemplates(String channelTemplates) {
        this.channelTemplates = channelTemplates;
    }

    public long getConnectTimeout() {
        return connectTimeout;
    }

    public void setConnectTimeout(long connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    public long getSubscribeAckTimeout() {
        return subscribeAckTimeout;
    }

    public void setSubscribeAckTimeout(long subscribeAckTimeout) {
        this.subscribeAckTimeout = subscribeAckTimeout;
    }

    public long getActivityTimeoutMax() {
        return activityTimeoutMax;
    }

    public void setActivityTimeoutMax(long activityTimeoutMax) {
        this.activityTimeoutMax = activityTimeoutMax;
    }

    public long getPongTimeout() {
        return pongTimeout;
    }

    public void setPongTimeout(long pongTimeout) {
        this.pongTimeout = pongTimeout;
    }

    public long getReconnectInitialDelay() {
        return reconnectInitialDelay;
    }

    public void setReconnectInitialDelay(long reconnectInitialDelay) {
        this.reconnectInitialDelay = reconnectInitialDelay;
    }

    public long getReconnectMaxDelay() {
        return reconnectMaxDelay;
    }

    public void setReconnectMaxDelay(long reconnectMaxDelay) {
        this.reconnectMaxDelay = reconnectMaxDelay;
    }

    public long getFatalRetryDelay() {
        return fatalRetryDelay;
    }

    public void setFatalRetryDelay(long fatalRetryDelay) {
        this.fatalRetryDelay = fatalRetryDelay;
    }

    public long getStableAfter() {
        return stableAfter;
    }

    public void setStableAfter(long stableAfter) {
        this.stableAfter = stableAfter;
    }

    public int getClosingTimeoutSeconds() {
        return closingTimeoutSeconds;
    }

    public void setClosingTimeoutSeconds(int closingTimeoutSeconds) {
        this.closingTimeoutSeconds = closingTimeoutSeconds;
    }

    public int getMaxFrameSize() {
        return maxFrameSize;
    }

    /** Frames longer than this many characters are ignored and counted (Kick's largest are a few kB). */
    public void setMaxFrameSize(int maxFrameSize) {
        this.maxFrameSize = maxFrameSize;
    }

    public int getMaxMessageSize() {
        return maxMessageSize;
    }

    public void setMaxMessageSize(int maxMessageSize) {
        this.maxMessageSize = maxMessageSize;
    }
}
