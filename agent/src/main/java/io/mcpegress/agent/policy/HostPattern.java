package io.mcpegress.agent.policy;

import java.util.Locale;

/**
 * One destination pattern: an exact host name, {@code *.suffix} (subdomains only, not the apex),
 * an IP address or a CIDR block (IPv4 or IPv6), each optionally with {@code :port} or
 * {@code :from-to}; IPv6 with a port is written {@code [::1]:443}. Names match names and addresses
 * match addresses: a name pattern never matches an IP literal, and no DNS lookup is ever made.
 */
final class HostPattern {

    enum Kind { NAME, SUFFIX, CIDR }

    private final Kind kind;
    private final String text;
    private final String name; // NAME: the name; SUFFIX: ".example.com"
    private final long netHi;
    private final long netLo;
    private final long maskHi;
    private final long maskLo;
    private final int prefix; // of the 128-bit form
    private final boolean ipv4Space; // inside ::ffff:0:0/96, i.e. matches IPv4 destinations
    private final PortRange port;

    private HostPattern(Kind kind, String text, String name, IpLiteral network, int prefix, PortRange port) {
        this.kind = kind;
        this.text = text;
        this.name = name;
        this.prefix = prefix;
        this.maskHi = prefix >= 64 ? -1L : prefix == 0 ? 0 : -1L << (64 - prefix);
        this.maskLo = prefix <= 64 ? 0 : prefix == 128 ? -1L : -1L << (128 - prefix);
        this.netHi = network == null ? 0 : network.high() & maskHi;
        this.netLo = network == null ? 0 : network.low() & maskLo;
        this.ipv4Space = network != null && prefix >= 96 && network.isIpv4();
        this.port = port;
    }

    /** @throws IllegalArgumentException when the entry is not a valid pattern */
    static HostPattern parse(String entry) {
        String e = entry.trim().toLowerCase(Locale.ROOT);
        if (e.isEmpty()) {
            throw new IllegalArgumentException(entry);
        }
        String host = e;
        String portText = null;
        if (e.startsWith("[")) {
            int close = e.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(entry);
            }
            host = e.substring(1, close);
            String rest = e.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException(entry);
                }
                portText = rest.substring(1);
            }
        } else {
            int colon = e.indexOf(':');
            if (colon >= 0 && colon == e.lastIndexOf(':')) {
                host = e.substring(0, colon);
                portText = e.substring(colon + 1);
            } // more than one ':' without brackets: an IPv6 address or block, no port
        }
        PortRange port = portText == null ? null : PortRange.parse(portText);
        String shown = entry.trim();
        int slash = host.indexOf('/');
        if (slash >= 0) {
            String net = host.substring(0, slash);
            IpLiteral network = IpLiteral.parse(net);
            int bits = bits(host.substring(slash + 1), entry);
            boolean v4Syntax = net.indexOf(':') < 0;
            if (v4Syntax && !isDottedQuad(net)) {
                throw new IllegalArgumentException(entry); // "10/8" would silently mean 0.0.0.10/8
            }
            if (network == null || bits > (v4Syntax ? 32 : 128)) {
                throw new IllegalArgumentException(entry);
            }
            return new HostPattern(Kind.CIDR, shown, null, network, v4Syntax ? 96 + bits : bits, port);
        }
        if (host.startsWith("*.")) {
            CanonicalHost suffix = HostCanonicalizer.canonicalize(host.substring(2));
            if (!suffix.isName()) {
                throw new IllegalArgumentException(entry);
            }
            return new HostPattern(Kind.SUFFIX, shown, "." + suffix.text(), null, 0, port);
        }
        CanonicalHost h = HostCanonicalizer.canonicalize(host.indexOf(':') >= 0 ? "[" + host + "]" : host);
        if (h.isIp()) {
            return new HostPattern(Kind.CIDR, shown, null, h.ip(), 128, port);
        }
        if (h.isName()) {
            return new HostPattern(Kind.NAME, shown, h.text(), null, 0, port);
        }
        throw new IllegalArgumentException(entry);
    }

    private static boolean isDottedQuad(String s) {
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                dots++;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return dots == 3;
    }

    private static int bits(String s, String entry) {
        if (s.isEmpty() || s.length() > 3) {
            throw new IllegalArgumentException(entry);
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                throw new IllegalArgumentException(entry);
            }
        }
        return Integer.parseInt(s);
    }

    /** An exact name or a single address: the only patterns that may lift block-private. */
    boolean isExact() {
        return kind == Kind.NAME || kind == Kind.CIDR && prefix == 128;
    }

    /**
     * @param hasAddress whether {@code hi/lo} hold the destination address (an IP literal host, or
     *                   the resolved address at connect time)
     * @param embedded   also match the IPv4 addresses embedded in an IPv6 destination (NAT64,
     *                   6to4, Teredo, IPv4-compatible); used for deny rules, so unwrapping can only
     *                   ever deny more
     */
    boolean matches(CanonicalHost host, int destinationPort, boolean hasAddress, long hi, long lo, boolean embedded) {
        if (port != null && !port.contains(destinationPort)) {
            return false;
        }
        return matchesHost(host, hasAddress, hi, lo, embedded);
    }

    /** {@link #matches} without the port condition: whether this pattern's host part covers the destination. */
    boolean matchesHost(CanonicalHost host, boolean hasAddress, long hi, long lo, boolean embedded) {
        switch (kind) {
            case NAME:
                return host.isName() && host.text().equals(name);
            case SUFFIX:
                return host.isName() && host.text().endsWith(name);
            default:
                if (!hasAddress) {
                    return false;
                }
                if (contains(hi, lo)) {
                    return true;
                }
                if (embedded && ipv4Space && !Addresses.isIpv4(hi, lo)) {
                    for (int i = 0; i < 2; i++) {
                        long v4 = Addresses.embeddedIpv4(hi, lo, i);
                        if (v4 != Addresses.NO_EMBEDDED && contains(0L, (IpLiteral.V4_MAPPED_HIGH_BITS << 32) | v4)) {
                            return true;
                        }
                    }
                }
                return false;
        }
    }

    /**
     * CIDR membership. An IPv6 block wider than /96 does not contain IPv4 destinations even though
     * their mapped form lies inside it: "deny ::/0" means "no IPv6", not "nothing at all".
     */
    boolean contains(long hi, long lo) {
        if (Addresses.isIpv4(hi, lo) != ipv4Space) {
            return false;
        }
        return (hi & maskHi) == netHi && (lo & maskLo) == netLo;
    }

    Kind kind() {
        return kind;
    }

    @Override
    public String toString() {
        return text;
    }
}
