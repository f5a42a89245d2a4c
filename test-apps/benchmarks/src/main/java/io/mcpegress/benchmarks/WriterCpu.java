package io.mcpegress.benchmarks;

import io.mcpegress.agent.audit.AuditEncoder;
import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.AuditSink;
import io.mcpegress.agent.audit.ChainedEncoder;
import io.mcpegress.agent.audit.EcsEncoder;
import io.mcpegress.agent.audit.sink.RotatingFileSink;
import io.mcpegress.agent.audit.OcsfEncoder;
import io.mcpegress.agent.audit.ProcessIdentity;
import io.mcpegress.agent.audit.RequestTarget;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * CPU time the audit writer thread spends per event (not wall time: on a shared 2-core machine the
 * wall clock of {@link WriterThroughput} mostly measures the neighbours). The production writer:
 * {@link AuditPipeline} + {@link ChainedEncoder} (SHA-256 chain) over ECS or OCSF, a fresh
 * {@link RequestTarget} per event (one URL for all: after the first event the encoders copy its
 * url and destination fields from their per-target cache, as for an MCP server's repeated calls), to
 * a {@link RotatingFileSink} (its defaults: one write per batch) or to a sink that discards (the encoder's share alone).
 * With {@code competing} threads that spin while the writer works, the cores are saturated as
 * with 8 client threads on 2 cores: what the writer's yields cost when each one is a context switch.
 * Usage: {@code WriterCpu dir [N] [rounds] [competing]}; prints one line per configuration, median of the rounds.
 */
public final class WriterCpu {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : System.getProperty("java.io.tmpdir"));
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 200_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        int competing = args.length > 3 ? Integer.parseInt(args[3]) : 0;
        Files.createDirectories(dir);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        AuditEvent[] events = new AuditEvent[n];
        for (String format : new String[] {"ecs", "ocsf"}) {
            for (boolean file : new boolean[] {false, true}) {
                double[] nsPerEvent = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    for (int i = 0; i < n; i++) {
                        events[i] = AuditEncodeBenchmark.withMcp(RequestTarget.of(HotPathBenchmark.TARGET));
                    }
                    ProcessIdentity identity = new ProcessIdentity("bench-service", "0.1.0");
                    AuditEncoder encoder = new ChainedEncoder(format.equals("ecs") ? new EcsEncoder(identity)
                            : new OcsfEncoder(identity), null);
                    Path path = dir.resolve("writer-cpu-" + r + ".jsonl");
                    Files.deleteIfExists(path);
                    AuditSink sink = file ? RotatingFileSink.builder(path).open() : new Discard();
                    AuditPipeline pipeline = new AuditPipeline(n, encoder, sink);
                    for (AuditEvent e : events) {
                        pipeline.offer(e);
                    }
                    java.util.concurrent.atomic.AtomicBoolean spin = new java.util.concurrent.atomic.AtomicBoolean(true);
                    Thread[] spinners = new Thread[competing];
                    for (int k = 0; k < competing; k++) {
                        spinners[k] = new Thread(() -> {
                            long x = 0;
                            while (spin.get()) {
                                x += x * 31 + 7; // keeps a core busy
                            }
                            sinkValue = x;
                        }, "competing-" + k);
                        spinners[k].start();
                    }
                    pipeline.start();
                    Thread writer = writerThread();
                    long cpu0 = threads.getThreadCpuTime(writer.getId());
                    while (pipeline.writtenCount() < n) {
                        Thread.sleep(1);
                    }
                    long cpu1 = threads.getThreadCpuTime(writer.getId());
                    spin.set(false);
                    for (Thread t : spinners) {
                        t.join();
                    }
                    pipeline.close();
                    sink.close();
                    Files.deleteIfExists(path);
                    nsPerEvent[r] = (cpu1 - cpu0) / (double) n;
                }
                Arrays.sort(nsPerEvent);
                System.out.printf("WRITER_CPU format=%s sink=%s competing=%d events=%d rounds=%d median_cpu_ns_per_event=%.0f min=%.0f%n",
                        format, file ? "file" : "discard", competing, n, rounds, nsPerEvent[rounds / 2], nsPerEvent[0]);
            }
        }
    }

    static volatile long sinkValue;

    /** The pipeline's writer thread, once started. */
    static Thread writerThread() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("mcp-egress-audit-writer")).findFirst().orElseThrow();
    }

    private static final class Discard implements AuditSink {
        @Override
        public void write(byte[] line, int offset, int length) {
        }

        @Override
        public void flush() {
        }

        @Override
        public String describe() {
            return "discard";
        }

        @Override
        public void close() {
        }
    }
}
