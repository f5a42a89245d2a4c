package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditSink;
import io.mcpegress.agent.util.AgentLog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * JSON lines in a file that rotates by size and/or by time, keeps a bounded number of rotated
 * files and syncs to disk by policy.
 *
 * <p><b>Naming.</b> The active file is the configured path, e.g. {@code audit.jsonl}. A rotated
 * file is {@code audit.jsonl.<start>.<seq>}, where {@code <start>} is the UTC time its first event
 * was written ({@code yyyy-MM-dd'T'HH-mm-ss}; the period start for a time rotation) and
 * {@code <seq>} a three-digit counter that keeps names unique within one second, e.g.
 * {@code audit.jsonl.2026-11-24T10-00-00.001}. Names sort chronologically. Hourly and daily
 * periods are UTC, like the event timestamps.
 *
 * <p><b>Batches.</b> Lines are gathered in a {@value #BUFFER_BYTES}-byte buffer and reach the file
 * in one write(2) at {@link #flush} (after each batch of the pipeline), when the buffer is full,
 * before a rotation, and at {@link #close}: a file written and read between flushes may lack the
 * latest lines. Rotation by size counts buffered lines as if they were in the file already, so
 * files end at the same line boundaries as with a write per line.
 *
 * <p><b>Failures.</b> Every I/O failure (disk full, file removed, permissions) reaches the caller
 * as an {@link IOException}; a partly written line is cut off again where possible, the file is
 * closed, and the next write reopens it. A line never starts in the middle of a broken one: if
 * the file does not end with a newline when (re)opened, one is written first. A failed rotation
 * (rename) keeps writing to the active file and is reported once by the next {@link #flush}.
 * <br>No line is lost without its {@link #write} failing (the pipeline counts each such line as
 * lost): a line {@link #write} took is kept until it is in the file. When writing buffered lines
 * fails, those lines stay buffered and are tried again first, and until a write succeeds every
 * {@link #write} goes straight to the file and fails with it, refusing its line. The same holds for
 * a newly opened sink, so an unwritable file refuses each line rather than buffering any. Only
 * {@link #close} can lose taken lines: when they still cannot be written it throws an exception
 * that says how many.
 *
 * <p>Files are created with mode 0600 (owner read/write only) where the file system is POSIX.
 * Not thread-safe: the pipeline's writer thread is the only caller.
 */
public final class RotatingFileSink implements AuditSink {

    /** Time-based rotation period, UTC. */
    public enum Rotation { NONE, HOURLY, DAILY }

    /** When written data is forced to the storage device. */
    public enum Fsync {
        /** After every batch (each {@link #flush}). */
        ALWAYS,
        /** At a flush at most once per interval; always on rotation and close. */
        INTERVAL,
        /** Never explicitly: the OS writes back when it likes. */
        NEVER
    }

    /** In a holder: only rotation needs it, and DateTimeFormatter's initialisation is ~3 ms of a start. */
    private static final class RotationStamp {
        static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss", Locale.ROOT).withZone(ZoneOffset.UTC);
    }
    private static final long ROTATION_RETRY_MILLIS = 60_000;
    /** Lines are gathered up to this size; a longer line is written on its own. */
    static final int BUFFER_BYTES = 64 * 1024;

    private final Path path;
    private final long maxBytes;
    private final Rotation rotation;
    private final int retention;
    private final Fsync fsync;
    private final long fsyncIntervalMillis;
    private final Clock clock;
    private final Pattern rotatedName;
    private final ChannelOpener opener;

    private FileChannel channel;
    private long size;
    private boolean needsNewline;
    private long segmentStart;
    private long periodEnd;
    private long nextSegmentStart = -1;
    private long nextRotationAttempt;
    private boolean dirty;
    private long lastForce;
    private IOException deferred;
    /** Lines taken by {@link #write} and not yet in the file, in order; write mode. */
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    /** A write(2) succeeded since the sink was opened and none failed since: lines may wait in the buffer. */
    private boolean healthy;

    private RotatingFileSink(Builder b) {
        this.path = b.file.toAbsolutePath();
        this.maxBytes = b.maxBytes;
        this.rotation = b.rotation;
        this.retention = b.retention;
        this.fsync = b.fsync;
        this.fsyncIntervalMillis = b.fsyncIntervalMillis;
        this.clock = b.clock;
        this.opener = b.opener;
        this.rotatedName = Pattern.compile(Pattern.quote(path.getFileName().toString())
                + "\\.(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2})\\.(\\d{3,9})");
    }

    public static Builder builder(Path file) {
        return new Builder(file);
    }

    /** The active file. */
    public Path path() {
        return path;
    }

    private void openInitial() throws IOException {
        Path dir = path.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        long now = clock.millis();
        if (rotation != Rotation.NONE && Files.isRegularFile(path) && Files.size(path) > 0) {
            long modified = Files.getLastModifiedTime(path).toMillis();
            if (periodStart(modified) < periodStart(now)) {
                // the file left by an earlier run belongs to a past period: rotate it first
                rename(existingStart(modified));
            }
        }
        openChannel(now);
        enforceRetention();
    }

    private long existingStart(long fallback) {
        try {
            long created = Files.readAttributes(path, BasicFileAttributes.class).creationTime().toMillis();
            return created > 0 ? Math.min(created, fallback) : fallback;
        } catch (IOException e) {
            return fallback;
        }
    }

    private void openChannel(long now) throws IOException {
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        FileChannel ch;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            ch = opener.open(path, options, mode);
        } else {
            ch = opener.open(path, options);
        }
        try {
            long existing = ch.size();
            boolean brokenTail = false;
            if (existing > 0) {
                // APPEND channels cannot read: look at the last byte through a second, read-only one
                try (FileChannel reader = FileChannel.open(path, StandardOpenOption.READ)) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    brokenTail = reader.read(last, existing - 1) == 1 && last.get(0) != '\n';
                }
            }
            this.channel = ch;
            this.size = existing;
            this.needsNewline = brokenTail;
            this.segmentStart = existing > 0 ? existingStart(now) : now;
            this.periodEnd = periodEnd(now);
        } catch (IOException | RuntimeException e) {
            TlsSupport.closeQuietly(ch);
            throw e;
        }
    }

    @Override
    public void write(byte[] line, int offset, int length) throws IOException {
        long now = clock.millis();
        if (now >= periodEnd) {
            rotateIfNeeded(now, periodStart(now));
        }
        long pending = pendingSize();
        if (maxBytes > 0 && pending > 0 && pending + length > maxBytes) {
            rotateIfNeeded(now, now);
        }
        if (channel == null) {
            openChannel(now);
        }
        if (size == 0 && buffer.position() == 0) {
            segmentStart = nextSegmentStart >= 0 ? nextSegmentStart : now;
            nextSegmentStart = -1;
        }
        if (length > buffer.remaining()) {
            drain(); // on failure the buffered lines stay, and this one is refused
        }
        if (length > buffer.capacity()) {
            writeAlone(ByteBuffer.wrap(line, offset, length));
            return;
        }
        buffer.put(line, offset, length);
        if (!healthy) {
            // not known to be writable: this line goes to the file now, so a failure refuses it
            try {
                drain();
            } catch (IOException e) {
                buffer.position(buffer.position() - length); // it is the unwritten tail: take it back out
                throw e;
            }
        }
    }

    /** The size of the active file once everything buffered is written. */
    private long pendingSize() {
        return size + (needsNewline ? 1 : 0) + buffer.position();
    }

    /**
     * Writes the buffered lines (after the newline a broken tail needs). On failure the lines that
     * reached the file whole stay there, a partial one is cut off, the rest stay buffered, and the
     * file is closed.
     */
    private void drain() throws IOException {
        if (buffer.position() == 0) {
            return;
        }
        if (channel == null) {
            openChannel(clock.millis());
        }
        buffer.flip();
        try {
            terminateBrokenTail();
            writeFully(buffer);
        } catch (IOException | RuntimeException e) {
            int whole = lastNewline(buffer, buffer.position()) + 1;
            size += whole;
            buffer.position(whole);
            buffer.compact();
            failed(size);
            throw e instanceof IOException ? (IOException) e : new IOException(e);
        }
        size += buffer.limit();
        buffer.clear();
        dirty = true;
        healthy = true;
    }

    /** A line longer than the buffer, after the buffered ones. */
    private void writeAlone(ByteBuffer line) throws IOException {
        int length = line.remaining();
        try {
            terminateBrokenTail();
            writeFully(line);
        } catch (IOException | RuntimeException e) {
            failed(size);
            throw e instanceof IOException ? (IOException) e : new IOException(e);
        }
        size += length;
        dirty = true;
        healthy = true;
    }

    private void terminateBrokenTail() throws IOException {
        if (needsNewline) {
            writeFully(ByteBuffer.wrap(new byte[] {'\n'}));
            size++;
            needsNewline = false;
        }
    }

    /** The index of the last newline before {@code end}, or -1. */
    private static int lastNewline(ByteBuffer b, int end) {
        for (int i = end - 1; i >= 0; i--) {
            if (b.get(i) == '\n') {
                return i;
            }
        }
        return -1;
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    /** Cuts off a partial line when possible, closes, and leaves the reopen to the next write. */
    private void failed(long goodSize) {
        FileChannel ch = channel;
        channel = null;
        dirty = false;
        healthy = false;
        if (ch != null) {
            try {
                if (ch.size() > goodSize) {
                    ch.truncate(goodSize);
                }
            } catch (IOException | RuntimeException ignored) {
                // the reopen writes a newline first if the tail is broken
            }
            TlsSupport.closeQuietly(ch);
        }
    }

    private void rotateIfNeeded(long now, long newStart) throws IOException {
        if (now < nextRotationAttempt) {
            return;
        }
        drain(); // the buffered lines belong to the file being rotated
        boolean hasContent = channel != null ? size > 0 : Files.isRegularFile(path) && Files.size(path) > 0;
        if (!hasContent) {
            periodEnd = periodEnd(now);
            this.nextSegmentStart = newStart;
            return;
        }
        closeChannel(true);
        try {
            rename(segmentStart);
        } catch (IOException e) {
            // keep writing to the active file rather than losing events; report it at the next flush
            nextRotationAttempt = now + ROTATION_RETRY_MILLIS;
            periodEnd = periodEnd(now);
            deferred = new IOException("audit file rotation of " + path + " failed: " + e, e);
            AgentLog.warnOnce("file-rotate", deferred.getMessage());
            return;
        }
        openChannel(now);
        this.nextSegmentStart = newStart;
        enforceRetention();
    }

    private void rename(long start) throws IOException {
        String stamp = RotationStamp.FORMAT.format(Instant.ofEpochMilli(start));
        String base = path.getFileName() + "." + stamp + ".";
        for (int seq = 1; ; seq++) {
            Path target = path.resolveSibling(base + String.format(Locale.ROOT, "%03d", seq));
            if (!Files.exists(target)) {
                Files.move(path, target, StandardCopyOption.ATOMIC_MOVE);
                return;
            }
        }
    }

    /** Deletes the oldest rotated files beyond the retention count (0 keeps all). */
    private void enforceRetention() {
        if (retention <= 0) {
            return;
        }
        List<Path> rotated = rotatedFiles();
        for (int i = 0; i < rotated.size() - retention; i++) {
            try {
                Files.deleteIfExists(rotated.get(i));
            } catch (IOException e) {
                AgentLog.warnOnce("file-retention", "cannot delete old audit file " + rotated.get(i) + ": " + e);
            }
        }
    }

    /** Rotated files of this sink, oldest first. */
    public List<Path> rotatedFiles() {
        List<Path> out = new ArrayList<>();
        Path dir = path.getParent();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                if (rotatedName.matcher(p.getFileName().toString()).matches()) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparing((Path p) -> group(p, 1)).thenComparingLong(p -> Long.parseLong(group(p, 2))));
        return out;
    }

    private String group(Path p, int g) {
        Matcher m = rotatedName.matcher(p.getFileName().toString());
        return m.matches() ? m.group(g) : "";
    }

    private long periodStart(long millis) {
        switch (rotation) {
            case HOURLY:
                return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.HOURS).toEpochMilli();
            case DAILY:
                return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.DAYS).toEpochMilli();
            default:
                return Long.MIN_VALUE;
        }
    }

    private long periodEnd(long millis) {
        switch (rotation) {
            case HOURLY:
                return periodStart(millis) + 3_600_000L;
            case DAILY:
                return periodStart(millis) + 86_400_000L;
            default:
                return Long.MAX_VALUE;
        }
    }

    @Override
    public void flush() throws IOException {
        drain();
        IOException pending = deferred;
        if (pending != null) {
            deferred = null;
            throw pending;
        }
        if (channel == null || !dirty || fsync == Fsync.NEVER) {
            return;
        }
        long now = clock.millis();
        if (fsync == Fsync.ALWAYS || now - lastForce >= fsyncIntervalMillis) {
            try {
                channel.force(false);
                dirty = false;
                lastForce = now;
            } catch (IOException | RuntimeException e) {
                failed(size);
                throw e instanceof IOException ? (IOException) e : new IOException(e);
            }
        }
    }

    private void closeChannel(boolean sync) throws IOException {
        FileChannel ch = channel;
        channel = null;
        if (ch == null) {
            return;
        }
        try {
            if (sync && dirty && fsync != Fsync.NEVER) {
                ch.force(false);
            }
        } finally {
            dirty = false;
            ch.close();
        }
    }

    @Override
    public String describe() {
        StringBuilder b = new StringBuilder("file:").append(path);
        b.append(" (rotate=").append(rotation.name().toLowerCase(Locale.ROOT));
        if (maxBytes > 0) {
            b.append(", max-size=").append(maxBytes);
        }
        if (retention > 0) {
            b.append(", retention=").append(retention);
        }
        b.append(", fsync=").append(fsync.name().toLowerCase(Locale.ROOT));
        if (fsync == Fsync.INTERVAL) {
            b.append(' ').append(fsyncIntervalMillis).append("ms");
        }
        return b.append(')').toString();
    }

    @Override
    public void close() throws IOException {
        IOException lost = null;
        try {
            drain();
        } catch (IOException e) {
            int lines = 0;
            for (int i = 0; i < buffer.position(); i++) {
                lines += buffer.get(i) == '\n' ? 1 : 0;
            }
            buffer.clear();
            lost = new IOException("audit file " + path + ": " + lines
                    + " audit events taken before the failure could not be written and are lost: " + e, e);
        }
        closeChannel(true);
        if (lost != null) {
            throw lost;
        }
    }

    /** How the active file is opened: {@link FileChannel#open}, or a test's channel that fails on cue. */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path path, Set<? extends OpenOption> options, FileAttribute<?>... attributes) throws IOException;
    }

    /** Options; {@link #open()} creates the directory and opens (or creates) the active file. */
    public static final class Builder {
        private final Path file;
        private long maxBytes;
        private Rotation rotation = Rotation.NONE;
        private int retention;
        private Fsync fsync = Fsync.INTERVAL;
        private long fsyncIntervalMillis = 1000;
        private Clock clock = Clock.systemUTC();
        private ChannelOpener opener = FileChannel::open;

        private Builder(Path file) {
            this.file = file;
        }

        /** Rotate before a write would make the active file larger than this; 0 = no size limit. */
        public Builder maxBytes(long v) {
            if (v < 0) {
                throw new IllegalArgumentException("maxBytes < 0");
            }
            this.maxBytes = v;
            return this;
        }

        public Builder rotation(Rotation v) {
            this.rotation = v;
            return this;
        }

        /** Rotated files to keep, oldest deleted first; 0 keeps all. */
        public Builder retention(int v) {
            if (v < 0) {
                throw new IllegalArgumentException("retention < 0");
            }
            this.retention = v;
            return this;
        }

        public Builder fsync(Fsync v) {
            this.fsync = v;
            return this;
        }

        public Builder fsyncIntervalMillis(long v) {
            this.fsyncIntervalMillis = v;
            return this;
        }

        public Builder clock(Clock v) {
            this.clock = v;
            return this;
        }

        Builder channelOpener(ChannelOpener v) {
            this.opener = v;
            return this;
        }

        public RotatingFileSink open() throws IOException {
            RotatingFileSink sink = new RotatingFileSink(this);
            sink.openInitial();
            return sink;
        }
    }
}
