package io.mcpegress.agent.audit.sink;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The file sink gathers lines and writes them once per batch. What must not change with that:
 * files end at the same line boundaries as with a write per line, and no line a write() took is
 * ever lost without a trace (the pipeline counts a line as lost exactly when its write() throws).
 * Failures come from a "disk" that takes a given number of bytes more and then fails with ENOSPC,
 * partway through a write if the budget ends there, like a real full disk.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RotatingFileSinkBatchTest {

    @TempDir
    Path dir;

    /** Bytes the disk still takes; negative: unlimited. */
    private final AtomicLong budget = new AtomicLong(-1);
    private final AtomicInteger writeCalls = new AtomicInteger();

    private RotatingFileSink.Builder sink(Path file) {
        return RotatingFileSink.builder(file).clock(new RotatingFileSinkTest.ManualClock("2026-11-24T10:00:00Z"))
                .channelOpener((p, options, attributes) -> new DiskChannel(FileChannel.open(p, options, attributes)));
    }

    @Test
    void linesReachTheFileOncePerBatchAtFlush() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (RotatingFileSink s = sink(file).open()) {
            s.write(line(0, 100), 0, 100); // a new sink writes through until a write succeeded
            int before = writeCalls.get();
            for (int i = 1; i <= 50; i++) {
                s.write(line(i, 100), 0, 100);
            }
            assertThat(Files.size(file)).as("gathered, not yet written").isEqualTo(100);
            s.flush();
            assertThat(writeCalls.get() - before).as("write(2) calls for the batch").isEqualTo(1);
            assertThat(Files.size(file)).isEqualTo(51 * 100);
            for (int i = 0; i < 2 * RotatingFileSink.BUFFER_BYTES / 1000; i++) {
                s.write(line(i, 1000), 0, 1000);
            }
            assertThat(Files.size(file)).as("a full buffer is written without waiting for flush").isGreaterThan(51 * 100);
            byte[] huge = line(7, 3 * RotatingFileSink.BUFFER_BYTES);
            s.write(huge, 0, huge.length);
            s.flush();
        }
        assertThat(Files.size(file)).isEqualTo(51 * 100 + 2 * RotatingFileSink.BUFFER_BYTES / 1000 * 1000
                + 3 * RotatingFileSink.BUFFER_BYTES);
    }

    @Test
    void sizeRotationEndsFilesAtTheLineBoundariesOfAWritePerLine() throws Exception {
        Random random = new Random(7);
        for (int c = 0; c < 20; c++) {
            Path file = dir.resolve("case" + c).resolve("audit.jsonl");
            long max = 200 + random.nextInt(200_000);
            List<List<String>> expected = new ArrayList<>();
            expected.add(new ArrayList<>());
            long size = 0;
            try (RotatingFileSink s = sink(file).maxBytes(max).open()) {
                for (int i = 0; i < 600; i++) {
                    int length = random.nextInt(20) == 0 ? 1 + random.nextInt(100_000) : 1 + random.nextInt(900);
                    byte[] l = line(i, length);
                    // the rule of the unbuffered sink: rotate before a line that would pass the limit
                    if (size > 0 && size + length > max) {
                        expected.add(new ArrayList<>());
                        size = 0;
                    }
                    expected.get(expected.size() - 1).add(text(l));
                    size += length;
                    s.write(l, 0, length);
                    if (random.nextInt(30) == 0) {
                        s.flush();
                    }
                }
                s.flush();
                List<List<String>> actual = new ArrayList<>();
                for (Path p : s.rotatedFiles()) {
                    actual.add(Files.readAllLines(p, StandardCharsets.UTF_8));
                }
                actual.add(Files.readAllLines(file, StandardCharsets.UTF_8));
                assertThat(actual).as("case %d, max %d", c, max).isEqualTo(expected);
            }
        }
    }

    @Test
    void everyLineWriteTookReachesTheFileInOrderAndEveryOtherWriteFailed() throws Exception {
        Random random = new Random(11);
        for (int c = 0; c < 30; c++) {
            Path file = dir.resolve("case" + c).resolve("audit.jsonl");
            budget.set(-1);
            List<String> taken = new ArrayList<>();
            int refused = 0;
            try (RotatingFileSink s = sink(file).maxBytes(random.nextBoolean() ? 0 : 5_000 + random.nextInt(300_000))
                    .fsync(RotatingFileSink.Fsync.values()[random.nextInt(3)]).open()) {
                for (int i = 0; i < 500; i++) {
                    int r = random.nextInt(100);
                    if (r < 3) {
                        budget.set(random.nextInt(3 * RotatingFileSink.BUFFER_BYTES)); // the disk fills up soon
                    } else if (r < 6) {
                        budget.set(-1); // space again
                    } else if (r < 7) {
                        budget.set(0);
                    }
                    int length = random.nextInt(40) == 0 ? 70_000 + random.nextInt(10_000) : 1 + random.nextInt(2_000);
                    byte[] l = line(i, length);
                    try {
                        s.write(l, 0, length);
                        taken.add(text(l));
                    } catch (IOException e) {
                        refused++;
                    }
                    if (random.nextInt(8) == 0) {
                        try {
                            s.flush();
                        } catch (IOException e) {
                            // reported to the pipeline as a sink error; the lines stay buffered
                        }
                    }
                }
                budget.set(-1);
                s.flush();
                assertThat(allLines(s)).as("case %d: %d refused", c, refused).isEqualTo(taken);
            }
        }
    }

    @Test
    void aCloseThatCannotWriteTheBufferedLinesSaysHowManyAreLost() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        RotatingFileSink s = sink(file).open();
        s.write(line(0, 100), 0, 100);
        budget.set(0);
        for (int i = 1; i <= 7; i++) {
            s.write(line(i, 100), 0, 100); // taken into the buffer: the file was fine a moment ago
        }
        assertThatThrownBy(s::flush).hasMessageContaining("No space left on device");
        assertThatThrownBy(() -> s.write(line(8, 100), 0, 100)).as("refused while the buffered lines cannot be written")
                .hasMessageContaining("No space left on device");
        assertThatThrownBy(s::close).hasMessageContaining("7 audit events");
        assertThat(Files.readAllLines(file)).containsExactly(text(line(0, 100)));
    }

    @Test
    void aPartlyWrittenBatchKeepsItsWholeLinesAndRetriesTheRest() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (RotatingFileSink s = sink(file).open()) {
            s.write(line(0, 100), 0, 100);
            for (int i = 1; i <= 5; i++) {
                s.write(line(i, 100), 0, 100);
            }
            budget.set(250); // two lines and half of the third
            assertThatThrownBy(s::flush).isInstanceOf(IOException.class);
            assertThat(Files.readAllLines(file)).as("the partial line is cut off").hasSize(3);
            budget.set(-1);
            s.write(line(6, 100), 0, 100);
            s.flush();
        }
        List<String> expected = new ArrayList<>();
        for (int i = 0; i <= 6; i++) {
            expected.add(text(line(i, 100)));
        }
        assertThat(Files.readAllLines(file)).isEqualTo(expected);
    }

    private static List<String> allLines(RotatingFileSink s) throws IOException {
        List<String> out = new ArrayList<>();
        for (Path p : s.rotatedFiles()) {
            out.addAll(Files.readAllLines(p, StandardCharsets.UTF_8));
        }
        out.addAll(Files.readAllLines(s.path(), StandardCharsets.UTF_8));
        return out;
    }

    /** A line of exactly {@code length} bytes (newline included) that names its number. */
    static byte[] line(int i, int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) ('a' + i % 26));
        byte[] n = ("#" + i + ":").getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, b, 0, Math.min(n.length, length - 1));
        b[length - 1] = '\n';
        return b;
    }

    static String text(byte[] line) {
        return new String(line, 0, line.length - 1, StandardCharsets.US_ASCII);
    }

    /** The real file, behind a disk that fails with ENOSPC once {@link #budget} bytes are used up. */
    private final class DiskChannel extends FileChannel {
        private final FileChannel real;

        DiskChannel(FileChannel real) {
            this.real = real;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            writeCalls.incrementAndGet();
            long left = budget.get();
            if (left == 0) {
                throw new IOException("No space left on device");
            }
            if (left < 0 || left >= src.remaining()) {
                int n = real.write(src);
                if (left > 0) {
                    budget.addAndGet(-n);
                }
                return n;
            }
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + (int) left);
            int n = real.write(part);
            src.position(src.position() + n);
            budget.addAndGet(-n);
            return n;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) {
            throw new UnsupportedOperationException();
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            real.truncate(size);
            return this;
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) {
            throw new UnsupportedOperationException();
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public int write(ByteBuffer src, long position) {
            throw new UnsupportedOperationException();
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
