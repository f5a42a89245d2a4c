package io.mcpegress.agent.audit;

import java.nio.charset.StandardCharsets;

/**
 * Writes one JSON object as UTF-8 straight into a {@link LineBuffer}, byte for byte what Jackson's
 * {@code UTF8JsonGenerator} (default features) writes for the same calls, without its per-call
 * bookkeeping: field names are precomputed {@link #name} byte arrays, commas follow one flag.
 * String escaping matches Jackson: {@code "} and {@code \} and the short forms {@code \b \t \n \f
 * \r} are backslash-escaped, other chars below U+0020 as {@code \}{@code u00XX} (upper-case hex),
 * every surrogate (paired or not) as its own {@code \}{@code uXXXX} escape, all other chars as
 * UTF-8. Only the audit writer thread uses it; not thread-safe.
 */
final class JsonLineWriter {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** For chars below 128: 0 = as is, -1 = {@code \}{@code u00XX}, else the letter after the backslash. */
    private static final byte[] ESCAPE = new byte[128];

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPE[c] = -1;
        }
        ESCAPE['"'] = '"';
        ESCAPE['\\'] = '\\';
        ESCAPE['\b'] = 'b';
        ESCAPE['\t'] = 't';
        ESCAPE['\f'] = 'f';
        ESCAPE['\n'] = 'n';
        ESCAPE['\r'] = 'r';
    }

    private final LineBuffer line;
    private byte[] buf;
    private int size;
    /** A value was written into the open object or array: the next one needs a comma. */
    private boolean comma;

    JsonLineWriter(LineBuffer line) {
        this.line = line;
    }

    /** The bytes of {@code "name":} for an ASCII name that needs no escaping. */
    static byte[] name(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 0x80 || ESCAPE[c] != 0) {
                throw new IllegalArgumentException("field name needs escaping: " + name);
            }
        }
        return ('"' + name + "\":").getBytes(StandardCharsets.US_ASCII);
    }

    /** Empties the line buffer and opens the root object. */
    JsonLineWriter startLine() {
        line.reset();
        buf = line.array();
        size = 0;
        ensure(1);
        buf[size++] = '{';
        comma = false;
        return this;
    }

    /** Closes the root object, adds the newline and hands the bytes back to the line buffer. */
    void endLine() {
        ensure(2);
        buf[size++] = '}';
        buf[size++] = '\n';
        line.take(buf, size);
    }

    /** Where the next byte goes: an offset into {@link LineBuffer#array()} once the line is ended. */
    int position() {
        return size;
    }

    void startObject(byte[] name) {
        field(name, 1);
        buf[size++] = '{';
        comma = false;
    }

    void endObject() {
        ensure(1);
        buf[size++] = '}';
        comma = true;
    }

    void startArray(byte[] name) {
        field(name, 1);
        buf[size++] = '[';
        comma = false;
    }

    void endArray() {
        ensure(1);
        buf[size++] = ']';
        comma = true;
    }

    void string(byte[] name, String value) {
        field(name, 0);
        quoted(value);
    }

    /** A string value inside an array. */
    void string(String value) {
        if (comma) {
            ensure(1);
            buf[size++] = ',';
        }
        quoted(value);
        comma = true;
    }

    /** {@code value} unless it is null (then nothing). */
    void stringIfSet(byte[] name, String value) {
        if (value != null) {
            string(name, value);
        }
    }

    void number(byte[] name, long value) {
        field(name, 20);
        if (value == Long.MIN_VALUE) {
            byte[] min = Long.toString(value).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(min, 0, buf, size, min.length);
            size += min.length;
            return;
        }
        if (value < 0) {
            buf[size++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        int p = size + digits;
        size = p;
        do {
            buf[--p] = (byte) ('0' + (int) (value % 10));
            value /= 10;
        } while (value != 0);
    }

    void bool(byte[] name, boolean value) {
        field(name, 5);
        if (value) {
            buf[size++] = 't';
            buf[size++] = 'r';
            buf[size++] = 'u';
            buf[size++] = 'e';
        } else {
            buf[size++] = 'f';
            buf[size++] = 'a';
            buf[size++] = 'l';
            buf[size++] = 's';
            buf[size++] = 'e';
        }
    }

    /**
     * A string field whose value the caller writes as plain ASCII with {@link #ascii} / {@link #digits}
     * and then closes with {@link #endRawString()}: for timestamps, without a String per value.
     */
    void startRawString(byte[] name, int maxLength) {
        field(name, maxLength + 2);
        buf[size++] = '"';
    }

    /** ASCII bytes that need no escaping, inside {@link #startRawString}; capacity reserved there. */
    void ascii(byte b) {
        buf[size++] = b;
    }

    /** {@code v} as exactly {@code width} decimal digits (leading zeros), inside {@link #startRawString}. */
    void digits(int v, int width) {
        int p = size + width;
        size = p;
        for (int i = 0; i < width; i++) {
            buf[--p] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }

    /** ASCII text that needs no escaping (checked by the caller), inside {@link #startRawString}. */
    void ascii(String s) {
        ensure(s.length());
        for (int i = 0, n = s.length(); i < n; i++) {
            buf[size++] = (byte) s.charAt(i);
        }
    }

    void endRawString() {
        ensure(1);
        buf[size++] = '"';
        comma = true;
    }

    /**
     * Where fields written next begin, after the comma that separates them from what came before
     * (written now if needed): with {@link #copyFrom}, captures fields for {@link #preEncodedFields}.
     */
    int fieldsStart() {
        if (comma) {
            ensure(1);
            buf[size++] = ',';
            comma = false;
        }
        return size;
    }

    /** The bytes written since {@code from}. */
    byte[] copyFrom(int from) {
        return java.util.Arrays.copyOfRange(buf, from, size);
    }

    /** Fields captured with {@link #fieldsStart} / {@link #copyFrom}, copied in as they are. */
    void preEncodedFields(byte[] fields) {
        ensure(fields.length + 1);
        if (comma) {
            buf[size++] = ',';
        }
        System.arraycopy(fields, 0, buf, size, fields.length);
        size += fields.length;
        comma = true;
    }

    /**
     * A string field whose value is bytes already written to this line, {@code from} to {@code to}
     * (an escaped string's content, without its quotes): a part of a longer string written again
     * without escaping it again, as the URL's path and query are taken from the full URL.
     */
    void copiedString(byte[] name, int from, int to) {
        int length = to - from;
        field(name, length + 2);
        byte[] b = buf; // after field(): ensure may have replaced the array, with the same bytes
        b[size++] = '"';
        System.arraycopy(b, from, b, size, length);
        size += length;
        b[size++] = '"';
    }

    /** A string field whose value is {@code length} ASCII bytes that need no escaping. */
    void asciiString(byte[] name, byte[] value, int offset, int length) {
        field(name, length + 2);
        buf[size++] = '"';
        System.arraycopy(value, offset, buf, size, length);
        size += length;
        buf[size++] = '"';
    }

    /** A writer over a line of its own, for encoding constant fragments once ({@link #fieldsStart} / {@link #copyFrom}). */
    static JsonLineWriter scratch() {
        return new JsonLineWriter(new LineBuffer()).startLine();
    }

    /** Comma if needed, then the name, with room for {@code extra} more bytes after it. */
    private void field(byte[] name, int extra) {
        ensure(name.length + 1 + extra);
        if (comma) {
            buf[size++] = ',';
        }
        System.arraycopy(name, 0, buf, size, name.length);
        size += name.length;
        comma = true;
    }

    /** {@code s} in quotes, escaped; {@code null} (unquoted) for null, as Jackson writes it. */
    private void quoted(String s) {
        if (s == null) {
            ensure(4);
            buf[size++] = 'n';
            buf[size++] = 'u';
            buf[size++] = 'l';
            buf[size++] = 'l';
            return;
        }
        ensure(1);
        buf[size++] = '"';
        append(s);
        ensure(1);
        buf[size++] = '"';
    }

    /**
     * A string field written in pieces: {@link #append} each, then {@link #endString()}. Escaping
     * is per char (a surrogate is escaped alone, paired or not), so the pieces give exactly the
     * bytes of their concatenation.
     */
    void startString(byte[] name) {
        field(name, 1);
        buf[size++] = '"';
    }

    void endString() {
        ensure(1);
        buf[size++] = '"';
        comma = true;
    }

    /** {@code s} escaped, without quotes, into the string opened by {@link #startString}. */
    void append(String s) {
        int n = s.length();
        ensure(n);
        byte[] b = buf;
        int p = size;
        int i = 0;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80 || ESCAPE[c] != 0) {
                break;
            }
            b[p++] = (byte) c;
        }
        size = p;
        if (i < n) {
            escaped(s, i, n);
        }
    }

    /** One ASCII char that needs no escaping, inside {@link #startString}. */
    void append(char c) {
        ensure(1);
        buf[size++] = (byte) c;
    }

    /** A non-negative int's decimal digits, inside {@link #startString}. */
    void append(int v) {
        int digits = 1;
        for (int x = v; x >= 10; x /= 10) {
            digits++;
        }
        ensure(digits);
        digits(v, digits);
    }

    /** The rest of a string from the first char that is not plain ASCII; up to 6 bytes per char. */
    private void escaped(String s, int from, int n) {
        for (int i = from; i < n; i++) {
            ensure(6);
            byte[] b = buf;
            int p = size;
            char c = s.charAt(i);
            if (c < 0x80) {
                int e = ESCAPE[c];
                if (e == 0) {
                    b[p++] = (byte) c;
                } else if (e > 0) {
                    b[p++] = '\\';
                    b[p++] = (byte) e;
                } else {
                    p = unicodeEscape(b, p, c);
                }
            } else if (c < 0x800) {
                b[p++] = (byte) (0xc0 | (c >> 6));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                p = unicodeEscape(b, p, c); // as Jackson: no 4-byte UTF-8, each half escaped
            } else {
                b[p++] = (byte) (0xe0 | (c >> 12));
                b[p++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                b[p++] = (byte) (0x80 | (c & 0x3f));
            }
            size = p;
        }
    }

    private static int unicodeEscape(byte[] b, int p, char c) {
        b[p++] = '\\';
        b[p++] = 'u';
        b[p++] = HEX[(c >> 12) & 0xf];
        b[p++] = HEX[(c >> 8) & 0xf];
        b[p++] = HEX[(c >> 4) & 0xf];
        b[p++] = HEX[c & 0xf];
        return p;
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            int wanted = Math.max(buf.length * 2, size + more);
            if (wanted < 0) {
                throw new OutOfMemoryError("audit line too long");
            }
            buf = java.util.Arrays.copyOf(buf, wanted);
        }
    }
}
