package io.mcpegress.agent.audit;

import java.io.IOException;

/** Where encoded events go. Called only from the writer thread. */
public interface AuditSink extends AutoCloseable {

    /** One encoded event, a complete JSON line including the trailing newline. */
    void write(byte[] line, int offset, int length) throws IOException;

    /** Makes written events durable/visible; called after each batch. */
    void flush() throws IOException;

    /** Where this sink writes, for the start-up line and diagnostics. */
    String describe();

    @Override
    void close() throws IOException;
}
