package dev.kickwatch.sink;

import java.net.SocketTimeoutException;
import java.util.Arrays;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.util.Timeout;

/**
 * One sink's HTTP response timeout, following the sink's observed latency: {@code factor} × the p99 of the last
 * {@value #WINDOW} answers, never below {@code floorMs} nor above {@code maxMs} (the configured response timeout).
 * A sink that answers in 20 ms is then given up on after {@code floorMs}, not after the full timeout, when it hangs.
 * A request that times out counts as a sample of the timeout it had, so a sink that became slower for good raises
 * its timeout again: three timeouts in a row multiply it by {@code factor}. Until {@value #MIN_SAMPLES} answers are seen, and when switched off,
 * the timeout is {@code maxMs}. Installed as the {@code http:} endpoint's {@code httpClientConfigurer}: each request
 * gets the current value.
 */
public class AdaptiveTimeout implements HttpClientConfigurer {

    static final int WINDOW = 200;
    static final int MIN_SAMPLES = 20;

    private final long[] samples = new long[WINDOW];
    private int count;
    private boolean enabled = true;
    private long maxMs = 10_000;
    private long floorMs = 1_000;
    private double factor = 3;
    private volatile long currentMs = maxMs;

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorFirst("kickwatch-adaptive-timeout", (request, scope, chain) -> {
            long timeout = currentMs;
            HttpClientContext context = scope.clientContext;
            context.setRequestConfig(RequestConfig.copy(context.getRequestConfigOrDefault())
                    .setResponseTimeout(Timeout.ofMilliseconds(timeout)).build());
            long start = System.nanoTime();
            try {
                var response = chain.proceed(request, scope);
                record((System.nanoTime() - start) / 1_000_000);
                return response;
            } catch (SocketTimeoutException e) {
                record(timeout);
                throw e;
            }
        });
    }

    /** One answer's latency (ms), or a timed-out request's timeout. */
    public synchronized void record(long ms) {
        samples[count % WINDOW] = ms;
        count++;
        if (!enabled || count < MIN_SAMPLES) {
            return;
        }
        long[] window = Arrays.copyOf(samples, Math.min(count, WINDOW));
        Arrays.sort(window);
        long p99 = window[(int) Math.ceil(window.length * 0.99) - 1];
        currentMs = Math.max(floorMs, Math.min(maxMs, (long) Math.ceil(p99 * factor)));
    }

    /** The response timeout the next request gets (ms). */
    public long getCurrentMs() {
        return currentMs;
    }

    /** Off: every request waits the configured response timeout. */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** The configured response timeout: the upper bound, and the value until enough answers were seen. */
    public synchronized void setMaxMs(long maxMs) {
        this.maxMs = maxMs;
        this.currentMs = maxMs;
    }

    /** The lower bound (ms). */
    public void setFloorMs(long floorMs) {
        this.floorMs = floorMs;
    }

    /** The timeout is this many times the recent p99 latency. */
    public void setFactor(double factor) {
        this.factor = factor;
    }
}
