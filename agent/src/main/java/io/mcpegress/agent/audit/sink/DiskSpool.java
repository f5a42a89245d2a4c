package io.mcpegress.agent.audit.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.zip.CRC32;

/**
 * A bounded first-in-first-out queue of encoded events on disk, for a sink that is slow or down.
 * Events are appended to segment files ({@code 00000000000000000001.seg}, ...) as
 * {@code [length][crc32][bytes]} records; a cursor file remembers the first event not yet
 * delivered. Fully delivered segments are deleted.
 *
 * <p>Survives the process: after a crash or {@code kill -9} the next start with the same directory
 * finds the undelivered events and replays them first. A record torn by a crash (short or with a
 * wrong checksum) ends the spool at that point; everything before it is kept. Delivery is at least
 * once: a batch delivered just before a crash, whose cursor update did not reach the disk, is
 * sent again (events carry a sequence number, so a SIEM can drop the duplicate).
 *
 * <p>One process per directory: the directory is locked while open ({@link #openFirstFree} picks
 * {@code dir}, {@code dir-2}, ... so two JVMs with the same configuration do not share a spool).
 * Thread-safe; appends come from the writer thread, reads and commits from the delivery thread.
 */
public final class DiskSpool implements AutoCloseable {

    private static final int HEADER = 8;
    private static final String SUFFIX = ".seg";
    private static final String CURSOR = "cursor";
    private static final String LOCK = "lock";

    private final Path dir;
    private final long maxBytes;
    private final long segmentBytes;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final FileChannel cursorChannel;
    /** Segment id -> its channel (open for reading; the last one also for appending). */
    private final TreeMap<Long, FileChannel> segments = new TreeMap<>();
    private long readSegment;
    private long readOffset;
    private long pendingEvents;
    private long pendingBytes;
    private boolean dirty;

    private DiskSpool(Path dir, long maxBytes, long segmentBytes, FileChannel lockChannel, FileLock lock)
            throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.segmentBytes = segmentBytes;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.cursorChannel = FileChannel.open(dir.resolve(CURSOR), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        recover();
    }

    /**
     * Opens {@code base}, or {@code base-2}, {@code base-3}... when another live process holds it.
     * Creates the directory (mode 0700) when missing.
     */
    public static DiskSpool openFirstFree(Path base, long maxBytes) throws IOException {
        for (int i = 1; i <= 64; i++) {
            Path dir = i == 1 ? base : base.resolveSibling(base.getFileName() + "-" + i);
            createPrivateDirectory(dir);
            FileChannel lockChannel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = lockChannel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null; // held by this JVM (another sink or a test)
            }
            if (lock != null) {
                return new DiskSpool(dir, maxBytes, Math.max(64 * 1024, Math.min(16L << 20, maxBytes / 8)),
                        lockChannel, lock);
            }
            lockChannel.close();
        }
        throw new IOException("no free spool directory next to " + base + " (64 in use)");
    }

    private static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectories(dir);
        }
    }

    public Path directory() {
        return dir;
    }

    /** Appends one event; false when the spool is full (the caller decides: drop or wait). */
    public synchronized boolean append(byte[] event, int offset, int length) throws IOException {
        if (pendingBytes + HEADER + length > maxBytes) {
            return false;
        }
        FileChannel last = segments.isEmpty() ? null : segments.lastEntry().getValue();
        if (last == null || last.size() >= segmentBytes) {
            long id = segments.isEmpty() ? Math.max(1, readSegment) : segments.lastKey() + 1;
            last = openSegment(id);
            segments.put(id, last);
            if (segments.size() == 1) {
                readSegment = id;
                readOffset = 0;
            }
        }
        CRC32 crc = new CRC32();
        crc.update(event, offset, length);
        ByteBuffer record = ByteBuffer.allocate(HEADER + length);
        record.putInt(length).putInt((int) crc.getValue()).put(event, offset, length).flip();
        long at = last.size();
        while (record.hasRemaining()) {
            at += last.write(record, at);
        }
        pendingEvents++;
        pendingBytes += HEADER + length;
        dirty = true;
        notifyAll();
        return true;
    }

    /** Up to {@code maxEvents} events (and about {@code maxBytes}) from the head, without removing them. */
    public synchronized List<byte[]> peek(int maxEvents, long maxBytes) throws IOException {
        List<byte[]> out = new ArrayList<>(Math.min(maxEvents, (int) Math.min(pendingEvents, 1024)));
        long segment = readSegment;
        long offset = readOffset;
        long bytes = 0;
        while (out.size() < maxEvents && out.size() < pendingEvents) {
            FileChannel ch = segments.get(segment);
            if (ch == null) {
                break;
            }
            if (offset >= ch.size()) {
                Long next = segments.higherKey(segment);
                if (next == null) {
                    break;
                }
                segment = next;
                offset = 0;
                continue;
            }
            byte[] event = readRecord(ch, offset);
            if (event == null) {
                break; // cannot happen after recover(); be safe rather than loop
            }
            if (!out.isEmpty() && bytes + event.length > maxBytes) {
                break;
            }
            out.add(event);
            bytes += event.length;
            offset += HEADER + event.length;
        }
        return out;
    }

    /** Removes the first {@code count} events: they were delivered. */
    public synchronized void commit(int count) throws IOException {
        for (int i = 0; i < count && pendingEvents > 0; i++) {
            FileChannel ch = segments.get(readSegment);
            if (readOffset >= ch.size()) {
                dropSegment(readSegment);
                readSegment = segments.firstKey();
                readOffset = 0;
                ch = segments.get(readSegment);
            }
            int length = readInt(ch, readOffset);
            readOffset += HEADER + length;
            pendingEvents--;
            pendingBytes -= HEADER + length;
        }
        if (pendingEvents == 0) {
            // everything delivered: remove every segment, the next append starts a new one
            long next = segments.isEmpty() ? readSegment + 1 : segments.lastKey() + 1;
            for (Long id : new ArrayList<>(segments.keySet())) {
                dropSegment(id);
            }
            readSegment = next;
            readOffset = 0;
        } else if (readOffset >= segments.get(readSegment).size() && segments.higherKey(readSegment) != null) {
            long next = segments.higherKey(readSegment);
            dropSegment(readSegment);
            readSegment = next;
            readOffset = 0;
        }
        writeCursor();
        notifyAll();
    }

    /** Waits up to {@code millis} for an event to be appended; true when there is one. */
    public synchronized boolean awaitEvents(long millis) throws InterruptedException {
        if (pendingEvents == 0 && millis > 0) {
            wait(millis);
        }
        return pendingEvents > 0;
    }

    /** Waits up to {@code millis} for room for {@code length} bytes; true when there is room. */
    public synchronized boolean awaitRoom(int length, long millis) throws InterruptedException {
        if (pendingBytes + HEADER + length > maxBytes && millis > 0) {
            wait(millis);
        }
        return pendingBytes + HEADER + length <= maxBytes;
    }

    public synchronized long pendingEvents() {
        return pendingEvents;
    }

    public synchronized long pendingBytes() {
        return pendingBytes;
    }

    /** Forces appended events and the cursor to the storage device. */
    public synchronized void sync() throws IOException {
        if (!dirty) {
            return;
        }
        for (FileChannel ch : segments.values()) {
            ch.force(false);
        }
        cursorChannel.force(false);
        dirty = false;
    }

    @Override
    public synchronized void close() throws IOException {
        try {
            writeCursor();
            sync();
        } finally {
            for (FileChannel ch : segments.values()) {
                ch.close();
            }
            segments.clear();
            cursorChannel.close();
            lock.release();
            lockChannel.close();
        }
    }

    // ---- recovery and file format -------------------------------------------------------------

    /** Reads the cursor and the segments; a torn record ends the spool there. */
    private void recover() throws IOException {
        List<Long> ids = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                try {
                    ids.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
                } catch (NumberFormatException ignored) {
                    // not ours
                }
            }
        }
        ids.sort(null);
        long cursorSegment = 0;
        long cursorOffset = 0;
        if (cursorChannel.size() >= 16) {
            ByteBuffer b = ByteBuffer.allocate(16);
            cursorChannel.read(b, 0);
            b.flip();
            cursorSegment = b.getLong();
            cursorOffset = b.getLong();
        }
        for (long id : ids) {
            if (id < cursorSegment) {
                Files.deleteIfExists(segmentPath(id)); // delivered before the crash
                continue;
            }
            FileChannel ch = openSegment(id);
            segments.put(id, ch);
        }
        if (segments.isEmpty()) {
            readSegment = Math.max(1, cursorSegment);
            readOffset = 0;
            return;
        }
        readSegment = segments.firstKey();
        readOffset = readSegment == cursorSegment ? cursorOffset : 0;
        // count what is left, truncating at the first torn record
        boolean torn = false;
        for (var entry : new ArrayList<>(segments.entrySet())) {
            FileChannel ch = entry.getValue();
            if (torn) {
                ch.close();
                segments.remove(entry.getKey());
                Files.deleteIfExists(segmentPath(entry.getKey()));
                continue;
            }
            long offset = entry.getKey() == readSegment ? readOffset : 0;
            while (offset < ch.size()) {
                byte[] event = readRecord(ch, offset);
                if (event == null) {
                    ch.truncate(offset);
                    torn = true;
                    break;
                }
                offset += HEADER + event.length;
                pendingEvents++;
                pendingBytes += HEADER + event.length;
            }
        }
    }

    /** The record at {@code offset}, or null when it is short or its checksum is wrong. */
    private static byte[] readRecord(FileChannel ch, long offset) throws IOException {
        if (offset + HEADER > ch.size()) {
            return null;
        }
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        readFully(ch, header, offset);
        int length = header.getInt(0);
        int crc = header.getInt(4);
        if (length < 0 || offset + HEADER + length > ch.size()) {
            return null;
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(ch, body, offset + HEADER);
        CRC32 check = new CRC32();
        check.update(body.array(), 0, length);
        return (int) check.getValue() == crc ? body.array() : null;
    }

    private static int readInt(FileChannel ch, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4);
        readFully(ch, b, offset);
        return b.getInt(0);
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long offset) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b, offset + b.position()) < 0) {
                throw new IOException("unexpected end of spool segment");
            }
        }
    }

    private void writeCursor() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(readSegment).putLong(readOffset).flip();
        while (b.hasRemaining()) {
            cursorChannel.write(b, b.position());
        }
        dirty = true;
    }

    private FileChannel openSegment(long id) throws IOException {
        return FileChannel.open(segmentPath(id), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
    }

    private void dropSegment(long id) throws IOException {
        FileChannel ch = segments.remove(id);
        if (ch != null) {
            ch.close();
        }
        Files.deleteIfExists(segmentPath(id));
    }

    private Path segmentPath(long id) {
        return dir.resolve(String.format("%020d%s", id, SUFFIX));
    }
}
