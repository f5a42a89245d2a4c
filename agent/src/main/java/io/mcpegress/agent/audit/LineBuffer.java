package io.mcpegress.agent.audit;

import java.io.ByteArrayOutputStream;

/** An encoded line whose array the writer hands to the sinks as it is, without a copy per event. */
public final class LineBuffer extends ByteArrayOutputStream {

    public LineBuffer() {
        super(1024);
    }

    /** The internal array; the line is its first {@link #size()} bytes. */
    public byte[] array() {
        return buf;
    }

    /** Takes over {@code array} (grown by a writer) as the internal array, holding {@code count} bytes. */
    void take(byte[] array, int count) {
        this.buf = array;
        this.count = count;
    }
}
