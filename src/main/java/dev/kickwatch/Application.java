package dev.kickwatch;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import dev.kickwatch.pusher.ChannelResolver;
import dev.kickwatch.pusher.KickChannel;
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
        if (args.length > 0 && args[0].equals("resolve")) {
            halt(resolve(List.of(args).subList(1, args.length), apiBaseUrl(System.getenv()), System.out, System.err));
            return;
        }
        String[] camelArgs;
        try {
            camelArgs = camelArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("kickwatch: " + e.getMessage() + "; kickwatch --help lists the options");
            halt(2);
            return;
        }
        if (camelArgs == HELP) {
            System.out.print(usage());
            halt(0);
        }
        if (camelArgs == VERSION) {
            System.out.println(version());
            halt(0);
        }
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

    /**
     * {@code resolve SLUG...}: the ids of Kick channels, one line per channel on stdout and then the KICK_CHANNELS line
     * to paste (only when every slug was resolved: a partial list would drop a channel without a word); each failure
     * is one line on stderr. Exit 0: all resolved; 1: any failed; 2: no slugs, or an option. Camel is not started.
     */
    static int resolve(List<String> slugs, String baseUrl, PrintStream out, PrintStream err) {
        if (slugs.isEmpty()) {
            err.println("kickwatch: resolve needs one or more channel slugs, e.g. kickwatch resolve xqc trainwreckstv");
            return 2;
        }
        for (String slug : slugs) {
            if (slug.startsWith("-")) {
                err.println("kickwatch: resolve takes channel slugs only, not '" + slug + "'; kickwatch --help lists the options");
                return 2;
            }
        }
        ChannelResolver resolver = new ChannelResolver(baseUrl, ChannelResolver.DEFAULT_TIMEOUT);
        List<String> entries = new ArrayList<>();
        boolean failed = false;
        for (String slug : slugs) {
            try {
                KickChannel c = resolver.lookup(slug);
                entries.add(ChannelResolver.entry(c));
                out.println(c.slug() + ": chatroom " + c.chatroomId() + ", channel " + c.channelId());
            } catch (ChannelResolver.LookupException e) {
                err.println("kickwatch: " + e.getMessage());
                failed = true;
            }
        }
        if (!failed) {
            out.println("KICK_CHANNELS=" + String.join(",", entries));
        }
        return failed ? 1 : 0;
    }

    /**
     * kick.api.base-url for {@code resolve}, which reads no profile: the system property, else KICK_API_BASE_URL, else
     * ./application.properties, else Kick's own.
     */
    static String apiBaseUrl(Map<String, String> env) {
        String sys = System.getProperty(API_BASE_URL);
        if (sys != null && !sys.isBlank()) {
            return sys.trim();
        }
        String fromEnv = env.get(UnknownSettings.envName(API_BASE_URL));
        if (fromEnv != null && !fromEnv.isBlank()) {
            return fromEnv.trim();
        }
        Path file = Path.of("application.properties");
        if (Files.isRegularFile(file)) {
            Properties p = new Properties();
            try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                p.load(r);
                String v = p.getProperty(API_BASE_URL, "").trim();
                if (!v.isEmpty() && !v.contains("{{")) {
                    return v;
                }
            } catch (IOException | IllegalArgumentException e) {
                // an unreadable file: Kick's own URL
            }
        }
        return ChannelResolver.DEFAULT_BASE_URL;
    }

    private static final String API_BASE_URL = "kick.api.base-url";

    private static final String[] HELP = new String[0];
    private static final String[] VERSION = new String[0];
    private static final List<String> OPTIONS = List.of("--profile", "--help", "--version");

    /**
     * kickwatch's own options, as Camel Main's: {@code --profile NAME} (also {@code --profile=NAME}, and Camel's
     * {@code -profile} / {@code -pro}) becomes {@code -profile NAME}; {@code --help} / {@code -h} and {@code --version}
     * are answered here (HELP, VERSION). Anything else is refused with one line: an unknown option must not start a
     * relay with settings the user did not mean.
     */
    static String[] camelArgs(String[] args) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--help", "-h", "-help" -> {
                    return HELP;
                }
                case "--version", "-version" -> {
                    return VERSION;
                }
                case "--profile", "-profile", "-pro" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-") || args[i + 1].isBlank()) {
                        throw new IllegalArgumentException(a + " needs a profile name (demo, dev or prod)");
                    }
                    out.add("-profile");
                    out.add(args[++i]);
                }
                default -> {
                    if (a.startsWith("--profile=") && a.length() > "--profile=".length()) {
                        out.add("-profile");
                        out.add(a.substring("--profile=".length()));
                    } else {
                        String name = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
                        String near = UnknownSettings.closest(name.startsWith("--") ? name : "--" + name.replaceFirst("^-+", ""),
                                OPTIONS, 3);
                        throw new IllegalArgumentException((a.startsWith("-") ? "unknown option '" : "unexpected argument '")
                                + a + "'" + (near == null ? "" : " (did you mean " + near + "?)"));
                    }
                }
            }
        }
        return out.toArray(String[]::new);
    }

    /** kickwatch's version and the Camel it runs on, from the jar's manifest. */
    public static String version() {
        Package p = Application.class.getPackage();
        String v = p.getImplementationVersion();
        String camel = null;
        try (var in = Application.class.getResourceAsStream("/META-INF/MANIFEST.MF")) {
            if (v != null && in != null) {
                camel = new java.util.jar.Manifest(in).getMainAttributes().getValue("Camel-Version");
            }
        } catch (java.io.IOException e) {
            camel = null;
        }
        return "kickwatch " + (v == null ? "(not run from its jar)" : v) + (camel == null ? "" : ", Apache Camel " + camel);
    }

    static String usage() {
        return String.join("\n",
                "Usage: java [JVM options] -jar kickwatch.jar [--profile NAME] [--help] [--version]",
                "       java -jar kickwatch.jar resolve SLUG...",
                "",
                "Relays the events of Kick channels to a Discord webhook and a database.",
                "",
                "Options:",
                "  --profile NAME   demo: an offline replay of recorded events, nothing leaves the machine",
                "                   dev:  console and local SQLite sinks, live reload of routes/*.camel.yaml",
                "                   prod: refuses to start without DISCORD_WEBHOOK_URL and DB_URL or DB_JDBC_URL",
                "                   (also CAMEL_MAIN_PROFILE; without one: application.properties alone)",
                "  --help           this text",
                "  --version        kickwatch's version and Camel's",
                "  resolve SLUG...  look up channels' ids at Kick (kick.api.base-url) and print the KICK_CHANNELS line;",
                "                   exit 1 when Kick refuses one (it says what to do instead)",
                "",
                "Main environment variables (each overrides a key of application.properties):",
                "  KICK_CHANNELS         slug:chatroomId[:channelId] or a bare slug (looked up once, then cached),",
                "                        comma separated",
                "  DISCORD_WEBHOOK_URL   Discord webhook (secret); empty: notifications on the console",
                "  DB_URL, DB_API_KEY    PostgREST table endpoint and its key (secret)",
                "  DB_JDBC_URL, DB_USER, DB_PASSWORD",
                "                        PostgreSQL over JDBC (password: secret); neither URL: SQLite data/events.db",
                "  KICKWATCH_DATA_DIR    journals, breaker state and local files (default ./data)",
                "  CAMEL_MANAGEMENT_PORT health and metrics: /observe/health, /observe/metrics (default 9876)",
                "",
                "Routes and settings: ./routes/*.camel.yaml and ./application.properties when present, else the",
                "copies inside the jar. README.md in the kickwatch repository documents every setting.",
                "");
    }

    /** Sets the property locations and the route pattern; shared by the tests, which start Main in-process. */
    public static void configure(Main main, String[] args) {
        String profile = profile(args);
        main.setPropertyPlaceholderLocations(String.join(",", locations(profile)));
        String routes = routesPattern(Path.of("routes"));
        main.configure().withRoutesIncludePattern(routes);
        main.addInitialProperty("camel.main.routes-include-pattern", routes); // lowest precedence: a property still wins
    }

    /**
     * The routes of {@code dir} when it is a directory, else the jar's copies. The directory is given to Camel by its
     * real path: Camel's file pattern does not descend into a symbolic link, and {@code routes -> /etc/kickwatch/routes}
     * would otherwise load no route at all.
     */
    static String routesPattern(Path dir) {
        if (!Files.isDirectory(dir)) {
            return "classpath:routes/*.camel.yaml";
        }
        try {
            return "file:" + dir.toRealPath() + "/*.camel.yaml";
        } catch (java.io.IOException e) {
            return "file:" + dir + "/*.camel.yaml";
        }
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
