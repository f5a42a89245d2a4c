package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditSink;

import java.io.IOException;
import java.io.PrintStream;

/**
 * JSON lines to a {@link PrintStream}. Each line goes out in one call to the stream, whose own
 * lock keeps it whole among other writers of the same stream (the agent's diagnostics share
 * stderr). {@link PrintStream} hides I/O errors; they are read back with {@code checkError()}
 * at flush and reported as {@link IOException}.
 */
abstract class StreamSink implements AuditSink {

    private final PrintStream out;
    private final String name;

    StreamSink(PrintStream out, String name) {
        this.out = out;
        this.name = name;
    }

    @Override
    public void write(byte[] line, int offset, int length) throws IOException {
        out.write(line, offset, length);
    }

    @Override
    public void flush() throws IOException {
        out.flush();
        if (out.checkError()) {
            throw new IOException(name + " is not writable (closed pipe?)");
        }
    }

    @Override
    public String describe() {
        return name;
    }

    /** Flushes only: the process's standard streams are not the sink's to close. */
    @Override
    public void close() throws IOException {
        flush();
    }
}
