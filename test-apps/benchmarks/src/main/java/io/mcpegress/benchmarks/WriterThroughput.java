package io.mcpegress.benchmarks;

import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.ChainedEncoder;
import io.mcpegress.agent.audit.EcsEncoder;
import io.mcpegress.agent.audit.ProcessIdentity;
import io.mcpegress.agent.audit.RequestTarget;
import io.mcpegress.agent.audit.sink.RotatingFileSink;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Events per second one audit writer thread gets to a file: the queue is filled with N events
 * before the writer starts, then the clock runs until the writer has encoded and written them all.
 * The production writer: AuditPipeline, ECS inside the SHA-256 hash chain (ChainedEncoder), a
 * RotatingFileSink with its defaults (one write(2) per batch of up to 512, fsync at most once a
 * second), one event object per call as the hooks build them. Two workloads: every call to the
 * same endpoint (an MCP server's usual pattern, what the writer's per-target cache is for) and
 * every URL different (its worst case). Besides the wall clock it reports the writer thread's
 * own CPU time per event: on a shared VM the wall clock also counts the time the writer's core was
 * given to a neighbour (steal), which no change of ours can move. Usage: WriterThroughput dir [N] [rounds]
 */
public final class WriterThroughput {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 300_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Files.createDirectories(dir);
        for (boolean distinct : new boolean[] {false, true}) {
            String workload = distinct ? "distinct-urls" : "same-endpoint";
            AuditEvent[] events = new AuditEvent[n];
            double[] rates = new double[rounds];
            double[] cpuNs = new double[rounds];
            long bytes = 0;
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < n; i++) {
                    events[i] = HotPathBenchmark.buildEvent(RequestTarget.of(
                            distinct ? URI.create(HotPathBenchmark.URL + "&offset=" + i) : HotPathBenchmark.TARGET));
                }
                Path file = dir.resolve("writer-throughput-" + r + ".jsonl");
                Files.deleteIfExists(file);
                RotatingFileSink sink = RotatingFileSink.builder(file).open();
                AuditPipeline pipeline = new AuditPipeline(n,
                        new ChainedEncoder(new EcsEncoder(new ProcessIdentity("bench-service", "0.1.0")), null), sink);
                for (AuditEvent e : events) {
                    pipeline.offer(e);
                }
                if (pipeline.droppedCount() != 0) {
                    throw new IllegalStateException("dropped " + pipeline.droppedCount());
                }
                long t0 = System.nanoTime();
                pipeline.start();
                Thread writer = WriterCpu.writerThread();
                while (pipeline.writtenCount() < n) {
                    Thread.sleep(1);
                }
                long t1 = System.nanoTime();
                cpuNs[r] = THREADS.getThreadCpuTime(writer.getId()) / (double) n;
                pipeline.close();
                sink.close();
                bytes = Files.size(file);
                Files.delete(file);
                rates[r] = n / ((t1 - t0) / 1e9);
                System.err.printf("writer %s round %d: %,.0f events/s, %.0f ns of writer CPU per event%n",
                        workload, r, rates[r], cpuNs[r]);
            }
            java.util.Arrays.sort(rates);
            java.util.Arrays.sort(cpuNs);
            System.out.printf("WRITER workload=%s events=%d rounds=%d median_events_per_s=%.0f best_events_per_s=%.0f "
                            + "median_cpu_ns_per_event=%.0f events_per_cpu_s=%.0f bytes_per_event=%d%n", workload, n, rounds,
                    rates[rounds / 2], rates[rounds - 1], cpuNs[rounds / 2], 1e9 / cpuNs[rounds / 2], bytes / n);
        }
    }
}
