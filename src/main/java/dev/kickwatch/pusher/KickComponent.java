package dev.kickwatch.pusher;

import java.util.Map;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.file.FileSystemOptions;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * The {@code kick:} component: Kick's Pusher (protocol 7) feed on one Vert.x WebSocket, with subscribe,
 * heartbeat, close-code handling and back-off done in {@link KickConsumer}. Owns its own small Vert.x instance.
 */
public class KickComponent extends DefaultComponent {

    private Vertx vertx;

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        KickEndpoint endpoint = new KickEndpoint(uri, this);
        setProperties(endpoint, parameters);
        endpoint.validate();
        return endpoint;
    }

    synchronized Vertx vertx() {
        if (vertx == null) {
            // one event loop is plenty for one socket; no file cache directory in the working directory
            vertx = Vertx.vertx(new VertxOptions()
                    .setEventLoopPoolSize(1)
                    .setWorkerPoolSize(1)
                    .setInternalBlockingPoolSize(1)
                    .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false).setClassPathResolvingEnabled(false)));
        }
        return vertx;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
            vertx = null;
        }
        super.doStop();
    }
}
