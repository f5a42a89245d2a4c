package io.mcpegress.agent.audit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;

class AuditPipelineTest {

    @TempDir
    Path dir;

    private static AuditEvent event(int i) {
        return AuditEvent.builder().client("c/1").method("GET").route("direct")
                .target(RequestTarget.of(URI.create("http://h/" + i))).statusCode(200).build();
    }

    @Test
    void closeWritesEverythingOfferedFromManyThreads() throws Exception {
        Path file = dir.resolve("sub/audit.jsonl");
        AuditPipeline pipeline = new AuditPipeline(100_000, new EcsEncoder(new ProcessIdentity("s", "v")), FileSink.open(file));
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
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(threads * perThread);
        assertThat(lines.stream().distinct().count()).isEqualTo(threads * perThread);
        assertThat(pipeline.droppedCount()).isZero();
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlocking() throws Exception {
        AuditPipeline pipeline = new AuditPipeline(16, new EcsEncoder(new ProcessIdentity("s", "v")),
                FileSink.open(dir.resolve("a.jsonl")));
        // writer not started: nothing drains the queue
        for (int i = 0; i < 20; i++) {
            pipeline.offer(event(i));
        }
        assertThat(pipeline.droppedCount()).isEqualTo(4);
        pipeline.close();
        assertThat(Files.readAllLines(dir.resolve("a.jsonl"))).hasSize(16);
    }

    @Test
    void eventsAfterCloseAreWrittenSynchronously() throws Exception {
        Path file = dir.resolve("late.jsonl");
        AuditPipeline pipeline = new AuditPipeline(16, new EcsEncoder(new ProcessIdentity("s", "v")), FileSink.open(file));
        pipeline.start();
        pipeline.close();
        pipeline.offer(event(1));
        assertThat(Files.readAllLines(file)).hasSize(1);
    }
}
