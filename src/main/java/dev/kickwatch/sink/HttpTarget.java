package dev.kickwatch.sink;

import java.net.URI;

import org.apache.camel.Exchange;
import org.apache.camel.Message;

/**
 * Where a sink POSTs, kept out of every endpoint URI: the route's {@code http:} endpoint has a placeholder host and
 * this bean puts the real URL in {@code CamelHttpUri} per message, so the webhook token and the API key never show
 * in route dumps, JMX, endpoint lists or exception messages. {@link #toString()} is redacted.
 */
public class HttpTarget {

    private String name = "sink";
    private String property = "";
    private String url = "";
    private String apiKey = "";
    private String query = "";
    private String prefer = "";

    /** True when no URL is configured: the route uses its local fallback (console or file). */
    public boolean isEmpty() {
        return url.isBlank();
    }

    /** Sets the request headers on a message whose other headers were already removed. */
    public void apply(Exchange exchange) {
        Message m = exchange.getMessage();
        m.setHeader(Exchange.HTTP_URI, url);
        m.setHeader(Exchange.HTTP_METHOD, "POST");
        m.setHeader(Exchange.CONTENT_TYPE, "application/json");
        if (!query.isBlank()) {
            m.setHeader(Exchange.HTTP_QUERY, query);
        }
        if (!prefer.isBlank()) {
            m.setHeader("Prefer", prefer);
        }
        if (!apiKey.isBlank()) {
            m.setHeader("apikey", apiKey);
            m.setHeader("Authorization", "Bearer " + apiKey);
        }
    }

    public void setName(String name) {
        this.name = name;
    }

    /** The property and environment variable the URL comes from, named in error messages. */
    public void setProperty(String property) {
        this.property = property;
    }

    /** Validated here so that a wrong value stops start-up with one line that does not repeat the secret. */
    public void setUrl(String url) {
        String u = url == null ? "" : url.trim();
        if (!u.isEmpty()) {
            URI parsed;
            try {
                parsed = URI.create(u);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(property + " is not a valid URL");
            }
            if (parsed.getScheme() == null || !(parsed.getScheme().equals("http") || parsed.getScheme().equals("https"))
                    || parsed.getHost() == null) {
                throw new IllegalArgumentException(property + " must be an http:// or https:// URL with a host");
            }
        }
        this.url = u;
    }

    public void setApiKey(String apiKey) {
        this.apiKey = apiKey == null ? "" : apiKey.trim();
    }

    public void setQuery(String query) {
        this.query = query == null ? "" : query.trim();
    }

    public void setPrefer(String prefer) {
        this.prefer = prefer == null ? "" : prefer.trim();
    }

    @Override
    public String toString() {
        return name + (isEmpty() ? " (not configured)" : " (URL set, redacted)");
    }
}
