package dev.kickwatch.pusher;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A channel's ids from its slug, by Kick's channel endpoint {@code GET <base>/api/v2/channels/<slug>} ({@code id},
 * {@code chatroom.id}), asked the way a browser asks. Kick serves it behind Cloudflare and calls it internal: it may
 * refuse any client that is not a browser, and then the way out is a browser (see {@link #refusedAdvice}).
 * Also the cache of what was looked up, {@code <data-dir>/channels.json}, so that a restart needs no lookup.
 */
public final class ChannelResolver {

    private static final Logger LOG = LoggerFactory.getLogger(ChannelResolver.class);

    public static final String DEFAULT_BASE_URL = "https://kick.com";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** The cache's file name in the data directory. */
    public static final String CACHE_FILE = "channels.json";

    /** A current desktop Chrome: the plainest client Cloudflare's default rules still let through most often. */
    static final String USER_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/138.0.0.0 Safari/537.36";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Why a lookup gave no ids. */
    public enum Failure { NOT_FOUND, REFUSED, FAILED }

    /** A lookup that gave no ids; the message is one line for the user. */
    public static final class LookupException extends Exception {
        private final Failure failure;
        private final String slug;

        LookupException(Failure failure, String slug, String message) {
            super(message.replaceAll("\\s+", " ").trim(), null, false, false); // one line, whatever a peer said
            this.failure = failure;
            this.slug = slug;
        }

        public Failure failure() {
            return failure;
        }

        /** The slug that was looked up. */
        public String slug() {
            return slug;
        }
    }

    /** A resolved channel and where its ids came from. */
    public record Resolved(KickChannel channel, boolean fromCache) {
    }

    private final String baseUrl;
    private final Duration timeout;
    private final HttpClient client;

    public ChannelResolver(String baseUrl, Duration timeout) {
        String base = baseUrl == null || baseUrl.isBlank() ? DEFAULT_BASE_URL : baseUrl.trim();
        this.baseUrl = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** The channel endpoint's URL for a slug. */
    public String url(String slug) {
        return baseUrl + "/api/v2/channels/" + slug;
    }

    /** The one way that always works when Kick refuses a program: a browser, and the ids written into KICK_CHANNELS. */
    public String refusedAdvice(String slug) {
        return "open " + url(slug) + " in a browser and set KICK_CHANNELS=" + slug + ":<chatroom.id>:<id>";
    }

    /** Asks Kick for the ids of one channel. */
    public KickChannel lookup(String rawSlug) throws LookupException {
        String slug = rawSlug == null ? "" : rawSlug.trim().toLowerCase(Locale.ROOT);
        if (!KickChannel.isSlug(slug)) {
            throw new LookupException(Failure.NOT_FOUND, String.valueOf(rawSlug),
                    "'" + rawSlug + "' is not a Kick channel slug (letters, digits, - and _)");
        }
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url(slug))).timeout(timeout).GET()
                    .header("User-Agent", USER_AGENT)
                    .header("Accept", "application/json")
                    .header("Accept-Language", "en-US,en;q=0.9")
                    .header("Referer", baseUrl + "/" + slug)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new LookupException(Failure.FAILED, slug, "cannot look up Kick channel '" + slug + "': kick.api.base-url "
                    + "(KICK_API_BASE_URL) is not an http(s) URL");
        }
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw failed(slug, "no answer within "
                    + (timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms"));
        } catch (ConnectException e) {
            throw failed(slug, "cannot connect (" + (e.getMessage() == null ? "connection refused" : e.getMessage()) + ")");
        } catch (IOException e) {
            throw failed(slug, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failed(slug, "interrupted");
        }
        return answer(slug, response.statusCode(), response.headers().firstValue("Server").orElse(""),
                response.headers().firstValue("cf-mitigated").isPresent(), response.headers().firstValue("Content-Type").orElse(""),
                response.body() == null ? "" : response.body());
    }

    private KickChannel answer(String slug, int status, String server, boolean cfMitigated, String contentType, String body)
            throws LookupException {
        boolean cloudflare = cfMitigated || server.toLowerCase(Locale.ROOT).contains("cloudflare");
        boolean html = contentType.toLowerCase(Locale.ROOT).contains("text/html") || body.stripLeading().startsWith("<");
        if (status == 404 && !html) {
            throw new LookupException(Failure.NOT_FOUND, slug, "no Kick channel named '" + slug + "'");
        }
        if (status == 403 || status == 429 || status == 503 || (html && status != 404) || (cloudflare && status >= 400)) {
            throw new LookupException(Failure.REFUSED, slug, "Kick refused the lookup of '" + slug + "' ("
                    + (cloudflare ? "Cloudflare, " : "") + "HTTP " + status + "): " + refusedAdvice(slug));
        }
        if (status == 404) { // an HTML 404 page without Cloudflare: the base URL does not serve the channel endpoint
            throw failed(slug, "HTTP 404 with an HTML page: is kick.api.base-url (KICK_API_BASE_URL) Kick's?");
        }
        if (status != 200) {
            throw failed(slug, "HTTP " + status);
        }
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            throw failed(slug, "the answer is not JSON");
        }
        long channelId = json == null ? 0 : json.path("id").asLong(0);
        long chatroomId = json == null ? 0 : json.path("chatroom").path("id").asLong(0);
        if (channelId <= 0 || chatroomId <= 0) {
            throw failed(slug, "the answer has no id and chatroom.id");
        }
        return new KickChannel(slug, chatroomId, channelId);
    }

    private LookupException failed(String slug, String reason) {
        return new LookupException(Failure.FAILED, slug, "cannot look up Kick channel '" + slug + "' at " + url(slug) + ": " + reason);
    }

    /**
     * The ids of bare slugs: from the cache file when it has them, else from Kick; what Kick answered is added to the
     * cache (written once, atomically). Stops at the first slug neither knows, after caching the ones found before it.
     */
    public List<Resolved> resolveAll(List<String> slugs, Path cacheFile) throws LookupException {
        Map<String, KickChannel> cache = readCache(cacheFile);
        List<Resolved> out = new ArrayList<>();
        boolean added = false;
        try {
            for (String raw : slugs) {
                String slug = raw.trim().toLowerCase(Locale.ROOT);
                KickChannel cached = cache.get(slug);
                if (cached != null) {
                    out.add(new Resolved(cached, true));
                } else {
                    KickChannel found = lookup(slug);
                    cache.put(slug, found);
                    added = true;
                    out.add(new Resolved(found, false));
                }
            }
        } finally {
            if (added) {
                try {
                    writeCache(cacheFile, cache);
                } catch (IOException | RuntimeException e) {
                    LOG.warn("Could not write {} ({}): the channels will be looked up again at the next start", cacheFile,
                            e.getMessage());
                }
            }
        }
        return out;
    }

    /** The cached channels by slug; empty when there is no cache file, or when it cannot be read (with a warning). */
    public static Map<String, KickChannel> readCache(Path file) {
        Map<String, KickChannel> out = new TreeMap<>();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return out;
        } catch (IOException e) {
            LOG.warn("Could not read {} ({}): the channels given by slug alone are looked up again", file, e.getMessage());
            return out;
        }
        try {
            JsonNode root = JSON.readTree(text);
            for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                long chatroom = e.getValue().path("chatroomId").asLong(0);
                long channel = e.getValue().path("channelId").asLong(0);
                if (KickChannel.isSlug(e.getKey()) && chatroom > 0) {
                    out.put(e.getKey(), new KickChannel(e.getKey(), chatroom, channel > 0 ? channel : null));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("{} is not a channel cache (bad JSON): the channels given by slug alone are looked up again", file);
            out.clear();
        }
        return out;
    }

    /** Writes the cache: to a temporary file in the same directory, then moved over the old one in one step. */
    public static void writeCache(Path file, Map<String, KickChannel> channels) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        for (KickChannel c : new TreeMap<>(channels).values()) {
            ObjectNode entry = root.putObject(c.slug());
            entry.put("chatroomId", c.chatroomId());
            if (c.channelId() != null) {
                entry.put("channelId", c.channelId());
            }
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n", StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** {@code slug:chatroomId:channelId} (or {@code slug:chatroomId}), as KICK_CHANNELS takes it. */
    public static String entry(KickChannel c) {
        return c.slug() + ":" + c.chatroomId() + (c.channelId() == null ? "" : ":" + c.channelId());
    }
}
