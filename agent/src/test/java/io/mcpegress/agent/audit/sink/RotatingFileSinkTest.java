package io.mcpegress.agent.audit.sink;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RotatingFileSinkTest {

    @TempDir
    Path dir;

    /** A clock the test moves by hand. */
    static final class ManualClock extends Clock {
        private volatile long millis;

        ManualClock(String isoInstant) {
            this.millis = Instant.parse(isoInstant).toEpochMilli();
        }

        void set(String isoInstant) {
            this.millis = Instant.parse(isoInstant).toEpochMilli();
        }

        void advance(long ms) {
            millis += ms;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    private static void write(RotatingFileSink sink, byte[] line) throws IOException {
        sink.write(line, 0, line.length);
    }

    private static List<String> names(List<Path> paths) {
        return paths.stream().map(p -> p.getFileName().toString()).collect(Collectors.toList());
    }

    /** Every line of every file (rotated oldest first, then the active one). */
    private static List<String> allLines(RotatingFileSink sink) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : sink.rotatedFiles()) {
            out.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
        }
        if (Files.exists(sink.path())) {
            out.addAll(Files.readAllLines(sink.path(), StandardCharsets.UTF_8));
        }
        return out;
    }

    @Test
    void createsTheFileAndItsDirectoryWithMode0600AndAppendsWholeLines() throws Exception {
        Path file = dir.resolve("logs/sub/audit.jsonl");
        try (RotatingFileSink sink = RotatingFileSink.builder(file).open()) {
            for (int i = 0; i < 3; i++) {
                write(sink, TestSupport.line(i));
            }
            sink.flush();
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(lines.get(i)).isEqualTo(TestSupport.text(TestSupport.line(i)));
        }
    }

    @Test
    void rotatesBySizeWithSortableNamesAndNeverSplitsALine() throws Exception {
        ManualClock clock = new ManualClock("2026-11-24T10:00:00.250Z");
        long max = TestSupport.line(13).length * 3L; // the longest line: three of any fit, four never do
        Path file = dir.resolve("audit.jsonl");
        try (RotatingFileSink sink = RotatingFileSink.builder(file).maxBytes(max)
                .fsync(RotatingFileSink.Fsync.ALWAYS).clock(clock).open()) {
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 14; i++) {
                byte[] l = TestSupport.line(i);
                expected.add(TestSupport.text(l));
                write(sink, l);
                sink.flush();
                if (i == 8) {
                    clock.advance(2_000);
                }
            }
            List<Path> rotated = sink.rotatedFiles();
            assertThat(names(rotated)).containsExactly(
                    "audit.jsonl.2026-11-24T10-00-00.001",
                    "audit.jsonl.2026-11-24T10-00-00.002",
                    "audit.jsonl.2026-11-24T10-00-00.003",
                    "audit.jsonl.2026-11-24T10-00-02.001");
            assertThat(Files.readAllLines(file)).hasSize(2);
            // names sort chronologically as plain strings, too
            assertThat(names(rotated)).isSorted();
            for (Path p : rotated) {
                assertThat(Files.readAllLines(p)).hasSize(3);
                assertThat(Files.size(p)).isLessThanOrEqualTo(max);
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).isEqualTo("rw-------");
            }
            assertThat(allLines(sink)).isEqualTo(expected);
        }
    }

    @Test
    void rotatesHourlyAndDailyAtUtcBoundariesNamedAfterThePeriod() throws Exception {
        ManualClock clock = new ManualClock("2026-11-24T10:15:00Z");
        Path file = dir.resolve("hourly.jsonl");
        try (RotatingFileSink sink = RotatingFileSink.builder(file).rotation(RotatingFileSink.Rotation.HOURLY)
                .clock(clock).open()) {
            write(sink, TestSupport.line(0));
            clock.set("2026-11-24T10:59:59.999Z");
            write(sink, TestSupport.line(1));
            clock.set("2026-11-24T11:00:00Z");
            write(sink, TestSupport.line(2));
            clock.set("2026-11-24T14:30:00Z"); // idle hours produce no empty files
            write(sink, TestSupport.line(3));
            sink.flush(); // lines reach the active file at the end of each batch
            assertThat(names(sink.rotatedFiles())).containsExactly(
                    "hourly.jsonl.2026-11-24T10-15-00.001",
                    "hourly.jsonl.2026-11-24T11-00-00.001");
            assertThat(Files.readAllLines(sink.rotatedFiles().get(0))).hasSize(2);
            assertThat(Files.readAllLines(file)).containsExactly(TestSupport.text(TestSupport.line(3)));
        }

        clock.set("2026-11-24T23:59:00Z");
        Path daily = dir.resolve("daily.jsonl");
        try (RotatingFileSink sink = RotatingFileSink.builder(daily).rotation(RotatingFileSink.Rotation.DAILY)
                .clock(clock).open()) {
            write(sink, TestSupport.line(0));
            clock.set("2026-11-25T00:00:01Z");
            write(sink, TestSupport.line(1));
            clock.set("2026-11-26T08:00:00Z");
            write(sink, TestSupport.line(2));
            assertThat(names(sink.rotatedFiles())).containsExactly(
                    "daily.jsonl.2026-11-24T23-59-00.001",
                    "daily.jsonl.2026-11-25T00-00-00.001");
        }
    }

    @Test
    void aFileLeftFromAnEarlierPeriodIsRotatedAtStart() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, TestSupport.text(TestSupport.line(0)) + "\n");
        Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-11-23T22:00:00Z")));
        ManualClock clock = new ManualClock("2026-11-24T09:00:00Z");
        try (RotatingFileSink sink = RotatingFileSink.builder(file).rotation(RotatingFileSink.Rotation.DAILY)
                .clock(clock).open()) {
            assertThat(sink.rotatedFiles()).hasSize(1);
            assertThat(sink.rotatedFiles().get(0).getFileName().toString()).startsWith("audit.jsonl.2026-11-23T");
            assertThat(Files.size(file)).isZero();
        }
    }

    @Test
    void retentionKeepsOnlyTheNewestRotatedFiles() throws Exception {
        ManualClock clock = new ManualClock("2026-11-24T10:00:00Z");
        byte[] line = TestSupport.line(0);
        Path file = dir.resolve("audit.jsonl");
        // an unrelated file next to the audit trail is never touched
        Files.writeString(dir.resolve("audit.jsonl.notes"), "keep me");
        try (RotatingFileSink sink = RotatingFileSink.builder(file).maxBytes(line.length).retention(3)
                .clock(clock).open()) {
            for (int i = 0; i < 10; i++) {
                clock.advance(1_000);
                write(sink, TestSupport.line(i));
            }
            sink.flush();
            List<Path> rotated = sink.rotatedFiles();
            assertThat(names(rotated)).containsExactly(
                    "audit.jsonl.2026-11-24T10-00-07.001",
                    "audit.jsonl.2026-11-24T10-00-08.001",
                    "audit.jsonl.2026-11-24T10-00-09.001");
            assertThat(Files.readAllLines(rotated.get(2))).containsExactly(TestSupport.text(TestSupport.line(8)));
            assertThat(Files.readAllLines(file)).containsExactly(TestSupport.text(TestSupport.line(9)));
        }
        assertThat(Files.readString(dir.resolve("audit.jsonl.notes"))).isEqualTo("keep me");
    }

    @Test
    void aDiskFullWriteFailsWithIOExceptionAndTheSinkRecoversOnTheNextWrite() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        // /dev/full fails every write with ENOSPC, exactly like a full disk
        Files.createSymbolicLink(file, Path.of("/dev/full"));
        try (RotatingFileSink sink = RotatingFileSink.builder(file).fsync(RotatingFileSink.Fsync.ALWAYS).open()) {
            byte[] first = TestSupport.line(1);
            assertThatThrownBy(() -> write(sink, first)).isInstanceOf(IOException.class)
                    .hasMessageContaining("No space left on device");
            sink.flush(); // nothing open: nothing to fail
            assertThatThrownBy(() -> write(sink, first)).isInstanceOf(IOException.class);

            // space again: the next write reopens the file
            Files.delete(file);
            byte[] second = TestSupport.line(2);
            write(sink, second);
            sink.flush();
            assertThat(Files.isSymbolicLink(file)).isFalse();
            assertThat(Files.readAllLines(file)).containsExactly(TestSupport.text(second));
        }
    }

    @Test
    void aBrokenLastLineIsTerminatedBeforeTheNextEvent() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        Files.writeString(file, "{\"partial\":");
        try (RotatingFileSink sink = RotatingFileSink.builder(file).open()) {
            write(sink, TestSupport.line(5));
        }
        assertThat(Files.readAllLines(file)).containsExactly("{\"partial\":", TestSupport.text(TestSupport.line(5)));
    }

    @Test
    void anUnwritableLocationFailsAtOpen() throws Exception {
        Path notADir = dir.resolve("plain-file");
        Files.writeString(notADir, "x");
        assertThatThrownBy(() -> RotatingFileSink.builder(notADir.resolve("audit.jsonl")).open())
                .isInstanceOf(IOException.class);
    }

    @Test
    void fsyncPoliciesAndDescribe() throws Exception {
        ManualClock clock = new ManualClock("2026-11-24T10:00:00Z");
        for (RotatingFileSink.Fsync policy : RotatingFileSink.Fsync.values()) {
            Path file = dir.resolve("fsync-" + policy + ".jsonl");
            try (RotatingFileSink sink = RotatingFileSink.builder(file).fsync(policy).fsyncIntervalMillis(500)
                    .clock(clock).open()) {
                for (int i = 0; i < 5; i++) {
                    write(sink, TestSupport.line(i));
                    sink.flush();
                    clock.advance(200);
                }
                assertThat(Files.readAllLines(file)).hasSize(5);
            }
        }
        try (RotatingFileSink sink = RotatingFileSink.builder(dir.resolve("d.jsonl")).maxBytes(1 << 20)
                .rotation(RotatingFileSink.Rotation.DAILY).retention(7).fsync(RotatingFileSink.Fsync.INTERVAL)
                .fsyncIntervalMillis(250).open()) {
            assertThat(sink.describe()).isEqualTo("file:" + dir.resolve("d.jsonl").toAbsolutePath()
                    + " (rotate=daily, max-size=1048576, retention=7, fsync=interval 250ms)");
        }
    }
}
