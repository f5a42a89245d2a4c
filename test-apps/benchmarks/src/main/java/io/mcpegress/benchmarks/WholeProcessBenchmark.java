package io.mcpegress.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The whole-process benchmark: starts a loopback server in this JVM, then runs {@link LoadClient}
 * and {@link StartupProbe} in child JVMs under each configuration (no agent, our agent audit-only,
 * our agent with a 50-rule policy, the OpenTelemetry agent), interleaved round by round so drift
 * on a busy machine hits every configuration alike. Reports medians over rounds.
 * <p>
 * Usage: WholeProcessBenchmark --agent JAR --otel JAR --out DIR [--rounds 3] [--warmup 20]
 * [--measure 5] [--startup-reps 5] [--windows 0] [--window-ms 1000] (rounds, start-up reps or
 * windows 0: that part is not run; windows: the cycles of {@link PairedWindows})
 */
public final class WholeProcessBenchmark {

    static final String[] CONFIGS = {"none", "audit", "policy50", "otel"};
    /** The paired windows add a second no-agent child, whose ratios show the method's own spread. */
    static final String[] WINDOW_CONFIGS = {"none", "audit", "policy50", "otel", "none-again"};
    /**
     * Start-up also runs the agent's first start on a machine ({@code audit-cold}): the default
     * weave cache, in a directory emptied before each rep, so the run weaves and stores what later
     * starts read. The other agent runs share a cache that the uncounted first rep fills.
     */
    static final String[] STARTUP_CONFIGS = {"none", "noop", "noop-transformer", "audit-cold", "audit", "policy50", "otel"};
    /**
     * The start-up columns after no agent; {@code noop} is {@link NoopAgent}, the JVM's own cost of
     * an agent, and {@code noop-transformer} the same with a transformer that changes nothing.
     */
    static final String[] STARTUP_AGENTS = {"noop", "noop-transformer", "audit-cold", "audit", "policy50", "otel"};
    static final String[] CLIENTS = {"jdk", "huc", "okhttp", "apache5"};
    static final String[] METRICS = {"seq_rps", "seq_p50_us", "seq_p99_us", "par_rps", "par_p50_us", "par_p99_us",
        "seq_cpu_us", "par_cpu_us", "seq_writer_cpu_us", "par_writer_cpu_us", "seq_jit_cpu_us", "par_jit_cpu_us",
        "heap_mb", "metaspace_mb", "classes"};

    private static Path noopAgent;

    /** The weave cache of the first-start runs, emptied before each: a machine the agent never ran on. */
    static Path firstStartCache(Path weaveCache) {
        return weaveCache.resolveSibling(weaveCache.getFileName() + "-first-start");
    }

    static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new LinkedHashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        Path agent = Path.of(a.get("agent")).toAbsolutePath();
        Path otel = Path.of(a.get("otel")).toAbsolutePath();
        Path out = Path.of(a.getOrDefault("out", "target/bench")).toAbsolutePath();
        int rounds = Integer.parseInt(a.getOrDefault("rounds", "3"));
        int warmup = Integer.parseInt(a.getOrDefault("warmup", "20"));
        int measure = Integer.parseInt(a.getOrDefault("measure", "5"));
        int startupReps = Integer.parseInt(a.getOrDefault("startup-reps", "5"));
        int cycles = Integer.parseInt(a.getOrDefault("windows", "0")); // paired windows (PairedWindows), 0: none
        int windowMillis = Integer.parseInt(a.getOrDefault("window-ms", "1000"));
        Files.createDirectories(out);
        Path policy = out.resolve("policy-50-rules.yaml");
        Files.writeString(policy, PolicyFiles.fiftyRules("127.0.0.1", null));
        noopAgent = NoopAgent.writeJar(out);

        // results[client][config][metric] -> values over rounds
        Map<String, List<Double>> values = new LinkedHashMap<>();
        Map<String, List<Double>> startup = new LinkedHashMap<>();
        StringBuilder raw = new StringBuilder("round,client,config,line\n");
        List<PairedWindows.Result> paired = new ArrayList<>();

        try (LoopbackServer server = new LoopbackServer(4)) {
            String url = server.url();
            System.err.println("target " + url);
            // start-up: one JVM that makes one call and exits, reps interleaved over configs
            for (int rep = 0; startupReps > 0 && rep < startupReps + 1; rep++) {
                for (String config : STARTUP_CONFIGS) {
                    if (config.equals("audit-cold")) {
                        deleteTree(firstStartCache(out.resolve("weave-cache")));
                    }
                    Path audit = out.resolve("audit-startup-" + config + ".jsonl");
                    List<String> cmd = command(config, agent, otel, policy, audit, out.resolve("weave-cache"));
                    cmd.add(StartupProbe.class.getName());
                    cmd.add(url);
                    long t0 = System.nanoTime();
                    Result r = exec(cmd, out.resolve("startup-" + config + ".stderr.log"), 60);
                    double ms = (System.nanoTime() - t0) / 1e6;
                    if (r.exit != 0) {
                        throw new IllegalStateException("startup probe " + config + " exited " + r.exit);
                    }
                    Files.deleteIfExists(audit);
                    if (rep > 0) { // the first rep only warms the page cache
                        startup.computeIfAbsent(config, k -> new ArrayList<>()).add(ms);
                    }
                    System.err.printf(Locale.ROOT, "startup rep %d %-8s %.0f ms%n", rep, config, ms);
                }
            }
            for (int round = 0; round < rounds; round++) {
                for (String client : CLIENTS) {
                    for (String config : roundOrder(round)) {
                        Path audit = out.resolve("audit-" + client + "-" + config + ".jsonl");
                        Files.deleteIfExists(audit);
                        List<String> cmd = command(config, agent, otel, policy, audit, out.resolve("weave-cache"));
                        cmd.add(LoadClient.class.getName());
                        cmd.add(client);
                        cmd.add(url);
                        cmd.add(String.valueOf(warmup));
                        cmd.add(String.valueOf(measure));
                        long serverCpu0 = LoadClient.processCpuNanos(); // the loopback server is this JVM
                        Result r = exec(cmd, out.resolve("load-" + client + "-" + config + ".stderr.log"),
                                warmup + 2L * measure + 120);
                        long serverCpu = LoadClient.processCpuNanos() - serverCpu0;
                        String line = r.resultLine;
                        if (r.exit != 0 || line == null) {
                            throw new IllegalStateException(client + "/" + config + " exited " + r.exit
                                    + "; see " + out.resolve("load-" + client + "-" + config + ".stderr.log"));
                        }
                        Map<String, String> kv = parse(line);
                        for (String m : METRICS) {
                            values.computeIfAbsent(key(client, config, m), k -> new ArrayList<>())
                                    .add(Double.parseDouble(kv.get(m)));
                        }
                        for (String phase : new String[] {"seq", "par"}) { // the same round's CPU without the JIT's
                            values.computeIfAbsent(key(client, config, phase + "_cpu_nojit_us"), k -> new ArrayList<>())
                                    .add(Double.parseDouble(kv.get(phase + "_cpu_us")) - Double.parseDouble(kv.get(phase + "_jit_cpu_us")));
                        }
                        // over the whole child run (warm-up included): the parent does nothing else meanwhile
                        values.computeIfAbsent(key(client, config, "server_cpu_us"), k -> new ArrayList<>())
                                .add(serverCpu / 1000.0 / Long.parseLong(kv.get("requests")));
                        if (config.equals("audit") || config.equals("policy50")) {
                            long events = countLines(audit);
                            long requests = Long.parseLong(kv.get("requests"));
                            values.computeIfAbsent(key(client, config, "events_per_request"), k -> new ArrayList<>())
                                    .add(events / (double) requests);
                            line += " audit_events=" + events;
                        }
                        Files.deleteIfExists(audit);
                        raw.append(round).append(',').append(client).append(',').append(config).append(",\"")
                                .append(line).append("\"\n");
                        System.err.println("round " + round + " " + line + " config=" + config);
                    }
                }
            }
            for (int c = 0; cycles > 0 && c < CLIENTS.length; c++) {
                String client = CLIENTS[c];
                Function<String, Path> audit = config -> out.resolve("audit-windows-" + client + "-" + config + ".jsonl");
                paired.add(PairedWindows.run(client, WINDOW_CONFIGS,
                        config -> command(config, agent, otel, policy, audit.apply(config), out.resolve("weave-cache")),
                        audit, url, warmup, cycles, windowMillis, out));
            }
        }
        Files.writeString(out.resolve("whole-process-raw.csv"), raw.toString());
        String report = (rounds > 0 ? report(values, startup, rounds, warmup, measure, startupReps) : "")
                + (cycles > 0 ? PairedWindows.report(paired, cycles, windowMillis, warmup) : "");
        if (cycles > 0) {
            Files.writeString(out.resolve("paired-windows-raw.csv"), PairedWindows.raw(paired));
        }
        Files.writeString(out.resolve("whole-process.md"), report);
        System.out.println(report);
    }

    /**
     * {@link #CONFIGS} forwards in even rounds and backwards in odd ones, so that no configuration
     * always runs right after the same other one. With a fixed order, audit-only always followed no
     * agent and the 50-rule agent always followed audit-only, whose audit file (~150 MB) had just
     * been deleted; the 50-rule runs came out cheaper than audit-only in 7 of 8 rows (eleventh and
     * twelfth runs), writer thread included, though they do strictly more per call. Likely cause:
     * on this VM they wrote into page cache just freed, not yet handed back to the host (see
     * "Found while benchmarking" in docs/performance.md). An even number of rounds balances it.
     */
    static String[] roundOrder(int round) {
        String[] order = CONFIGS.clone();
        if (round % 2 == 1) {
            java.util.Collections.reverse(Arrays.asList(order));
        }
        return order;
    }

    static String key(String client, String config, String metric) {
        return client + "/" + config + "/" + metric;
    }

    static List<String> command(String config, Path agent, Path otel, Path policy, Path audit, Path weaveCache) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xms512m");
        cmd.add("-Xmx512m");
        cmd.add("-XX:+UseG1GC");
        cmd.add("-Dhttp.maxConnections=16"); // HttpURLConnection keeps 5 idle connections by default; 8 threads
        switch (config) {
            case "none":
            case "none-again":
                break;
            case "audit":
                cmd.add("-javaagent:" + agent);
                cmd.add("-Dmcp.egress.audit.file=" + audit);
                cmd.add("-Dmcp.egress.weave-cache=" + weaveCache);
                break;
            case "audit-cold":
                cmd.add("-javaagent:" + agent);
                cmd.add("-Dmcp.egress.audit.file=" + audit);
                cmd.add("-Dmcp.egress.weave-cache=" + firstStartCache(weaveCache));
                break;
            case "policy50":
                cmd.add("-javaagent:" + agent);
                cmd.add("-Dmcp.egress.audit.file=" + audit);
                cmd.add("-Dmcp.egress.policy=" + policy);
                cmd.add("-Dmcp.egress.weave-cache=" + weaveCache);
                break;
            case "noop":
                cmd.add("-javaagent:" + noopAgent);
                break;
            case "noop-transformer":
                cmd.add("-javaagent:" + noopAgent + "=transformer");
                break;
            case "otel":
                cmd.add("-javaagent:" + otel);
                cmd.add("-Dotel.traces.exporter=none");
                cmd.add("-Dotel.metrics.exporter=none");
                cmd.add("-Dotel.logs.exporter=none");
                cmd.add("-Dotel.service.name=bench");
                break;
            default:
                throw new IllegalArgumentException(config);
        }
        cmd.add("-cp");
        cmd.add(childClassPath());
        return cmd;
    }

    /**
     * The orchestrator's class path (target/classes) plus target/client-libs/* (OkHttp, Apache
     * HttpClient 5 and their dependencies, copied there by the build), when that folder exists.
     */
    static String childClassPath() {
        String cp = System.getProperty("java.class.path");
        java.io.File first = new java.io.File(cp.split(java.io.File.pathSeparator)[0]).getAbsoluteFile();
        java.io.File libs = new java.io.File(first.getParentFile(), "client-libs");
        return libs.isDirectory() ? cp + java.io.File.pathSeparator + libs + java.io.File.separator + "*" : cp;
    }

    static final class Result {
        int exit;
        String resultLine;
    }

    static Result exec(List<String> cmd, Path stderr, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
        Result r = new Result();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String l;
            while ((l = in.readLine()) != null) {
                if (l.startsWith("RESULT ")) {
                    r.resultLine = l.substring(7);
                }
            }
        }
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            r.exit = -1;
            return r;
        }
        r.exit = p.exitValue();
        return r;
    }

    static Map<String, String> parse(String line) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String part : line.trim().split("\\s+")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                kv.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return kv;
    }

    static long countLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int r;
            while ((r = in.read(buf)) > 0) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    static double median(List<Double> v) {
        return v == null ? Double.NaN : PairedWindows.quantile(v, 0.5);
    }

    /** Median of {@code values[i] - base[i]}: each run against the no-agent run of the same rep. */
    static double pairedMedian(List<Double> values, List<Double> base) {
        List<Double> differences = new ArrayList<>();
        for (int i = 0; i < Math.min(values.size(), base.size()); i++) {
            differences.add(values.get(i) - base.get(i));
        }
        return median(differences);
    }

    static String report(Map<String, List<Double>> values, Map<String, List<Double>> startup, int rounds,
                         int warmup, int measure, int startupReps) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Medians over %d interleaved rounds (warm-up %d s, then %d s sequential "
                + "and %d s with 8 threads per child JVM).%n%n", rounds, warmup, measure, measure));
        sb.append("| workload | no agent | audit-only | ratio | 50 rules | ratio | OTel agent | ratio |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        String[][] rows = {{"seq_rps", "req/s, 1 thread"}, {"par_rps", "req/s, 8 threads"}};
        for (String client : CLIENTS) {
            for (String[] row : rows) {
                double base = median(values.get(key(client, "none", row[0])));
                sb.append("| ").append(clientName(client)).append(' ').append(row[1]).append(" | ")
                        .append(fmt(base, 0));
                for (String config : new String[]{"audit", "policy50", "otel"}) {
                    double v = median(values.get(key(client, config, row[0])));
                    sb.append(" | ").append(fmt(v, 0)).append(" | ").append(fmt(v / base, 3));
                }
                sb.append(" |\n");
            }
        }
        sb.append("\nLatency per call, µs (added = configuration minus no agent):\n\n");
        addedTable(sb, values, new String[][]{{"seq_p50_us", "p50, 1 thread"}, {"seq_p99_us", "p99, 1 thread"},
            {"par_p50_us", "p50, 8 threads"}, {"par_p99_us", "p99, 8 threads"}});
        sb.append("\nCPU time of the client JVM per request, µs (all its threads: application, agent writer, JIT, GC; "
                + "the loopback server runs in another JVM). Less sensitive to neighbours than req/s: what each "
                + "configuration costs. Added = configuration minus no agent:\n\n");
        addedTable(sb, values, new String[][]{{"seq_cpu_us", "1 thread"}, {"par_cpu_us", "8 threads"}});
        sb.append("\nThe same without the JIT compiler threads' CPU (read from /proc/self/task): compiling is a "
                + "one-off cost of each child run that was still going on after the warm-up, in every configuration, "
                + "and moved the per-request CPU of one configuration by tens of µs between rounds:\n\n");
        addedTable(sb, values, new String[][]{{"seq_cpu_nojit_us", "1 thread"}, {"par_cpu_nojit_us", "8 threads"}});
        boundTable(sb, values);
        sb.append(String.format(Locale.ROOT, "%nStart-up: wall time of a JVM that makes one JDK HttpClient call and exits, "
                + "median of %d runs, ms:%n%n", startupReps));
        sb.append("| | no agent | no-op agent (the JVM's own cost of -javaagent) | no-op agent with a transformer that "
                + "changes nothing | audit-only, first start (empty weave cache) "
                + "| audit-only | 50 rules | OTel agent |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
        double sBase = median(startup.get("none"));
        sb.append("| wall time | ").append(fmt(sBase, 0));
        for (String config : STARTUP_AGENTS) {
            sb.append(" | ").append(fmt(median(startup.get(config)), 0));
        }
        sb.append(" |\n| added | 0");
        for (String config : STARTUP_AGENTS) {
            sb.append(" | ").append(signed(median(startup.get(config)) - sBase, 0));
        }
        // each rep minus the no-agent run just before it: drift between reps cancels
        sb.append(" |\n| added, paired | 0");
        for (String config : STARTUP_AGENTS) {
            sb.append(" | ").append(signed(pairedMedian(startup.get(config), startup.get("none")), 0));
        }
        sb.append(" |\n");
        sb.append("\nMemory after the run and three System.gc() (MB used; loaded classes):\n\n");
        sb.append("| workload | metric | no agent | audit-only | 50 rules | OTel agent |\n|---|---|---:|---:|---:|---:|\n");
        for (String client : CLIENTS) {
            for (String m : new String[]{"heap_mb", "metaspace_mb", "classes"}) {
                sb.append("| ").append(clientName(client)).append(" | ").append(m);
                for (String config : CONFIGS) {
                    sb.append(" | ").append(fmt(median(values.get(key(client, config, m))), m.equals("classes") ? 0 : 1));
                }
                sb.append(" |\n");
            }
        }
        sb.append("\nAudit events in the file per request made (1.000 = none lost): ");
        for (String client : CLIENTS) {
            for (String config : new String[]{"audit", "policy50"}) {
                sb.append(clientName(client)).append('/').append(config).append(' ')
                        .append(fmt(median(values.get(key(client, config, "events_per_request"))), 3)).append("; ");
            }
        }
        sb.append('\n');
        return sb.toString();
    }

    /**
     * What bounds throughput with 8 threads: both cores are busy (the client and the loopback
     * server), so req/s follows the CPU per request of the two together, and a ratio of 0.97 allows
     * the agent base * (1 / 0.97 - 1) of added CPU per request. Set beside it what the agent adds
     * and how much of that is its audit writer thread alone.
     */
    private static void boundTable(StringBuilder sb, Map<String, List<Double>> values) {
        sb.append("\nWhat bounds throughput with 8 threads, µs of CPU per request. Both cores are busy, so req/s follows "
                + "the CPU per request of client and loopback server together; 0.97 of no agent's req/s leaves the agent "
                + "3.1 % of that. The audit writer is the agent's `mcp-egress-audit-writer` thread alone (encoding, hash "
                + "chain, write(2)); the rest of what the agent adds is its hooks on the application threads and what "
                + "sharing two cores with one more busy thread costs everyone. What a configuration adds is counted "
                + "without the JIT compiler threads (see above):\n\n");
        sb.append("| workload | no agent: client + server | 0.97 allows | audit-only adds | of which audit writer "
                + "| 50 rules add | of which audit writer | OTel agent adds |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String client : CLIENTS) {
            double clientCpu = median(values.get(key(client, "none", "par_cpu_us")));
            double base = clientCpu + median(values.get(key(client, "none", "server_cpu_us")));
            double steady = median(values.get(key(client, "none", "par_cpu_nojit_us")));
            sb.append("| ").append(clientName(client)).append(" | ").append(fmt(base, 1))
                    .append(" | ").append(fmt(base * (1 / 0.97 - 1), 1));
            for (String config : new String[]{"audit", "policy50"}) {
                sb.append(" | ").append(signed(median(values.get(key(client, config, "par_cpu_nojit_us"))) - steady, 1))
                        .append(" | ").append(fmt(median(values.get(key(client, config, "par_writer_cpu_us"))), 1));
            }
            sb.append(" | ").append(signed(median(values.get(key(client, "otel", "par_cpu_nojit_us"))) - steady, 1))
                    .append(" |\n");
        }
    }

    /** Per client and row {metric, label}: no agent, then each agent configuration and what it adds. */
    private static void addedTable(StringBuilder sb, Map<String, List<Double>> values, String[][] rows) {
        sb.append("| workload | no agent | audit-only | added | 50 rules | added | OTel agent | added |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String client : CLIENTS) {
            for (String[] row : rows) {
                double base = median(values.get(key(client, "none", row[0])));
                sb.append("| ").append(clientName(client)).append(' ').append(row[1]).append(" | ").append(fmt(base, 1));
                for (String config : new String[]{"audit", "policy50", "otel"}) {
                    double v = median(values.get(key(client, config, row[0])));
                    sb.append(" | ").append(fmt(v, 1)).append(" | ").append(signed(v - base, 1));
                }
                sb.append(" |\n");
            }
        }
    }

    static String clientName(String c) {
        switch (c) {
            case "jdk":
                return "JDK HttpClient";
            case "huc":
                return "HttpURLConnection";
            case "okhttp":
                return "OkHttp 4";
            default:
                return "Apache HttpClient 5";
        }
    }

    static String fmt(double v, int decimals) {
        return String.format(Locale.ROOT, "%,." + decimals + "f", v);
    }

    static String signed(double v, int decimals) {
        return String.format(Locale.ROOT, "%+,." + decimals + "f", v);
    }
}
