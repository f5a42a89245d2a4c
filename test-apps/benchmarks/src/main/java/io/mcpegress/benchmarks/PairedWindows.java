package io.mcpegress.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Throughput, latency and CPU per request in paired windows. One child JVM per configuration
 * ({@link LoadClient} in {@code windows} mode) is warmed up and kept alive; then, cycle after
 * cycle, each is asked in turn for one short window (1 thread, then 8 threads), the configurations
 * forwards in even cycles and backwards in odd ones. Each window is compared with the no-agent
 * window of the same cycle and phase, seconds apart, and the report gives the median of those
 * per-cycle ratios and differences.
 *
 * <p>Why: with one 5 s phase per child run and four rounds, the req/s of the same configuration
 * moved by up to ±45 % between rounds on the shared 2 vCPU VM (load from neighbours, CPU steal,
 * the host's page handling), far more than any agent costs, so the round medians could not say
 * whether 0.97 was met. Drift over minutes cancels in a ratio of windows seconds apart.
 */
final class PairedWindows {

    static final String[] PHASES = {"seq", "par"};

    /** One measurement window: configuration, cycle, phase, the child's {@code WINDOW} fields and the server's CPU. */
    record Window(String config, int cycle, String phase, Map<String, String> fields, double serverCpuUsPerRequest) {
        double value(String field) {
            return field.equals("server_cpu_us") ? serverCpuUsPerRequest : Double.parseDouble(fields.get(field));
        }
    }

    /** Windows of one client, and each configuration's final {@code RESULT} fields (memory, requests). */
    record Result(String client, List<Window> windows, Map<String, Map<String, String>> results,
                  Map<String, Double> eventsPerRequest) {
    }

    private PairedWindows() {
    }

    /**
     * @param command the child JVM's command for a configuration (agent flags and class path), with
     *                the audit file at {@code audit.apply(config)}
     */
    static Result run(String client, String[] configs, Function<String, List<String>> command,
                      Function<String, Path> audit, String url, int warmupSeconds, int cycles, int windowMillis,
                      Path logs) throws IOException, InterruptedException {
        Map<String, Child> children = new LinkedHashMap<>();
        List<Window> windows = new ArrayList<>();
        Map<String, Map<String, String>> results = new LinkedHashMap<>();
        Map<String, Double> eventsPerRequest = new LinkedHashMap<>();
        try {
            // warmed one at a time: four JVMs compiling at once on 2 cores would warm each less
            for (String config : configs) {
                Files.deleteIfExists(audit.apply(config));
                List<String> cmd = new ArrayList<>(command.apply(config));
                cmd.addAll(List.of(LoadClient.class.getName(), "windows", client, url, String.valueOf(warmupSeconds)));
                Child child = new Child(cmd, logs.resolve("windows-" + client + "-" + config + ".stderr.log"));
                children.put(config, child);
                child.await("READY");
            }
            Thread.sleep(2_000); // what is still queued for the JIT in the last child to warm up
            // cycle -1 is not recorded: in a first try, the children's JIT threads were still busy in
            // the first cycle (up to 39 µs of compiling per request of a window) after 20 s of warm-up
            for (int cycle = -1; cycle < cycles; cycle++) {
                List<String> order = new ArrayList<>(Arrays.asList(configs));
                if (cycle % 2 != 0) {
                    Collections.reverse(order);
                }
                for (String phase : PHASES) {
                    for (String config : order) {
                        long server0 = LoadClient.processCpuNanos(); // the loopback server is this JVM
                        Map<String, String> fields = WholeProcessBenchmark.parse(
                                children.get(config).ask(phase + " " + windowMillis, "WINDOW "));
                        long server = LoadClient.processCpuNanos() - server0;
                        if (cycle < 0) {
                            continue;
                        }
                        windows.add(new Window(config, cycle, phase, fields,
                                server / 1000.0 / Long.parseLong(fields.get("requests"))));
                    }
                }
                System.err.println("windows " + client + " cycle " + cycle + " done");
            }
            for (Map.Entry<String, Child> e : children.entrySet()) {
                Map<String, String> result = WholeProcessBenchmark.parse(e.getValue().ask("quit", "RESULT "));
                results.put(e.getKey(), result);
                e.getValue().process.waitFor();
                Path file = audit.apply(e.getKey());
                if (Files.exists(file)) {
                    eventsPerRequest.put(e.getKey(),
                            WholeProcessBenchmark.countLines(file) / Double.parseDouble(result.get("requests")));
                    Files.delete(file);
                }
            }
        } finally {
            for (Child c : children.values()) {
                c.process.destroyForcibly();
            }
        }
        return new Result(client, windows, results, eventsPerRequest);
    }

    /** A child JVM in windows mode: commands on its stdin, one answer line each on its stdout. */
    private static final class Child {
        final Process process;
        final BufferedReader out;
        final Writer in;
        final Path stderr;

        Child(List<String> cmd, Path stderr) throws IOException {
            this.stderr = stderr;
            process = new ProcessBuilder(cmd).redirectError(stderr.toFile()).start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        String ask(String command, String answerPrefix) throws IOException {
            in.write(command + "\n");
            in.flush();
            return await(answerPrefix);
        }

        String await(String prefix) throws IOException {
            for (String line; (line = out.readLine()) != null; ) {
                if (line.startsWith(prefix)) {
                    return line.substring(prefix.length()).trim();
                }
            }
            throw new IOException("child ended before answering " + prefix.trim() + "; see " + stderr);
        }
    }

    /** Per cycle and phase, {@code f(window of config, window of no agent)}. */
    static List<Double> paired(Result r, String config, String phase, java.util.function.BiFunction<Window, Window, Double> f) {
        return paired(r, config, "none", phase, f);
    }

    /** Per cycle and phase, {@code f(window of config, window of baseline)}. */
    static List<Double> paired(Result r, String config, String baseline, String phase,
                               java.util.function.BiFunction<Window, Window, Double> f) {
        Map<Integer, Window> base = new LinkedHashMap<>();
        for (Window w : r.windows()) {
            if (w.config().equals(baseline) && w.phase().equals(phase)) {
                base.put(w.cycle(), w);
            }
        }
        List<Double> values = new ArrayList<>();
        for (Window w : r.windows()) {
            if (w.config().equals(config) && w.phase().equals(phase) && base.containsKey(w.cycle())) {
                values.add(f.apply(w, base.get(w.cycle())));
            }
        }
        return values;
    }

    static List<Double> of(Result r, String config, String phase, String field) {
        List<Double> values = new ArrayList<>();
        for (Window w : r.windows()) {
            if (w.config().equals(config) && w.phase().equals(phase)) {
                values.add(w.value(field));
            }
        }
        return values;
    }

    static double quantile(List<Double> v, double q) {
        if (v.isEmpty()) {
            return Double.NaN;
        }
        double[] s = v.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double pos = q * (s.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return s[lo] + (s[hi] - s[lo]) * (pos - lo);
    }

    /**
     * The columns after no agent. {@code none-again} is a second child without an agent (an A/A
     * pair): its ratios to the first are what the method measures when nothing differs.
     */
    static final String[] AGENTS = {"audit", "policy50", "otel", "none-again"};

    private static boolean ours(String config) {
        return config.equals("audit") || config.equals("policy50");
    }

    static String report(List<Result> results, int cycles, int windowMillis, int warmup) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%n## Paired windows%n%nOne child JVM per configuration, each warmed up "
                + "(%d s, 8 threads) and kept alive; then, after one cycle not counted, %d cycles in which each configuration in turn runs a %d ms "
                + "window with 1 thread, then each a %d ms window with 8 threads (forwards in even cycles, backwards in "
                + "odd ones). Every window is set against the no-agent window of the same cycle and phase, seconds "
                + "apart: medians over cycles of those ratios or differences, [25th..75th percentile].%n%n",
                warmup, cycles, windowMillis, windowMillis));
        sb.append("Throughput, req/s ratio to no agent (target: audit-only ≥ 0.97, 50 rules ≥ 0.95, both above OTel's); "
                + "after the ratio, in how many cycles it was at least the target:\n\n");
        sb.append("| workload | no agent req/s | audit-only | 50 rules | OTel agent | no agent again (A/A) |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            for (String phase : PHASES) {
                sb.append("| ").append(row(r, phase))
                        .append(" | ").append(WholeProcessBenchmark.fmt(quantile(of(r, "none", phase, "rps"), 0.5), 0));
                for (String config : AGENTS) {
                    List<Double> ratios = paired(r, config, phase, (w, b) -> w.value("rps") / b.value("rps"));
                    double target = config.equals("policy50") ? 0.95 : 0.97;
                    long met = ratios.stream().filter(x -> x >= target).count();
                    sb.append(" | ").append(range(ratios, 3));
                    if (ours(config)) {
                        sb.append(" (").append(met).append('/').append(ratios.size()).append(')');
                    }
                }
                sb.append(" |\n");
            }
        }
        sb.append("\nAudit-only against the OTel agent, per cycle (req/s of audit-only / req/s of OTel; above 1: we are "
                + "the faster), and in how many cycles audit-only was the faster:\n\n");
        sb.append("| workload | 1 thread | 8 threads |\n|---|---:|---:|\n");
        for (Result r : results) {
            sb.append("| ").append(WholeProcessBenchmark.clientName(r.client()));
            for (String phase : PHASES) {
                List<Double> ratio = paired(r, "audit", "otel", phase, (w, b) -> w.value("rps") / b.value("rps"));
                long faster = ratio.stream().filter(x -> x > 1).count();
                sb.append(" | ").append(range(ratio, 3)).append(" (").append(faster).append('/').append(ratio.size()).append(')');
            }
            sb.append(" |\n");
        }
        addedTable(sb, results, "Latency per call, µs added (paired: window minus the no-agent window of its cycle):",
                new String[][]{{"p50_us", "p50"}, {"p99_us", "p99"}});
        sb.append("\nCPU per request, µs (the client JVM without its JIT compiler threads; the loopback server is the "
                + "orchestrating JVM). Added = paired difference against no agent; the writer column is our agent's "
                + "audit writer thread alone:\n\n");
        sb.append("| workload | no agent: client | server | audit-only adds | of which writer | 50 rules add | of which writer "
                + "| OTel adds | no agent again (A/A) |\n");
        sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            for (String phase : PHASES) {
                sb.append("| ").append(row(r, phase))
                        .append(" | ").append(WholeProcessBenchmark.fmt(quantile(of(r, "none", phase, "cpu_us"), 0.5)
                                - quantile(of(r, "none", phase, "jit_cpu_us"), 0.5), 1))
                        .append(" | ").append(WholeProcessBenchmark.fmt(quantile(of(r, "none", phase, "server_cpu_us"), 0.5), 1));
                for (String config : AGENTS) {
                    List<Double> added = paired(r, config, phase, (w, b) -> (w.value("cpu_us") - w.value("jit_cpu_us"))
                            - (b.value("cpu_us") - b.value("jit_cpu_us")));
                    sb.append(" | ").append(WholeProcessBenchmark.signed(quantile(added, 0.5), 1));
                    if (ours(config)) {
                        sb.append(" | ").append(WholeProcessBenchmark.fmt(quantile(of(r, config, phase, "writer_cpu_us"), 0.5), 1));
                    }
                }
                sb.append(" |\n");
            }
        }
        sb.append("\nAudit events in the file per request made (1.000 = none lost): ");
        for (Result r : results) {
            r.eventsPerRequest().forEach((config, v) -> sb.append(WholeProcessBenchmark.clientName(r.client())).append('/')
                    .append(config).append(' ').append(WholeProcessBenchmark.fmt(v, 3)).append("; "));
        }
        sb.append('\n');
        return sb.toString();
    }

    private static void addedTable(StringBuilder sb, List<Result> results, String title, String[][] fields) {
        sb.append('\n').append(title).append("\n\n| workload | no agent | audit-only adds | 50 rules add | OTel adds "
                + "| no agent again (A/A) |\n").append("|---|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            for (String phase : PHASES) {
                for (String[] field : fields) {
                    sb.append("| ").append(row(r, phase)).append(' ').append(field[1])
                            .append(" | ").append(WholeProcessBenchmark.fmt(quantile(of(r, "none", phase, field[0]), 0.5), 1));
                    for (String config : AGENTS) {
                        List<Double> added = paired(r, config, phase, (w, b) -> w.value(field[0]) - b.value(field[0]));
                        sb.append(" | ").append(WholeProcessBenchmark.signed(quantile(added, 0.5), 1))
                                .append(" [").append(WholeProcessBenchmark.signed(quantile(added, 0.25), 1)).append("..")
                                .append(WholeProcessBenchmark.signed(quantile(added, 0.75), 1)).append(']');
                    }
                    sb.append(" |\n");
                }
            }
        }
    }

    /** "OkHttp 4, 8 threads": a table row's client and phase. */
    private static String row(Result r, String phase) {
        return WholeProcessBenchmark.clientName(r.client()) + (phase.equals("seq") ? ", 1 thread" : ", 8 threads");
    }

    private static String range(List<Double> v, int decimals) {
        return WholeProcessBenchmark.fmt(quantile(v, 0.5), decimals) + " [" + WholeProcessBenchmark.fmt(quantile(v, 0.25), decimals)
                + ".." + WholeProcessBenchmark.fmt(quantile(v, 0.75), decimals) + "]";
    }

    /** Every window, one CSV line each. */
    static String raw(List<Result> results) {
        StringBuilder sb = new StringBuilder("client,cycle,phase,config,server_cpu_us,line\n");
        for (Result r : results) {
            for (Window w : r.windows()) {
                sb.append(r.client()).append(',').append(w.cycle()).append(',').append(w.phase()).append(',')
                        .append(w.config()).append(',').append(String.format(Locale.ROOT, "%.2f", w.serverCpuUsPerRequest()))
                        .append(",\"");
                w.fields().forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
                sb.append("\"\n");
            }
        }
        return sb.toString();
    }
}
