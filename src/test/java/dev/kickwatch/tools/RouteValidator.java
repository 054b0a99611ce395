package dev.kickwatch.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.kickwatch.event.KickEvent;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.URISupport;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Build-time check of the YAML routes: every file is parsed by Camel's YAML DSL (a misspelled EIP or EIP option
 * fails here) and every static endpoint ({@code uri} + {@code parameters}) is created with the placeholders of
 * application.properties (an unknown endpoint option fails here); an endpoint of a route template is created once per
 * {@code templatedRoute} of the same file, with its parameters. Each problem is one line: {@code file:line: what}.
 * Run by Maven before the tests ({@code mvn verify}); by hand: {@code RouteValidator routes application.properties}.
 */
public final class RouteValidator {

    private RouteValidator() {
    }

    public static void main(String[] args) throws Exception {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        Path dir = Path.of(args.length > 0 ? args[0] : "routes");
        Path props = Path.of(args.length > 1 ? args[1] : "application.properties");
        List<String> problems = validate(dir, props);
        problems.forEach(p -> System.err.println("[ERROR] " + p));
        if (!problems.isEmpty()) {
            // an exception, not System.exit: Maven runs this inside its own JVM (exec:java)
            throw new IllegalStateException(problems.size() + " problem(s) in the YAML routes under " + dir
                    + " (listed above)");
        }
        System.out.println("[INFO] YAML routes valid: " + count(dir) + " files under " + dir);
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(RouteValidator::isRouteFile).count();
        }
    }

    private static boolean isRouteFile(Path p) {
        return p.getFileName().toString().endsWith(".camel.yaml");
    }

    /** All problems of all route files in {@code dir}, one line each, in file order. */
    public static List<String> validate(Path dir, Path propertiesFile) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(RouteValidator::isRouteFile).sorted().toList();
        }
        List<String> problems = new ArrayList<>();
        for (Path file : files) {
            problems.addAll(validateFile(file, propertiesFile, dir.getFileName() + "/" + file.getFileName()));
        }
        return problems;
    }

    /** The problems of one route file; each context is fresh so files are judged on their own. */
    public static List<String> validateFile(Path file, Path propertiesFile, String name) throws Exception {
        List<String> problems = new ArrayList<>();
        try (CamelContext context = new DefaultCamelContext()) {
            Properties p = new Properties();
            if (Files.exists(propertiesFile)) {
                try (Reader r = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
                    p.load(r);
                }
            }
            context.getPropertiesComponent().setInitialProperties(p);
            context.getPropertiesComponent().setIgnoreMissingLocation(true);
            // a kick: endpoint with channels given by slug alone: checked, not looked up at Kick (nothing is started)
            context.getGlobalOptions().put(dev.kickwatch.pusher.KickEndpoint.DEFER_LOOKUP, "true");
            try {
                Resource resource = ResourceHelper.resolveMandatoryResource(context, "file:" + file);
                PluginHelper.getRoutesLoader(context).findRoutesBuilders(resource)
                        .forEach(b -> {
                            try {
                                b.addRoutesToCamelContext(context);
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        });
            } catch (Exception e) {
                problems.add(located(name, oneLine(e)));
            }
            problems.addAll(bodyFields(name, Files.readAllLines(file, StandardCharsets.UTF_8)));
        Map<String, List<Map<String, String>>> instances = templatedRoutes(file);
            for (EndpointUse use : endpoints(file)) {
                if (use.uri.contains("${")) {
                    continue; // dynamic (toD): only known at run time
                }
                List<Map<String, String>> uses = use.template == null ? List.of(Map.of())
                        : instances.getOrDefault(use.template, List.of());
                for (Map<String, String> parameters : uses) {
                    String uri = use.uri;
                    for (Map.Entry<String, String> param : parameters.entrySet()) {
                        uri = uri.replace("{{" + param.getKey() + "}}", param.getValue());
                    }
                    try {
                        context.getEndpoint(context.resolvePropertyPlaceholders(uri));
                    } catch (Exception e) {
                        problems.addAll(endpointProblems(name, use, oneLine(e)));
                    }
                }
            }
        }
        return problems;
    }

    private static final Pattern BODY_FIELD = Pattern.compile("\\$\\{body\\??\\.([A-Za-z_][A-Za-z0-9_]*)(\\s*\\()?");

    /** The event's fields as Simple reads them ({@code ${body.type}}), sorted. */
    static final java.util.Set<String> EVENT_FIELDS = new java.util.TreeSet<>(KickEvent.FIELDS);

    /**
     * {@code ${body.name}} in a Simple expression, checked against the event's fields: Camel only finds a misspelt
     * name at run time, on every event. Method calls ({@code ${body.block()}}) and comment lines are not checked.
     */
    static List<String> bodyFields(String file, List<String> lines) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.trim().startsWith("#")) {
                continue;
            }
            java.util.regex.Matcher m = BODY_FIELD.matcher(line);
            while (m.find()) {
                String field = m.group(1);
                if (m.group(2) == null && !EVENT_FIELDS.contains(field)) {
                    String near = dev.kickwatch.UnknownSettings.closest(field, EVENT_FIELDS, 3);
                    problems.add(file + ":" + (i + 1) + ":" + (m.start() + 1) + ": ${body." + field + "}: the event has no "
                            + "field '" + field + "'" + (near == null ? "" : " (did you mean " + near + "?)") + "; its fields: "
                            + String.join(", ", EVENT_FIELDS));
                }
            }
        }
        return problems;
    }

    private static final Pattern WHERE =
            Pattern.compile("^(.*?) in file:\\S+, line (\\d+), column (\\d+):.*$");

    /** {@code file:line:column: message} from the YAML DSL's "message in file:…, line L, column C: …". */
    static String located(String file, String message) {
        Matcher m = WHERE.matcher(message);
        return m.matches() ? file + ":" + m.group(2) + ":" + m.group(3) + ": " + m.group(1) : file + ": " + message;
    }

    /** The deepest useful message of a failure, on one line, without the endpoint's full URI. */
    static String oneLine(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String msg = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        return URISupport.sanitizeUri(msg.replaceAll("\\s+", " ").trim());
    }

    /** An endpoint in a route file; {@code template} is the id of the route template it is in, or null. */
    record EndpointUse(String base, String uri, int line, Map<String, Integer> parameterLines, String template) {
    }

    private static final Pattern UNKNOWN =
            Pattern.compile("Unknown parameters=\\[\\{(.*)}]");

    /** One line per unknown option, at the option's own line; any other failure at the uri's line. */
    static List<String> endpointProblems(String file, EndpointUse use, String message) {
        Matcher m = UNKNOWN.matcher(message);
        if (!m.find()) {
            return List.of(file + ":" + use.line + ": endpoint " + use.base + ": " + message);
        }
        List<String> out = new ArrayList<>();
        for (String kv : m.group(1).split(", ")) {
            String option = kv.contains("=") ? kv.substring(0, kv.indexOf('=')) : kv;
            int line = use.parameterLines.getOrDefault(option, use.line);
            out.add(file + ":" + line + ": unknown option '" + option + "' of endpoint " + use.base);
        }
        return out;
    }

    /** Every mapping with a scalar {@code uri} key, with its {@code parameters}, and the line of the uri. */
    static List<EndpointUse> endpoints(Path file) throws IOException {
        List<EndpointUse> out = new ArrayList<>();
        LoadSettings settings = LoadSettings.builder().build();
        try (InputStream in = Files.newInputStream(file);
             Reader r = new java.io.InputStreamReader(in, StandardCharsets.UTF_8)) {
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, r)));
            while (composer.hasNext()) {
                walk(composer.next(), out, null);
            }
        }
        return out;
    }

    /** Template id → the parameter values of each {@code templatedRoute} of the file that uses it. */
    static Map<String, List<Map<String, String>>> templatedRoutes(Path file) throws IOException {
        Map<String, List<Map<String, String>>> out = new HashMap<>();
        LoadSettings settings = LoadSettings.builder().build();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Composer composer = new Composer(settings, new ParserImpl(settings, new StreamReader(settings, r)));
            while (composer.hasNext()) {
                if (!(composer.next() instanceof SequenceNode root)) {
                    continue;
                }
                for (Node item : root.getValue()) {
                    MappingNode tr = child(item, "templatedRoute") instanceof MappingNode m ? m : null;
                    if (tr == null || !(child(tr, "routeTemplateRef") instanceof ScalarNode ref)) {
                        continue;
                    }
                    Map<String, String> values = new HashMap<>();
                    if (child(tr, "parameters") instanceof SequenceNode ps) {
                        for (Node p : ps.getValue()) {
                            if (child(p, "name") instanceof ScalarNode n && child(p, "value") instanceof ScalarNode v) {
                                values.put(n.getValue(), v.getValue());
                            }
                        }
                    }
                    out.computeIfAbsent(ref.getValue(), k -> new ArrayList<>()).add(values);
                }
            }
        }
        return out;
    }

    private static Node child(Node node, String key) {
        if (node instanceof MappingNode m) {
            for (NodeTuple t : m.getValue()) {
                if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
                    return t.getValueNode();
                }
            }
        }
        return null;
    }

    private static void walk(Node node, List<EndpointUse> out, String template) {
        if (node instanceof MappingNode m) {
            ScalarNode uri = null;
            MappingNode params = null;
            for (NodeTuple t : m.getValue()) {
                String inTemplate = template;
                if (t.getKeyNode() instanceof ScalarNode k) {
                    if (k.getValue().equals("uri") && t.getValueNode() instanceof ScalarNode v) {
                        uri = v;
                    } else if (k.getValue().equals("parameters") && t.getValueNode() instanceof MappingNode pm) {
                        params = pm;
                    } else if (k.getValue().equals("routeTemplate") && child(t.getValueNode(), "id") instanceof ScalarNode id) {
                        inTemplate = id.getValue();
                    }
                }
                walk(t.getValueNode(), out, inTemplate);
            }
            if (uri != null) {
                StringJoiner q = new StringJoiner("&");
                Map<String, Integer> lines = new HashMap<>();
                if (params != null) {
                    for (NodeTuple t : params.getValue()) {
                        if (t.getKeyNode() instanceof ScalarNode k && t.getValueNode() instanceof ScalarNode v) {
                            if (v.getValue().startsWith("#")) {
                                continue; // a bean reference: the beans exist only in the running app
                            }
                            q.add(k.getValue() + "=" + v.getValue());
                            lines.put(k.getValue(), k.getStartMark().map(mk -> mk.getLine() + 1).orElse(0));
                        }
                    }
                }
                String base = uri.getValue();
                String full = q.length() == 0 ? base : base + (base.contains("?") ? "&" : "?") + q;
                int line = uri.getStartMark().map(mk -> mk.getLine() + 1).orElse(0);
                out.add(new EndpointUse(base, full, line, lines, template));
            }
        } else if (node instanceof SequenceNode s) {
            s.getValue().forEach(n -> walk(n, out, template));
        }
    }
}
