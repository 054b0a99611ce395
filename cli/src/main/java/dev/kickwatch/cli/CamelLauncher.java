package dev.kickwatch.cli;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.camel.CamelContext;
import org.apache.camel.dsl.jbang.core.commands.CamelJBangMain;
import org.apache.camel.spi.CamelContextTracker;
import org.apache.camel.spi.ShutdownStrategy;

/**
 * The {@code camel} command of Camel JBang, started without JBang.
 * <p>
 * One change to it: {@code camel run} ends with exit code 0 after a graceful stop on SIGTERM (or Ctrl-C), as the
 * kickwatch jar does, where the JVM would report 143. The Camel Main of {@code camel run} is a KameletMain created
 * inside camel-jbang's Run command; on SIGTERM its shutdown hook stops the CamelContext while the main thread returns
 * from {@code main.run()} with Main's exit code (0 for a clean stop), which Run returns to picocli and
 * {@link CamelJBangMain#quit(int)} hands to {@code System.exit}. During a shutdown that exit code is lost: the JVM
 * ends with 143 once its hooks are done. {@link ExitAfterSignal} is a hook that waits for that code and ends the
 * process with it. Real failures keep their code (a route that fails to start: 1).
 */
public final class CamelLauncher {

    private CamelLauncher() {
    }

    public static void main(String[] args) {
        ExitAfterSignal exit = new ExitAfterSignal();
        exit.install();
        CamelJBangMain.run(new CamelJBangMain() {
            @Override
            public void quit(int exitCode) {
                exit.quit(exitCode);
            }
        }, args);
    }

    /**
     * After SIGTERM (SIGINT, SIGHUP) while a CamelContext runs in this JVM: waits until the command has finished
     * (its graceful stop included) and ends the process with the command's exit code. Without a CamelContext (a
     * signal to {@code camel log}, or to {@code camel run} before Camel started) the JVM's own exit status stays.
     */
    static final class ExitAfterSignal extends CamelContextTracker {

        /** the exit status of a JVM ended by SIGTERM, kept when the command does not finish in time */
        private static final int SIGTERM_STATUS = 143;
        /** beyond Camel's shutdown timeout: camel-main's extra shutdown timeout (15 s) and stopping Main itself */
        private static final long MARGIN_MILLIS = TimeUnit.SECONDS.toMillis(60);
        /** how long the last log lines of Camel's own shutdown hook may take after the command finished */
        private static final long CAMEL_HOOK_JOIN_MILLIS = TimeUnit.SECONDS.toMillis(10);

        private final Set<CamelContext> contexts = ConcurrentHashMap.newKeySet();
        private final CountDownLatch finished = new CountDownLatch(1);
        private volatile int exitCode = SIGTERM_STATUS;
        private boolean exiting;
        private boolean signalled;

        void install() {
            open();
            Runtime.getRuntime().addShutdownHook(new Thread(this::afterSignal, "camel-cli-exit"));
        }

        @Override
        public void contextCreated(CamelContext camelContext) {
            contexts.add(camelContext);
        }

        @Override
        public void contextDestroyed(CamelContext camelContext) {
            contexts.remove(camelContext);
        }

        /** The command's end: System.exit as before, unless a signal's shutdown is under way (then the hook exits). */
        void quit(int code) {
            // Main's exit code when nothing set it: System.exit(Integer.MIN_VALUE) also ends with status 0
            exitCode = code == Integer.MIN_VALUE ? 0 : code;
            boolean exit;
            synchronized (this) {
                exiting = !signalled;
                exit = exiting;
            }
            finished.countDown();
            if (exit) {
                System.exit(exitCode);
            }
        }

        private void afterSignal() {
            long waitMillis;
            synchronized (this) {
                if (exiting || contexts.isEmpty()) {
                    // System.exit of quit (its status stands), or no Camel whose graceful stop to wait for
                    return;
                }
                signalled = true;
                waitMillis = waitMillis();
            }
            try {
                if (!finished.await(waitMillis, TimeUnit.MILLISECONDS)) {
                    return;
                }
                joinCamelHangupHooks();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(exitCode);
        }

        /** The longest shutdown timeout of the running contexts, and the margin. */
        private long waitMillis() {
            long max = 0;
            for (CamelContext c : contexts) {
                try {
                    ShutdownStrategy s = c.getShutdownStrategy();
                    max = Math.max(max, s.getTimeUnit().toMillis(s.getTimeout()));
                } catch (RuntimeException e) {
                    max = Math.max(max, TimeUnit.SECONDS.toMillis(45));
                }
            }
            return max + MARGIN_MILLIS;
        }

        /**
         * camel-main's shutdown hook logs "... is shutdown" after the context has stopped, about when the command
         * finishes: halting before it would cut that line.
         */
        private static void joinCamelHangupHooks() throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CAMEL_HOOK_JOIN_MILLIS);
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t != Thread.currentThread() && t.getName().contains("CamelHangupInterceptor")) {
                    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                    if (left > 0) {
                        t.join(left);
                    }
                }
            }
        }
    }
}
