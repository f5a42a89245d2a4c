package io.mcpegress.agent.util;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * The framing of a start-up cache entry (woven classes, a policy file's tree): a magic number, a
 * format number, the body, and a CRC-32C of everything before it, so a damaged or foreign file
 * is recognised and treated as a miss.
 */
public final class CheckedEntry {

    /** Writes an entry's body. */
    public interface Body {
        void writeTo(DataOutputStream out) throws IOException;
    }

    private CheckedEntry() {
    }

    /** The whole entry: header, {@code body}, checksum. */
    public static byte[] seal(int magic, int format, int sizeHint, Body body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(sizeHint + 16);
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(magic);
        out.writeInt(format);
        body.writeTo(out);
        CRC32C crc = new CRC32C();
        crc.update(bytes.toByteArray());
        out.writeLong(crc.getValue());
        return bytes.toByteArray();
    }

    /**
     * The body of {@code entry} to read, or null when it is too short, its checksum does not hold,
     * or it has another magic or format.
     */
    public static DataInputStream open(byte[] entry, int magic, int format) throws IOException {
        if (entry.length < 8 + 8) {
            return null;
        }
        CRC32C crc = new CRC32C();
        crc.update(entry, 0, entry.length - 8);
        if (crc.getValue() != ByteBuffer.wrap(entry, entry.length - 8, 8).getLong()) {
            return null;
        }
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(entry, 0, entry.length - 8));
        return in.readInt() == magic && in.readInt() == format ? in : null;
    }
}
