package io.mcpegress.agent.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** Appends JSON lines to a file created with mode 0600 (audit trails hold URLs and hosts). */
public final class FileSink implements AuditSink {

    private final Path path;
    private final FileChannel channel;

    private FileSink(Path path, FileChannel channel) {
        this.path = path;
        this.channel = channel;
    }

    /** Opens (creating it and its directory when missing) or fails with the reason. */
    public static FileSink open(Path file) throws IOException {
        Path path = file.toAbsolutePath();
        Path dir = path.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                StandardOpenOption.WRITE);
        FileChannel channel;
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> mode = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            channel = FileChannel.open(path, options, mode);
        } else {
            channel = FileChannel.open(path, options);
        }
        return new FileSink(path, channel);
    }

    @Override
    public void write(byte[] line, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(line, offset, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
    }

    @Override
    public void flush() {
        // FileChannel writes go straight to the OS; durability (fsync) is a sink option to come
    }

    @Override
    public String describe() {
        return "file:" + path;
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            channel.force(false);
            channel.close();
        }
    }
}
