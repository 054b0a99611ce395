package dev.kickwatch.demo;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import dev.kickwatch.ConfigCheck;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Adds the offline demo server when {@code kickwatch.demo.enabled=true} (the {@code demo} profile). */
public class DemoConfiguration implements CamelConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(DemoConfiguration.class);

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent pc = context.getPropertiesComponent();
        if (!Boolean.parseBoolean(pc.resolveProperty("kickwatch.demo.enabled").orElse("false"))) {
            return;
        }
        int port = Integer.parseInt(pc.resolveProperty("kickwatch.demo.port").orElse("7071"));
        ConfigCheck.portFree("kickwatch.demo.port", port);
        String recording = pc.resolveProperty("kickwatch.demo.recording").orElse("classpath:demo/recording.jsonl");
        freshDataDir(Path.of(pc.resolveProperty("kickwatch.data-dir").orElse("./data/demo").trim()));
        try (InputStream in = open(context, recording)) {
            context.addService(new DemoReplay(context, port, DemoReplay.shiftToNow(DemoReplay.load(in))), true, true);
        }
    }

    /** Marks a data directory as the demo's own, so that the next run may empty it. */
    static final String MARKER = ".kickwatch-demo";

    /**
     * Each demo run starts from an empty data directory: the demo's own (empty, or marked by an earlier run) is
     * emptied; one that holds anything else (a data directory given by KICKWATCH_DATA_DIR) is left as it is.
     */
    static void freshDataDir(Path dir) throws java.io.IOException {
        Files.createDirectories(dir);
        boolean own;
        try (var entries = Files.list(dir)) {
            List<Path> all = entries.toList();
            own = all.isEmpty() || all.stream().anyMatch(p -> p.getFileName().toString().equals(MARKER));
            if (own) {
                for (Path p : all) {
                    deleteTree(p);
                }
            }
        }
        if (own) {
            Files.writeString(dir.resolve(MARKER), "this directory is the kickwatch demo's; each demo run empties it\n");
        } else {
            LOG.warn("Demo: {} holds files of something else; the demo's rows are added to them", dir);
        }
    }

    private static void deleteTree(Path p) throws java.io.IOException {
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var children = Files.list(p)) {
                for (Path c : children.toList()) {
                    deleteTree(c);
                }
            }
        }
        Files.delete(p);
    }

    private static InputStream open(CamelContext context, String location) throws Exception {
        if (location.startsWith("classpath:")) {
            InputStream in = context.getClassResolver().loadResourceAsStream(location.substring("classpath:".length()));
            if (in == null) {
                throw new IllegalArgumentException("kickwatch.demo.recording: no such resource " + location);
            }
            return in;
        }
        return Files.newInputStream(Path.of(location.startsWith("file:") ? location.substring(5) : location));
    }
}
