package io.mcpegress.agent.audit;

import io.mcpegress.agent.audit.sink.RotatingFileSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class AuditPipelineTest {

    @TempDir
    Path dir;

    private static AuditEvent event(int i) {
        return AuditEvent.builder().client("c/1").method("GET").route("direct")
                .target(RequestTarget.of(URI.create("http://h/" + i))).statusCode(200).build();
    }

    private static AuditPipeline pipeline(int capacity, Path file, AuditPipeline.OverflowPolicy overflow,
                                          long heartbeatMillis) throws IOException {
        return new AuditPipeline(capacity, new EcsEncoder(new ProcessIdentity("s", "v")),
                RotatingFileSink.builder(file).open(), overflow, heartbeatMillis);
    }

    private static List<String> lines(Path file, String action) throws IOException {
        return Files.readAllLines(file).stream().filter(l -> l.contains("\"action\":\"" + action + "\"")).toList();
    }

    @Test
    void closeWritesEverythingOfferedFromManyThreadsThenTheShutdownEvent() throws Exception {
        Path file = dir.resolve("sub/audit.jsonl");
        AuditPipeline pipeline = pipeline(100_000, file, AuditPipeline.OverflowPolicy.DROP, 0);
        pipeline.start();
        int threads = 8;
        int perThread = 2_000;
        CountDownLatch done = new CountDownLatch(threads);
        for (int t = 0; t < threads; t++) {
            int base = t * perThread;
            new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    pipeline.offer(event(base + i));
                }
                done.countDown();
            }).start();
        }
        done.await();
        pipeline.close();
        List<String> all = Files.readAllLines(file);
        List<String> exchanges = lines(file, "http-request");
        assertThat(exchanges).hasSize(threads * perThread);
        assertThat(exchanges.stream().distinct().count()).isEqualTo(threads * perThread);
        assertThat(all).hasSize(threads * perThread + 1);
        assertThat(all.get(all.size() - 1)).contains("\"action\":\"agent-shutdown\"")
                .contains("\"exchanges\":" + threads * perThread).contains("\"dropped\":0");
        assertThat(pipeline.droppedCount()).isZero();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void theEncoderIsBuiltOnTheWriterThreadAndAFailedBuildIsRetried() throws Exception {
        Path file = dir.resolve("lazy.jsonl");
        List<String> builtOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
        AuditPipeline pipeline = new AuditPipeline(1024, () -> {
            builtOn.add(Thread.currentThread().getName());
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("first build fails");
            }
            return new EcsEncoder(new ProcessIdentity("s", "v"));
        }, RotatingFileSink.builder(file).open(), AuditPipeline.OverflowPolicy.DROP, 0);
        assertThat(builtOn).as("not built by the constructor, on the JVM's start-up path").isEmpty();

        pipeline.start();
        awaitTrue(() -> !builtOn.isEmpty());
        pipeline.offer(event(1));
        awaitTrue(() -> pipeline.writtenCount() == 1);
        pipeline.close();

        assertThat(builtOn).containsExactly("mcp-egress-audit-writer", "mcp-egress-audit-writer");
        assertThat(lines(file, "http-request")).hasSize(1);
    }

    @Test
    void theStartEventsConfigurationHashIsComputedByTheWriter() throws Exception {
        Path file = dir.resolve("start.jsonl");
        List<String> hashedOn = new java.util.concurrent.CopyOnWriteArrayList<>();
        AuditPipeline pipeline = pipeline(100, file, AuditPipeline.OverflowPolicy.DROP, 0);
        pipeline.start();
        AgentEvent start = AgentEvent.start(() -> {
            hashedOn.add(Thread.currentThread().getName());
            return "c0ffee";
        }, "enforce", null, List.of("okhttp"), "started");
        assertThat(hashedOn).as("not hashed on the caller's (premain's) thread").isEmpty();

        pipeline.offer(start);
        awaitTrue(() -> pipeline.writtenCount() == 1);
        pipeline.close();

        assertThat(hashedOn).containsExactly("mcp-egress-audit-writer");
        assertThat(lines(file, "agent-start")).singleElement().asString().contains("\"c0ffee\"");
    }

    /**
     * The writer waits in a 200 ms poll when idle; close must wake it rather than wait that out,
     * since every JVM exit runs close (it was a fifth of a second added to a short-lived JVM).
     */
    @Test
    void closeWakesAnIdleWriterAtOnceAndWritesNoMarker() throws Exception {
        Path file = dir.resolve("idle.jsonl");
        AuditPipeline pipeline = pipeline(100, file, AuditPipeline.OverflowPolicy.DROP, 0);
        pipeline.start();
        pipeline.offer(event(1));
        Thread.sleep(50); // written; the writer is back in its poll
        long start = System.nanoTime();
        pipeline.close();
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(tookMillis).as("close() of an idle pipeline, ms").isLessThan(100);
        List<String> all = Files.readAllLines(file);
        assertThat(all).hasSize(2);
        assertThat(lines(file, "http-request")).hasSize(1);
        assertThat(lines(file, "agent-shutdown")).hasSize(1);
        assertThat(lines(file, "agent-heartbeat")).isEmpty();
    }

    @Test
    void aFullQueueDropsCountsAndReportsTheLoss() throws Exception {
        Path file = dir.resolve("a.jsonl");
        AuditPipeline pipeline = pipeline(16, file, AuditPipeline.OverflowPolicy.DROP, 0);
        // writer not started: nothing drains the queue
        for (int i = 0; i < 20; i++) {
            pipeline.offer(event(i));
        }
        assertThat(pipeline.droppedCount()).isEqualTo(4);
        pipeline.close();
        assertThat(lines(file, "http-request")).hasSize(16);
        assertThat(lines(file, "audit-dropped")).singleElement().asString()
                .contains("\"dropped\":4").contains("\"outcome\":\"failure\"");
        assertThat(lines(file, "agent-shutdown")).singleElement().asString().contains("\"dropped\":4");
    }

    @Test
    void blockPolicyMakesTheCallerWaitInsteadOfLosingEvents() throws Exception {
        Path file = dir.resolve("b.jsonl");
        AuditPipeline pipeline = pipeline(16, file, AuditPipeline.OverflowPolicy.BLOCK, 0);
        for (int i = 0; i < 16; i++) {
            pipeline.offer(event(i));
        }
        CountDownLatch offered = new CountDownLatch(1);
        Thread caller = new Thread(() -> {
            pipeline.offer(event(16));
            offered.countDown();
        });
        caller.start();
        // the queue is full and nothing drains it: the caller must still be waiting
        assertThat(offered.await(300, TimeUnit.MILLISECONDS)).isFalse();
        pipeline.start();
        assertThat(offered.await(10, TimeUnit.SECONDS)).isTrue();
        pipeline.close();
        assertThat(lines(file, "http-request")).hasSize(17);
        assertThat(pipeline.droppedCount()).isZero();
        assertThat(lines(file, "audit-dropped")).isEmpty();
    }

    @Test
    void heartbeatsCarryTheCounters() throws Exception {
        Path file = dir.resolve("hb.jsonl");
        AuditPipeline pipeline = pipeline(64, file, AuditPipeline.OverflowPolicy.DROP, 1_000);
        pipeline.start();
        pipeline.offer(event(1));
        pipeline.offer(AuditEvent.builder().client("c/1").method("GET").route("blocked").denied(true).enforced(true)
                .target(RequestTarget.of(URI.create("http://denied/"))).build());
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (lines(file, "agent-heartbeat").size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        pipeline.close();
        List<String> heartbeats = lines(file, "agent-heartbeat");
        assertThat(heartbeats).hasSizeGreaterThanOrEqualTo(2);
        assertThat(heartbeats.get(heartbeats.size() - 1)).contains("\"kind\":\"metric\"")
                .contains("\"exchanges\":2").contains("\"denied\":1").contains("\"queue_depth\":0");
    }

    @Test
    void eventsAfterCloseAreWrittenSynchronously() throws Exception {
        Path file = dir.resolve("late.jsonl");
        AuditPipeline pipeline = pipeline(16, file, AuditPipeline.OverflowPolicy.DROP, 0);
        pipeline.start();
        pipeline.close();
        pipeline.offer(event(1));
        assertThat(lines(file, "http-request")).hasSize(1);
    }

    /**
     * Between small batches the writer sleeps (10 ms in production, a minute here); at 20,000
     * events/s 10 ms would be more than a small queue holds. An offer that finds a quarter of the
     * queue filled wakes it (the length is looked at every eighth of that): here by the 40th event
     * in a 128-event queue, all written at once, not a minute later.
     */
    @Test
    void aLingeringWriterIsWokenWhenAQuarterOfTheQueueIsFilled() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        AuditPipeline pipeline = new AuditPipeline(128, new EcsEncoder(new ProcessIdentity("s", "v")),
                RotatingFileSink.builder(file).open(), AuditPipeline.OverflowPolicy.DROP, 0, TimeUnit.MINUTES.toNanos(1));
        pipeline.start();
        pipeline.offer(event(0));
        awaitTrue(() -> pipeline.writtenCount() == 1 && pipeline.lingering());

        for (int i = 1; i <= 39; i++) {
            pipeline.offer(event(i));
        }

        awaitTrue(() -> pipeline.writtenCount() == 40);
        assertThat(pipeline.droppedCount()).isZero();
        pipeline.close();
        assertThat(lines(file, "http-request")).hasSize(40);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
