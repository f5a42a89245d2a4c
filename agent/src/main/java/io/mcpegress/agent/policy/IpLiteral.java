package io.mcpegress.agent.policy;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * One IP address as a 128-bit value. IPv4 addresses are held in their IPv4-mapped form
 * ({@code ::ffff:a.b.c.d}), the way {@link InetAddress#getByAddress(byte[])} treats them: so
 * {@code 127.0.0.1} and {@code [::ffff:127.0.0.1]} are the same value, and one CIDR check covers both.
 *
 * <p>Parsing accepts every IPv4 form that some HTTP stack reads as one and the same address
 * (dotted, short {@code 127.1}, a single number {@code 2130706433}, hex {@code 0x7f000001}) and
 * refuses forms that stacks read differently (leading zeros: octal for curl and inet_aton, decimal
 * for Java). Immutable.
 */
public final class IpLiteral {

    /** Marker returned by the internal parsers for a numeric host that parsers disagree on. */
    static final IpLiteral AMBIGUOUS = new IpLiteral(-1L, -1L);

    static final long V4_MAPPED_HIGH_BITS = 0x0000_FFFFL; // lo >>> 32 of ::ffff:a.b.c.d

    private final long hi;
    private final long lo;

    private IpLiteral(long hi, long lo) {
        this.hi = hi;
        this.lo = lo;
    }

    static IpLiteral ofBits(long hi, long lo) {
        return new IpLiteral(hi, lo);
    }

    public static IpLiteral ofIpv4(int address) {
        return new IpLiteral(0L, (V4_MAPPED_HIGH_BITS << 32) | (address & 0xFFFF_FFFFL));
    }

    /** 4 bytes (IPv4) or 16 bytes (IPv6); an IPv4-mapped IPv6 address becomes IPv4, as in the JDK. */
    public static IpLiteral ofBytes(byte[] address) {
        if (address.length == 4) {
            return ofIpv4(((address[0] & 0xFF) << 24) | ((address[1] & 0xFF) << 16)
                    | ((address[2] & 0xFF) << 8) | (address[3] & 0xFF));
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + address.length);
        }
        long h = 0;
        long l = 0;
        for (int i = 0; i < 8; i++) {
            h = (h << 8) | (address[i] & 0xFF);
            l = (l << 8) | (address[i + 8] & 0xFF);
        }
        return new IpLiteral(h, l);
    }

    public static IpLiteral of(InetAddress address) {
        if (address instanceof Inet4Address) {
            return ofIpv4(address.hashCode()); // Inet4Address.hashCode() is the address (a test pins it)
        }
        return ofBytes(address.getAddress());
    }

    /**
     * Parses an IP literal without DNS: any IPv4 form listed in the class comment, or IPv6 with or
     * without brackets and zone id. Case and one trailing dot are ignored. {@code null} when the
     * text is a host name, not an IP, or an ambiguous literal.
     */
    public static IpLiteral parse(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        String s = text.toLowerCase(Locale.ROOT);
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        IpLiteral ip;
        if (s.indexOf(':') >= 0) {
            ip = parseIpv6(stripZone(s));
        } else {
            if (s.endsWith(".")) {
                s = s.substring(0, s.length() - 1);
            }
            ip = parseIpv4(s);
        }
        return ip == AMBIGUOUS ? null : ip;
    }

    static String stripZone(String s) {
        int pct = s.indexOf('%');
        return pct < 0 ? s : s.substring(0, pct);
    }

    /** Whether the last label "ends in a number" (WHATWG URL): such a host is an IPv4 literal or nothing. */
    static boolean endsInNumber(String s) {
        int start = s.lastIndexOf('.') + 1;
        if (start >= s.length()) {
            return false;
        }
        if (s.startsWith("0x", start)) {
            for (int i = start + 2; i < s.length(); i++) {
                if (Character.digit(s.charAt(i), 16) < 0) {
                    return false;
                }
            }
            return true;
        }
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * IPv4 in any numeric form (lower case, no trailing dot). {@code null} when the last label is not
     * a number (a host name); {@link #AMBIGUOUS} when it is numeric but not one address all parsers
     * agree on: leading zeros (octal or decimal?), empty or non-numeric parts, too many parts, overflow.
     */
    static IpLiteral parseIpv4(String s) {
        if (!endsInNumber(s)) {
            return null;
        }
        long[] parts = new long[4];
        int count = 0;
        int start = 0;
        while (true) {
            int dot = s.indexOf('.', start);
            int end = dot < 0 ? s.length() : dot;
            if (count == 4) {
                return AMBIGUOUS;
            }
            long v = parseIpv4Part(s, start, end);
            if (v < 0) {
                return AMBIGUOUS;
            }
            parts[count++] = v;
            if (dot < 0) {
                break;
            }
            start = dot + 1;
        }
        long address = 0;
        for (int i = 0; i < count - 1; i++) {
            if (parts[i] > 255) {
                return AMBIGUOUS;
            }
            address |= parts[i] << (8 * (3 - i));
        }
        long last = parts[count - 1];
        if (last >= 1L << (8 * (5 - count))) {
            return AMBIGUOUS;
        }
        return ofIpv4((int) (address | last));
    }

    /** One part: decimal without leading zeros, or 0x hex. -1 when refused. */
    private static long parseIpv4Part(String s, int from, int to) {
        if (from >= to) {
            return -1;
        }
        int radix = 10;
        if (to - from >= 2 && s.charAt(from) == '0' && s.charAt(from + 1) == 'x') {
            radix = 16;
            from += 2;
            if (from == to) {
                return -1; // bare "0x": WHATWG reads 0, others reject
            }
        } else if (to - from > 1 && s.charAt(from) == '0') {
            return -1; // 0177: octal to curl/inet_aton, decimal to java.net; refuse
        }
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = Character.digit(s.charAt(i), radix);
            if (d < 0 || s.charAt(i) > 'f') {
                return -1;
            }
            v = v * radix + d;
            if (v > 0xFFFF_FFFFL) {
                return -1;
            }
        }
        return v;
    }

    /**
     * RFC 4291 text form (lower case, no brackets, no zone): 1-4 hex digits a group, one {@code ::},
     * optionally a dotted-quad tail. {@code null} when malformed; {@link #AMBIGUOUS} when the dotted
     * tail has leading zeros.
     */
    static IpLiteral parseIpv6(String s) {
        int[] groups = new int[8];
        int n = 0;
        int compressAt = -1;
        int i = 0;
        int len = s.length();
        if (len < 2) {
            return null;
        }
        if (s.charAt(0) == ':') {
            if (s.charAt(1) != ':') {
                return null;
            }
            compressAt = 0;
            i = 2;
        }
        while (i < len) {
            int start = i;
            int value = 0;
            while (i < len && i - start < 5) {
                int d = Character.digit(s.charAt(i), 16);
                if (d < 0 || s.charAt(i) > 'f') {
                    break;
                }
                value = value * 16 + d;
                i++;
            }
            if (i < len && s.charAt(i) == '.') {
                // dotted-quad tail: strict decimal, exactly four parts, and the end of the text
                if (n > 6) {
                    return null;
                }
                IpLiteral tail = parseDottedQuad(s, start, len);
                if (tail == null || tail == AMBIGUOUS) {
                    return tail;
                }
                int v4 = (int) tail.lo;
                groups[n++] = v4 >>> 16;
                groups[n++] = v4 & 0xFFFF;
                i = len;
                break;
            }
            int digits = i - start;
            if (digits < 1 || digits > 4 || n == 8) {
                return null;
            }
            groups[n++] = value;
            if (i == len) {
                break;
            }
            if (s.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < len && s.charAt(i) == ':') {
                if (compressAt >= 0) {
                    return null;
                }
                compressAt = n;
                i++;
            } else if (i == len) {
                return null; // trailing single ':'
            }
        }
        if (compressAt < 0 ? n != 8 : n > 7) {
            return null;
        }
        int[] full = groups;
        if (compressAt >= 0) { // "::" stands for the zero groups between head and tail
            full = new int[8];
            int tailCount = n - compressAt;
            System.arraycopy(groups, 0, full, 0, compressAt);
            System.arraycopy(groups, compressAt, full, 8 - tailCount, tailCount);
        }
        long h = 0;
        long l = 0;
        for (int g = 0; g < 4; g++) {
            h = (h << 16) | full[g];
            l = (l << 16) | full[g + 4];
        }
        return new IpLiteral(h, l);
    }

    private static IpLiteral parseDottedQuad(String s, int from, int to) {
        int address = 0;
        int parts = 0;
        int i = from;
        while (parts < 4) {
            int start = i;
            int v = 0;
            while (i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9' && i - start < 4) {
                v = v * 10 + (s.charAt(i) - '0');
                i++;
            }
            int digits = i - start;
            if (digits > 1 && s.charAt(start) == '0') {
                return AMBIGUOUS; // ::ffff:0177.0.0.1 is 177.0.0.1 to java.net
            }
            if (digits == 0 || digits > 3 || v > 255) {
                return null;
            }
            address = (address << 8) | v;
            parts++;
            if (parts < 4) {
                if (i >= to || s.charAt(i) != '.') {
                    return null;
                }
                i++;
            }
        }
        return i == to ? ofIpv4(address) : null;
    }

    /** True for IPv4 (including the IPv4-mapped IPv6 form, which the JDK also turns into IPv4). */
    public boolean isIpv4() {
        return hi == 0 && (lo >>> 32) == V4_MAPPED_HIGH_BITS;
    }

    long high() {
        return hi;
    }

    long low() {
        return lo;
    }

    /** Loopback, private, link-local, CGNAT, ULA, unspecified, or one of those embedded in IPv6. */
    public boolean isPrivate() {
        return Addresses.isPrivate(hi, lo);
    }

    /** A cloud metadata endpoint, directly or embedded in an IPv6 address. */
    public boolean isMetadata() {
        return Addresses.isMetadata(hi, lo);
    }

    /** The bytes {@link InetAddress#getAddress()} would give: 4 for IPv4, 16 for IPv6. */
    public byte[] toBytes() {
        if (isIpv4()) {
            int v = (int) lo;
            return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
        }
        byte[] out = new byte[16];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (hi >>> (56 - 8 * i));
            out[i + 8] = (byte) (lo >>> (56 - 8 * i));
        }
        return out;
    }

    public InetAddress toInetAddress() {
        try {
            return InetAddress.getByAddress(toBytes()); // never does a lookup
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Dotted quad for IPv4; RFC 5952 for IPv6 (lower case, longest zero run compressed). */
    @Override
    public String toString() {
        if (isIpv4()) {
            int v = (int) lo;
            return (v >>> 24) + "." + ((v >>> 16) & 0xFF) + "." + ((v >>> 8) & 0xFF) + "." + (v & 0xFF);
        }
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) (hi >>> (48 - 16 * i)) & 0xFFFF;
            g[i + 4] = (int) (lo >>> (48 - 16 * i)) & 0xFFFF;
        }
        int bestStart = -1;
        int bestLen = 1; // RFC 5952: a single zero group is not compressed
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpLiteral && ((IpLiteral) o).hi == hi && ((IpLiteral) o).lo == lo;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(hi) * 31 + Long.hashCode(lo);
    }
}
