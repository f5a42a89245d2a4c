package io.mcpegress.agent.audit.sink;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

class DiskSpoolTest {

    @TempDir
    Path dir;

    private static byte[] ev(int i) {
        return ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8);
    }

    private static List<String> texts(List<byte[]> events) {
        List<String> out = new ArrayList<>();
        events.forEach(e -> out.add(new String(e, StandardCharsets.UTF_8)));
        return out;
    }

    private static void append(DiskSpool s, int from, int to) throws IOException {
        for (int i = from; i < to; i++) {
            byte[] e = ev(i);
            assertThat(s.append(e, 0, e.length)).isTrue();
        }
    }

    @Test
    void eventsComeOutInOrderAndLeaveOnlyWhenCommitted() throws Exception {
        try (DiskSpool s = DiskSpool.openFirstFree(dir.resolve("http"), 1 << 20)) {
            append(s, 0, 10);
            assertThat(texts(s.peek(3, Long.MAX_VALUE))).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
            assertThat(texts(s.peek(3, Long.MAX_VALUE))).as("peek does not remove").startsWith("{\"n\":0}");
            s.commit(3);
            assertThat(texts(s.peek(100, Long.MAX_VALUE))).hasSize(7).startsWith("{\"n\":3}").endsWith("{\"n\":9}");
            assertThat(s.pendingEvents()).isEqualTo(7);
        }
    }

    @Test
    void undeliveredEventsSurviveAReopenAndDeliveredOnesDoNotComeBack() throws Exception {
        Path base = dir.resolve("http");
        try (DiskSpool s = DiskSpool.openFirstFree(base, 1 << 20)) {
            append(s, 0, 5);
            s.commit(2);
        }
        try (DiskSpool s = DiskSpool.openFirstFree(base, 1 << 20)) {
            assertThat(s.directory()).isEqualTo(base);
            assertThat(texts(s.peek(100, Long.MAX_VALUE))).containsExactly("{\"n\":2}", "{\"n\":3}", "{\"n\":4}");
            append(s, 5, 6);
            s.commit(4);
            assertThat(s.pendingEvents()).isZero();
        }
        try (DiskSpool s = DiskSpool.openFirstFree(base, 1 << 20)) {
            assertThat(s.pendingEvents()).isZero();
            append(s, 6, 7);
            assertThat(texts(s.peek(100, Long.MAX_VALUE))).containsExactly("{\"n\":6}");
        }
    }

    @Test
    void aRecordTornByACrashEndsTheSpoolThereAndKeepsEverythingBefore() throws Exception {
        Path base = dir.resolve("http");
        try (DiskSpool s = DiskSpool.openFirstFree(base, 1 << 20)) {
            append(s, 0, 3);
        }
        Path segment;
        try (Stream<Path> files = Files.list(base)) {
            segment = files.filter(p -> p.toString().endsWith(".seg")).findFirst().orElseThrow();
        }
        // a crash in the middle of an append: a header promising 100 bytes, 3 of them written
        Files.write(segment, new byte[] {0, 0, 0, 100, 1, 2, 3, 4, 'x', 'y', 'z'}, StandardOpenOption.APPEND);
        try (DiskSpool s = DiskSpool.openFirstFree(base, 1 << 20)) {
            assertThat(s.pendingEvents()).isEqualTo(3);
            append(s, 3, 4);
            assertThat(texts(s.peek(100, Long.MAX_VALUE))).containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}", "{\"n\":3}");
        }
    }

    @Test
    void aFullSpoolRefusesAndTakesAgainOnceDelivered() throws Exception {
        try (DiskSpool s = DiskSpool.openFirstFree(dir.resolve("http"), 1 << 20)) {
            byte[] big = new byte[100_000];
            int taken = 0;
            while (s.append(big, 0, big.length)) {
                taken++;
            }
            assertThat(taken).isEqualTo(10); // 10 x (100,000 + 8) <= 1 MiB < 11 x
            assertThat(s.awaitRoom(big.length, 10)).isFalse();
            s.commit(1);
            assertThat(s.append(big, 0, big.length)).isTrue();
        }
    }

    @Test
    void deliveredSegmentsAreDeleted() throws Exception {
        Path base = dir.resolve("http");
        try (DiskSpool s = DiskSpool.openFirstFree(base, 1 << 20)) { // segments of 128 KiB
            byte[] e = new byte[10_000];
            for (int i = 0; i < 60; i++) {
                assertThat(s.append(e, 0, e.length)).isTrue();
            }
            assertThat(segments(base)).isGreaterThan(3);
            s.commit(30);
            long middle = segments(base);
            s.commit(30);
            assertThat(segments(base)).isLessThan(middle).isZero();
        }
    }

    @Test
    void aSecondProcessWithTheSameDirectoryGetsItsOwn() throws Exception {
        Path base = dir.resolve("http");
        try (DiskSpool first = DiskSpool.openFirstFree(base, 1 << 20);
             DiskSpool second = DiskSpool.openFirstFree(base, 1 << 20)) {
            assertThat(first.directory()).isEqualTo(base);
            assertThat(second.directory()).isEqualTo(dir.resolve("http-2"));
        }
    }

    private static long segments(Path base) throws IOException {
        try (Stream<Path> files = Files.list(base)) {
            return files.filter(p -> p.toString().endsWith(".seg")).count();
        }
    }
}
