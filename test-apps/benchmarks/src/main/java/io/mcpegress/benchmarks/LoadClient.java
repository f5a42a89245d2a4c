package io.mcpegress.benchmarks;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The whole-process workload, run in a child JVM (with or without an agent): keep-alive GETs to
 * the loopback server. Phases: warm-up (8 threads), sequential (1 thread), 8 threads; then a GC
 * and heap/metaspace use. Prints one {@code RESULT k=v ...} line on stdout.
 * <p>
 * Usage: LoadClient jdk|huc|okhttp|apache5 url warmupSeconds measureSeconds, or
 * LoadClient windows jdk|huc|okhttp|apache5 url warmupSeconds (see {@link #windows}).
 */
public final class LoadClient {

    /** Latency histogram: 250 ns buckets up to 50 ms, then one overflow bucket. No allocation when recording. */
    static final class Histogram {
        static final int RES_NS = 250;
        final long[] counts = new long[200_001];

        void record(long nanos) {
            int b = (int) Math.min(nanos / RES_NS, counts.length - 1);
            counts[b]++;
        }

        void add(Histogram o) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += o.counts[i];
            }
        }

        long total() {
            long t = 0;
            for (long c : counts) {
                t += c;
            }
            return t;
        }

        /** Percentile in microseconds (bucket midpoint). */
        double percentileMicros(double p) {
            long total = total();
            long rank = (long) Math.ceil(p / 100.0 * total);
            long seen = 0;
            for (int i = 0; i < counts.length; i++) {
                seen += counts[i];
                if (seen >= rank && counts[i] > 0) {
                    return (i * RES_NS + RES_NS / 2.0) / 1000.0;
                }
            }
            return Double.NaN;
        }
    }

    interface Caller {
        void call() throws Exception;
    }

    static volatile boolean sink;

    public static void main(String[] args) throws Exception {
        if (args[0].equals("windows")) {
            windows(args[1], args[2], Integer.parseInt(args[3]));
            return;
        }
        String client = args[0];
        String url = args[1];
        int warmup = Integer.parseInt(args[2]);
        int measure = Integer.parseInt(args[3]);
        Caller caller = caller(client, url);

        run(caller, 8, warmup * 1_000_000_000L, null);
        Histogram seq = new Histogram();
        CpuTimes before = CpuTimes.now();
        long seqCount = run(caller, 1, measure * 1_000_000_000L, seq);
        CpuTimes afterSeq = CpuTimes.now();
        Histogram par = new Histogram();
        long parCount = run(caller, 8, measure * 1_000_000_000L, par);
        CpuTimes afterPar = CpuTimes.now();

        System.out.println(String.format(java.util.Locale.ROOT,
                "RESULT client=%s seq_rps=%.1f seq_p50_us=%.2f seq_p99_us=%.2f par_rps=%.1f par_p50_us=%.2f par_p99_us=%.2f ",
                client, seqCount / (double) measure, seq.percentileMicros(50), seq.percentileMicros(99),
                parCount / (double) measure, par.percentileMicros(50), par.percentileMicros(99))
                + afterSeq.perRequestSince(before, seqCount, "seq_") + afterPar.perRequestSince(afterSeq, parCount, "par_")
                + "requests=" + ALL.get() + " " + memoryFields());
        System.out.flush();
        System.exit(0);
    }

    private static final AtomicLong ALL = new AtomicLong();

    static Caller caller(String client, String url) throws Exception {
        if (client.equals("jdk")) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create(url)).GET().build();
            return () -> {
                HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                if (r.statusCode() != 200 || r.body().length == 0) {
                    throw new IllegalStateException("status " + r.statusCode());
                }
            };
        } else if (client.equals("huc")) {
            URL u = URI.create(url).toURL();
            return () -> {
                HttpURLConnection c = (HttpURLConnection) u.openConnection();
                int status = c.getResponseCode();
                try (InputStream in = c.getInputStream()) {
                    if (status != 200 || in.readAllBytes().length == 0) {
                        throw new IllegalStateException("status " + status);
                    }
                }
            };
        } else if (client.equals("okhttp")) {
            return OkHttpCaller.create(url);
        } else if (client.equals("apache5")) {
            return Apache5Caller.create(url);
        }
        throw new IllegalArgumentException(client);
    }

    /**
     * Paired-windows mode ({@link PairedWindows}): warm up, print {@code READY}, then run one
     * measurement window per command read from stdin ({@code seq MS} or {@code par MS}) and answer
     * each with a {@code WINDOW k=v ...} line; {@code quit} prints memory use as a {@code RESULT}
     * line and exits. The orchestrator keeps one such JVM per configuration alive and measures
     * them in turn, one short window each, so that the machine's drift (neighbours, load) falls
     * on every configuration alike instead of on whichever ran during a bad minute.
     */
    static void windows(String client, String url, int warmupSeconds) throws Exception {
        Caller caller = caller(client, url);
        run(caller, 8, warmupSeconds * 1_000_000_000L, null);
        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in,
                java.nio.charset.StandardCharsets.UTF_8));
        System.out.println("READY");
        System.out.flush();
        for (String line; (line = in.readLine()) != null && !line.equals("quit"); ) {
            String[] command = line.trim().split(" ");
            int threads = command[0].equals("seq") ? 1 : 8;
            long nanos = Long.parseLong(command[1]) * 1_000_000L;
            Histogram h = new Histogram();
            CpuTimes before = CpuTimes.now();
            long t0 = System.nanoTime();
            long n = run(caller, threads, nanos, h);
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.println(String.format(java.util.Locale.ROOT, "WINDOW phase=%s requests=%d rps=%.1f p50_us=%.2f p99_us=%.2f ",
                    command[0], n, n / seconds, h.percentileMicros(50), h.percentileMicros(99))
                    + CpuTimes.now().perRequestSince(before, n, "").trim());
            System.out.flush();
        }
        System.out.println("RESULT requests=" + ALL.get() + " " + memoryFields());
        System.out.flush();
        System.exit(0);
    }

    /** CPU time so far of the whole JVM, of our agent's audit writer thread and of the JIT compiler threads. */
    record CpuTimes(long process, long writer, long jit) {
        static CpuTimes now() {
            return new CpuTimes(processCpuNanos(), auditWriterCpuNanos(), jitCompilerCpuNanos());
        }

        /** {@code <prefix>cpu_us=.. <prefix>writer_cpu_us=.. <prefix>jit_cpu_us=.. }: µs per request since {@code earlier}. */
        String perRequestSince(CpuTimes earlier, long requests, String prefix) {
            return String.format(java.util.Locale.ROOT, "%1$scpu_us=%2$.2f %1$swriter_cpu_us=%3$.2f %1$sjit_cpu_us=%4$.2f ", prefix,
                    (process - earlier.process) / 1000.0 / requests, (writer - earlier.writer) / 1000.0 / requests,
                    (jit - earlier.jit) / 1000.0 / requests);
        }
    }

    /** Heap, Metaspace and non-heap use (MB) after three System.gc(), and loaded classes, as k=v fields. */
    static String memoryFields() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        long metaspace = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getName().equals("Metaspace")) {
                metaspace = pool.getUsage().getUsed();
            }
        }
        return String.format(java.util.Locale.ROOT, "heap_mb=%.2f metaspace_mb=%.2f nonheap_mb=%.2f classes=%d",
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0, metaspace / 1048576.0,
                ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed() / 1048576.0,
                ManagementFactory.getClassLoadingMXBean().getLoadedClassCount());
    }

    /**
     * CPU time of this whole JVM (application threads, the agent's writer, JIT, GC): per request,
     * what a configuration costs whatever the neighbours on a shared machine do to the wall clock.
     */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Name of our agent's audit writer thread (AuditPipeline). */
    static final String AUDIT_WRITER_THREAD = "mcp-egress-audit-writer";

    /**
     * CPU time (user + system) of our agent's audit writer thread so far, 0 without it: splits what
     * the agent costs per request into the writer's work (encoding, hash chain, write(2)) and the
     * rest (the hooks on the application threads, and what sharing the cores does to everyone).
     */
    static long auditWriterCpuNanos() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals(AUDIT_WRITER_THREAD)) {
                long ns = ManagementFactory.getThreadMXBean().getThreadCpuTime(t.getId());
                return Math.max(0, ns);
            }
        }
        return 0;
    }

    /**
     * CPU time (user + system) of the JIT compiler threads so far, from {@code /proc/self/task} (they
     * are not Java threads, so no MXBean lists them); 0 where that cannot be read. After the warm-up
     * they still took 11-43 µs per request of a sequential phase in runs with and without an agent
     * alike: compiling is a one-off cost of the run, not of each request, and it moved the
     * per-request CPU of the same configuration by tens of µs between runs.
     */
    static long jitCompilerCpuNanos() {
        long ticks = 0;
        try (java.nio.file.DirectoryStream<java.nio.file.Path> tasks =
                     java.nio.file.Files.newDirectoryStream(java.nio.file.Path.of("/proc/self/task"))) {
            for (java.nio.file.Path task : tasks) {
                try {
                    if (!java.nio.file.Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        continue;
                    }
                    String stat = java.nio.file.Files.readString(task.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
                } catch (java.io.IOException | RuntimeException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (java.io.IOException | RuntimeException notLinux) {
            return 0;
        }
        return ticks * 10_000_000L; // USER_HZ is 100 on Linux
    }

    /** Runs the caller on n threads for the given seconds; returns the number of calls made. */
    static long run(Caller caller, int threads, long nanos, Histogram into) throws InterruptedException {
        long end = System.nanoTime() + nanos;
        List<Thread> ts = new ArrayList<>();
        List<Histogram> hs = new ArrayList<>();
        AtomicLong count = new AtomicLong();
        Throwable[] failure = new Throwable[1];
        for (int t = 0; t < threads; t++) {
            Histogram h = new Histogram();
            hs.add(h);
            Thread th = new Thread(() -> {
                long n = 0;
                try {
                    while (true) {
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                            break;
                        }
                        caller.call();
                        h.record(System.nanoTime() - t0);
                        n++;
                    }
                } catch (Throwable e) {
                    failure[0] = e;
                }
                count.addAndGet(n);
            }, "load-" + t);
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) {
            th.join();
        }
        if (failure[0] != null) {
            failure[0].printStackTrace();
            System.exit(3);
        }
        if (into != null) {
            for (Histogram h : hs) {
                into.add(h);
            }
        }
        ALL.addAndGet(count.get());
        return count.get();
    }
}
