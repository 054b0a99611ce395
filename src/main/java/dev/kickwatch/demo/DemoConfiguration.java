package dev.kickwatch.demo;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.kickwatch.ConfigCheck;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.PropertiesComponent;

/** Adds the offline demo server when {@code kickwatch.demo.enabled=true} (the {@code demo} profile). */
public class DemoConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        PropertiesComponent pc = context.getPropertiesComponent();
        if (!Boolean.parseBoolean(pc.resolveProperty("kickwatch.demo.enabled").orElse("false"))) {
            return;
        }
        int port = Integer.parseInt(pc.resolveProperty("kickwatch.demo.port").orElse("7071"));
        ConfigCheck.portFree("kickwatch.demo.port", port);
        String recording = pc.resolveProperty("kickwatch.demo.recording").orElse("classpath:demo/recording.jsonl");
        try (InputStream in = open(context, recording)) {
            context.addService(new DemoReplay(port, DemoReplay.load(in)), true, true);
        }
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
