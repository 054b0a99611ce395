package dev.kickwatch;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.main.Main;

/**
 * Starts kickwatch with Camel Main. Routes and properties are read from the working directory when present
 * ({@code ./routes/*.camel.yaml}, {@code ./application.properties}), else from the copies inside the jar.
 * A profile ({@code --profile demo}, {@code CAMEL_MAIN_PROFILE}) adds {@code application-<profile>.properties} first.
 */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) {
        String[] camelArgs = camelArgs(args);
        Main main = new Main();
        configure(main, camelArgs);
        // After SIGTERM the JVM would exit with 143 as soon as its hooks finish. This hook waits until Camel Main has
        // finished its graceful shutdown and then ends the process with Main's own exit code: 0 for a clean stop.
        CountDownLatch finished = new CountDownLatch(1);
        AtomicInteger exitCode = new AtomicInteger(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                finished.await(5, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            halt(exitCode.get());
        }, "kickwatch-exit"));
        int code;
        try {
            code = main.run(camelArgs);
        } catch (Exception e) {
            System.err.println("kickwatch failed to start: " + rootMessage(e));
            code = 1;
        }
        exitCode.set(code == Integer.MIN_VALUE ? 0 : code);
        finished.countDown();
        halt(exitCode.get());
    }

    private static void halt(int code) {
        System.out.flush();
        System.err.flush();
        Runtime.getRuntime().halt(code);
    }

    /** The deepest message of a failure, on one line. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return msg.replaceAll("\\s+", " ").trim();
    }

    /** Camel Main spells its options with one dash; accept the usual {@code --profile} too. */
    static String[] camelArgs(String[] args) {
        String[] out = args.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].equals("--profile")) {
                out[i] = "-profile";
            }
        }
        return out;
    }

    /** Sets the property locations and the route pattern; shared by the tests, which start Main in-process. */
    public static void configure(Main main, String[] args) {
        String profile = profile(args);
        main.setPropertyPlaceholderLocations(String.join(",", locations(profile)));
        String pattern = Files.isDirectory(Path.of("routes")) ? "file:routes/*.camel.yaml" : "classpath:routes/*.camel.yaml";
        main.configure().withRoutesIncludePattern(pattern);
    }

    static List<String> locations(String profile) {
        List<String> out = new ArrayList<>();
        if (profile != null && !profile.isBlank()) {
            out.add("file:application-" + profile + ".properties;optional=true");
            out.add("classpath:application-" + profile + ".properties;optional=true");
        }
        out.add("file:application.properties;optional=true");
        out.add("classpath:application.properties;optional=true");
        return out;
    }

    static String profile(String[] args) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--profile") || args[i].equals("-pro") || args[i].equals("-profile")) {
                return args[i + 1];
            }
        }
        String sys = System.getProperty("camel.main.profile");
        if (sys != null) {
            return sys;
        }
        return System.getenv("CAMEL_MAIN_PROFILE");
    }
}
