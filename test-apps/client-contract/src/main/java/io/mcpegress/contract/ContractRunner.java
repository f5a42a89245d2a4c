package io.mcpegress.contract;

import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runs every {@link Scenario} against every {@link ClientAdapter} on the class path, in this one
 * JVM, and writes one JSON line per scenario to {@code contract.results}. Configured by system
 * properties: {@code contract.http}, {@code contract.https}, {@code contract.localhost},
 * {@code contract.refused}, {@code contract.results}, optional {@code contract.scenarios} and
 * {@code contract.run} (a prefix for scenario ids).
 * Writes nothing to stdout (the agent must not either; the tests check stdout stays empty).
 */
public final class ContractRunner {

    private ContractRunner() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(required("contract.results"));
        String only = System.getProperty("contract.scenarios", "");
        // distinguishes runs that share one target server (one per JDK)
        String run = System.getProperty("contract.run", "");
        run = run.isEmpty() ? "" : run + ".";
        Set<String> selected = only.isBlank() ? Set.of()
                : Arrays.stream(only.split(",")).map(String::trim).collect(Collectors.toSet());

        List<ClientAdapter> adapters = new ArrayList<>();
        ServiceLoader.load(ClientAdapter.class).forEach(adapters::add);
        if (adapters.isEmpty()) {
            throw new IllegalStateException("no ClientAdapter on the class path");
        }
        try (Writer out = Files.newBufferedWriter(results, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING)) {
            for (ClientAdapter adapter : adapters) {
                for (Scenario s : Scenario.values()) {
                    if (!selected.isEmpty() && !selected.contains(s.id())) {
                        continue;
                    }
                    String id = run + adapter.name() + "." + s.id();
                    Scenario.Urls urls = new Scenario.Urls(required("contract.http"), required("contract.https"),
                            required("contract.localhost"), required("contract.refused"), "/s/" + id);
                    Scenario.Outcome outcome;
                    try {
                        outcome = s.run(adapter, urls);
                    } catch (Throwable t) {
                        outcome = Scenario.Outcome.failed(t);
                    }
                    out.write(line(adapter, s, id, outcome));
                    out.flush();
                }
                adapter.close();
            }
            out.write("{\"summary\":true,\"suppressedErrors\":" + suppressedAgentErrors() + "}\n");
        }
    }

    private static String line(ClientAdapter adapter, Scenario s, String id, Scenario.Outcome o) {
        return "{\"adapter\":" + Json.quote(adapter.name())
                + ",\"scenario\":" + Json.quote(s.id())
                + ",\"id\":" + Json.quote(id)
                + ",\"status\":" + o.status()
                + ",\"protocol\":" + Json.quote(o.protocol())
                + ",\"body\":" + Json.quote(o.body())
                + ",\"calls\":" + o.calls()
                + ",\"maxRedirects\":" + adapter.maxRedirects()
                + ",\"http2\":" + adapter.negotiatesHttp2()
                + ",\"error\":" + Json.quote(o.error())
                + "}\n";
    }

    /** The agent's own count of swallowed failures; -1 when no agent is attached. */
    private static long suppressedAgentErrors() {
        try {
            Class<?> hooks = Class.forName("io.mcpegress.bootstrap.EgressHooks", false, null);
            return (long) hooks.getMethod("suppressedErrorCount").invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return -1;
        }
    }

    private static String required(String key) {
        String v = System.getProperty(key);
        if (v == null) {
            throw new IllegalArgumentException("missing system property " + key);
        }
        return v;
    }

    /** Just enough JSON for the results file; the contract has no dependencies. */
    static final class Json {
        private Json() {
        }

        static String quote(String s) {
            if (s == null) {
                return "null";
            }
            StringBuilder b = new StringBuilder(s.length() + 2).append('"');
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                switch (c) {
                    case '"' -> b.append("\\\"");
                    case '\\' -> b.append("\\\\");
                    case '\n' -> b.append("\\n");
                    case '\r' -> b.append("\\r");
                    case '\t' -> b.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            b.append(String.format("\\u%04x", (int) c));
                        } else {
                            b.append(c);
                        }
                    }
                }
            }
            return b.append('"').toString();
        }
    }

}
