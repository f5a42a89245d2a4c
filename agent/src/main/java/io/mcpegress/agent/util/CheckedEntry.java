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

    /** Reads an entry's body; returns null when the body does not hold what it should. */
    public interface Reader<T> {
        T readFrom(DataInputStream in) throws IOException;
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
     * What {@code reader} makes of the body of {@code entry}, or null: no entry, a damaged or
     * foreign one (see {@link #open}), a reader that fails or returns null, or bytes left over.
     * A start-up cache entry is only ever a miss, never an error.
     */
    public static <T> T read(byte[] entry, int magic, int format, Reader<T> reader) {
        if (entry == null) {
            return null;
        }
        try {
            DataInputStream in = open(entry, magic, format);
            if (in == null) {
                return null;
            }
            T value = reader.readFrom(in);
            return in.available() == 0 ? value : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
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
