package io.mcpegress.agent.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** Turns a record into one line of JSON in the configured schema. Used only by the writer thread. */
public interface AuditEncoder {

    /** Encodes into an internal buffer, newline included; valid until the next call. */
    ByteArrayOutputStream encode(AuditRecord record) throws IOException;
}
