package dev.kickwatch.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real local HTTP server standing in for Discord or PostgREST: records every POST, answers as told. The GETs of the
 * start-up probe are kept apart ({@link #probes()}, answered by {@link #probeAnswer}, 200 by default), so that a
 * test's behaviour and request counts see the deliveries only.
 */
public final class HttpSinkServer implements AutoCloseable {

    /** One recorded request. Header names are lower case. */
    public record Request(String method, String path, String query, Map<String, String> headers, String body) {
    }

    /** What to answer. */
    public record Response(int status, String body, Map<String, String> headers) {
        public static Response of(int status) {
            return new Response(status, "", Map.of());
        }

        public static Response of(int status, String body) {
            return new Response(status, body, Map.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Request> probes = new CopyOnWriteArrayList<>();
    private volatile Function<Request, Response> behaviour = r -> Response.of(204);
    private volatile Response probeAnswer = Response.of(200, "[]");
    private volatile boolean getsApart = true;

    public HttpSinkServer() throws IOException {
        this(0);
    }

    /** On that port (0: a free one); a server can come back on the port of one that was closed. */
    public HttpSinkServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    private void handle(HttpExchange ex) throws IOException {
        byte[] in;
        try (InputStream is = ex.getRequestBody()) {
            in = is.readAllBytes();
        }
        Map<String, String> headers = new TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), String.join(",", v)));
        Request req = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
                headers, new String(in, StandardCharsets.UTF_8));
        Response resp;
        if (getsApart && req.method().equals("GET")) {
            probes.add(req);
            resp = probeAnswer;
        } else {
            requests.add(req);
            resp = behaviour.apply(req);
        }
        resp.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        byte[] out = resp.body().getBytes(StandardCharsets.UTF_8);
        if (out.length > 0) {
            ex.getResponseHeaders().add("Content-Type", "application/json");
        }
        ex.sendResponseHeaders(resp.status(), out.length == 0 ? -1 : out.length);
        try (OutputStream os = ex.getResponseBody()) {
            os.write(out);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public List<Request> requests() {
        return requests;
    }

    public List<Request> probes() {
        return probes;
    }

    /** For a stand-in whose GETs are its requests (Kick's channel endpoint): they are recorded and answered as told. */
    public HttpSinkServer getsAreRequests() {
        this.getsApart = false;
        return this;
    }

    /** The answer to every GET (the start-up probe). */
    public void probeAnswer(Response answer) {
        this.probeAnswer = answer;
    }

    public void behave(Function<Request, Response> behaviour) {
        this.behaviour = behaviour;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
