package io.mcpegress.agent.routing;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A comma list of destinations: exact host names, {@code *.suffix} (any subdomain), IP literals and
 * CIDR blocks. Matching never resolves names: a name matches name patterns, an IP literal matches
 * IP and CIDR patterns.
 */
public final class HostPatterns {

    private static final HostPatterns EMPTY = new HostPatterns(List.of(), "");

    private final List<Pattern> patterns;
    private final String source;

    private HostPatterns(List<Pattern> patterns, String source) {
        this.patterns = patterns;
        this.source = source;
    }

    public static HostPatterns empty() {
        return EMPTY;
    }

    /** @throws IllegalArgumentException naming the first entry that is not a valid pattern */
    public static HostPatterns parse(String list) {
        if (list == null || list.isBlank()) {
            return EMPTY;
        }
        List<Pattern> out = new ArrayList<>();
        for (String raw : list.split(",")) {
            String entry = raw.trim();
            if (!entry.isEmpty()) {
                out.add(Pattern.parse(entry));
            }
        }
        return new HostPatterns(List.copyOf(out), list.trim());
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    public boolean matches(String host) {
        if (host == null || patterns.isEmpty()) {
            return false;
        }
        String name = normalizeName(host);
        byte[] ip = IpLiterals.parse(name);
        for (Pattern p : patterns) {
            if (p.matches(name, ip)) {
                return true;
            }
        }
        return false;
    }

    static String normalizeName(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        while (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    @Override
    public String toString() {
        return "[" + source + "]";
    }

    private abstract static class Pattern {
        abstract boolean matches(String name, byte[] ip);

        static Pattern parse(String entry) {
            String e = entry.toLowerCase(Locale.ROOT);
            int slash = e.indexOf('/');
            if (slash > 0) {
                byte[] network = IpLiterals.parse(e.substring(0, slash));
                int bits;
                try {
                    bits = Integer.parseInt(e.substring(slash + 1));
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException(entry);
                }
                if (network == null || bits < 0 || bits > network.length * 8) {
                    throw new IllegalArgumentException(entry);
                }
                return new Cidr(network, bits);
            }
            if (e.startsWith("*.")) {
                String suffix = normalizeName(e.substring(1));
                if (suffix.length() < 2 || !validName(suffix.substring(1))) {
                    throw new IllegalArgumentException(entry);
                }
                return new Suffix(suffix);
            }
            String name = normalizeName(e);
            byte[] ip = IpLiterals.parse(name);
            if (ip != null) {
                return new Cidr(ip, ip.length * 8);
            }
            if (!validName(name)) {
                throw new IllegalArgumentException(entry);
            }
            return new Exact(name);
        }

        private static boolean validName(String name) {
            if (name.isEmpty() || name.length() > 253) {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                char c = name.charAt(i);
                if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_')) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class Exact extends Pattern {
        private final String name;

        Exact(String name) {
            this.name = name;
        }

        @Override
        boolean matches(String host, byte[] ip) {
            return host.equals(name);
        }
    }

    private static final class Suffix extends Pattern {
        private final String dotSuffix; // ".example.com"

        Suffix(String dotSuffix) {
            this.dotSuffix = dotSuffix;
        }

        @Override
        boolean matches(String host, byte[] ip) {
            return ip == null && host.endsWith(dotSuffix) && host.length() > dotSuffix.length();
        }
    }

    private static final class Cidr extends Pattern {
        private final BigInteger network;
        private final int bits;
        private final int length;

        Cidr(byte[] address, int bits) {
            this.length = address.length;
            this.bits = bits;
            this.network = mask(new BigInteger(1, address), bits, address.length);
        }

        @Override
        boolean matches(String host, byte[] ip) {
            return ip != null && ip.length == length && mask(new BigInteger(1, ip), bits, length).equals(network);
        }

        private static BigInteger mask(BigInteger value, int bits, int length) {
            int total = length * 8;
            return value.shiftRight(total - bits);
        }
    }

    /** Strict IP literal parsing without DNS: dotted-quad IPv4, and IPv6 in any standard form. */
    static final class IpLiterals {
        private IpLiterals() {
        }

        static byte[] parse(String s) {
            if (s.indexOf(':') >= 0) {
                for (int i = 0; i < s.length(); i++) {
                    char c = s.charAt(i);
                    if (!(Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
                        return null; // zone ids and anything odd are not literals we match
                    }
                }
                try {
                    return InetAddress.getByName(s).getAddress(); // IPv6 literal: no lookup happens
                } catch (UnknownHostException e) {
                    return null;
                }
            }
            if (s.isEmpty() || s.charAt(0) < '0' || s.charAt(0) > '9') {
                return null; // a name: no need to split it (this runs for every routed call)
            }
            String[] parts = s.split("\\.", -1);
            if (parts.length != 4) {
                return null;
            }
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                String p = parts[i];
                if (p.isEmpty() || p.length() > 3) {
                    return null;
                }
                int v = 0;
                for (int j = 0; j < p.length(); j++) {
                    char c = p.charAt(j);
                    if (c < '0' || c > '9') {
                        return null;
                    }
                    v = v * 10 + (c - '0');
                }
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
    }
}
