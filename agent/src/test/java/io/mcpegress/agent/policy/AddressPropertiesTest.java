package io.mcpegress.agent.policy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The canonicaliser and the CIDR matcher checked against independent oracles: the JDK's own
 * literal parsing ({@link InetAddress}) and a BigInteger reference for prefix membership.
 */
class AddressPropertiesTest {

    // ---------------------------------------------------------------- IPv4 encodings

    static final int IPV4_FORMS = 15;

    /** The {@code form}-th spelling of an IPv4 address that some HTTP stack reads as that address. */
    static String encodeIpv4(int a, int form) {
        int b0 = a >>> 24;
        int b1 = (a >>> 16) & 0xFF;
        int b2 = (a >>> 8) & 0xFF;
        int b3 = a & 0xFF;
        String dotted = b0 + "." + b1 + "." + b2 + "." + b3;
        switch (form) {
            case 0:
                return dotted;
            case 1:
                return Long.toString(a & 0xFFFF_FFFFL);                              // 2130706433
            case 2:
                return "0x" + Integer.toHexString(a);                                 // 0x7f000001
            case 3:
                return "0X" + Integer.toHexString(a).toUpperCase(Locale.ROOT);        // 0X7F000001
            case 4:
                return "0x" + Integer.toHexString(b0) + ".0x" + Integer.toHexString(b1)
                        + ".0x" + Integer.toHexString(b2) + ".0x" + Integer.toHexString(b3);
            case 5:
                return b0 + "." + b1 + "." + ((b2 << 8) | b3);                        // 127.0.1
            case 6:
                return b0 + "." + (a & 0xFF_FFFF);                                    // 127.1
            case 7:
                return "[::ffff:" + dotted + "]";
            case 8:
                return "[::ffff:" + Integer.toHexString(a >>> 16) + ":" + Integer.toHexString(a & 0xFFFF) + "]";
            case 9:
                return "[0:0:0:0:0:FFFF:" + dotted + "]";
            case 10:
                return dotted + ".";
            case 11:
                return percentEncodeAll(dotted);
            case 12:
                return fullWidth(dotted);
            case 13:
                return b0 + ".0x" + Integer.toHexString(b1) + "." + ((b2 << 8) | b3);
            case 14:
                return "::ffff:" + Integer.toHexString(a >>> 16) + ":" + Integer.toHexString(a & 0xFFFF);
            default:
                throw new IllegalArgumentException();
        }
    }

    /** Forms the JDK parses as literals itself (no DNS), so it can be the oracle directly. */
    static boolean jdkParses(int form) {
        return form == 0 || form == 1 || form == 5 || form == 6 || form == 7 || form == 9 || form == 14;
    }

    @Property
    void everyAcceptedIpv4SpellingCanonicalisesToTheJdkBytes(@ForAll int address,
                                                              @ForAll @IntRange(min = 0, max = IPV4_FORMS - 1) int form)
            throws Exception {
        String text = encodeIpv4(address, form);
        byte[] expected = InetAddress.getByAddress(bytes(address)).getAddress();

        CanonicalHost h = HostCanonicalizer.canonicalize(text);

        assertThat(h.kind()).as(text).isEqualTo(CanonicalHost.Kind.IP);
        assertThat(h.ip().toBytes()).as(text).isEqualTo(expected);
        assertThat(h.text()).as(text).isEqualTo(InetAddress.getByAddress(expected).getHostAddress());
        if (jdkParses(form)) {
            assertThat(InetAddress.getByName(text).getAddress()).as(text).isEqualTo(expected);
        }
    }

    @Property
    void aZeroPaddedPartIsAlwaysAmbiguous(@ForAll int address, @ForAll @IntRange(min = 0, max = 3) int part,
                                          @ForAll @IntRange(min = 1, max = 3) int zeros) {
        String[] parts = dottedParts(address);
        parts[part] = "0".repeat(zeros) + parts[part]; // 0177 is 127 to curl, 177 to java.net
        String text = String.join(".", parts);

        assertThat(HostCanonicalizer.canonicalize(text).kind()).as(text).isEqualTo(CanonicalHost.Kind.AMBIGUOUS);
        assertThat(IpLiteral.parse(text)).as(text).isNull();
    }

    @Property
    void anOverflowingPartIsAmbiguous(@ForAll int address, @ForAll @IntRange(min = 0, max = 3) int part,
                                      @ForAll @IntRange(min = 256, max = 100_000) int value) {
        String[] parts = dottedParts(address);
        parts[part] = Integer.toString(value);
        String text = String.join(".", parts);

        assertThat(HostCanonicalizer.canonicalize(text).kind()).as(text).isEqualTo(CanonicalHost.Kind.AMBIGUOUS);
    }

    @Property
    void inet4AddressHashCodeIsTheAddress(@ForAll int address) throws Exception {
        // Policy.decideResolved relies on this to read an Inet4Address without copying its bytes
        assertThat(InetAddress.getByAddress(bytes(address)).hashCode()).isEqualTo(address);
        assertThat(IpLiteral.of(InetAddress.getByAddress(bytes(address)))).isEqualTo(IpLiteral.ofIpv4(address));
    }

    // ---------------------------------------------------------------- IPv6 spellings

    @Provide
    Arbitrary<byte[]> ipv6() {
        // groups that are zero half of the time, so "::" compression is exercised at every position
        Arbitrary<Integer> group = Arbitraries.oneOf(Arbitraries.just(0), Arbitraries.integers().between(0, 0xFFFF));
        return group.array(Integer[].class).ofSize(8).map(g -> {
            byte[] out = new byte[16];
            for (int i = 0; i < 8; i++) {
                out[2 * i] = (byte) (g[i] >>> 8);
                out[2 * i + 1] = (byte) (int) g[i];
            }
            return out;
        });
    }

    static final int IPV6_FORMS = 9;

    static String encodeIpv6(byte[] b, int form) throws Exception {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        StringBuilder sb = new StringBuilder();
        switch (form) {
            case 0: // full, no leading zeros (what Inet6Address.getHostAddress prints)
                for (int i = 0; i < 8; i++) {
                    sb.append(i == 0 ? "" : ":").append(Integer.toHexString(g[i]));
                }
                return sb.toString();
            case 1: // full, zero padded, upper case
                for (int i = 0; i < 8; i++) {
                    sb.append(i == 0 ? "" : ":").append(String.format("%04X", g[i]));
                }
                return sb.toString();
            case 2: { // RFC 5952 via our own formatter, bracketed (an IPv4-mapped address prints as IPv4: no brackets)
                String t = IpLiteral.ofBits(hi(b), lo(b)).toString();
                return t.indexOf(':') >= 0 ? "[" + t + "]" : t;
            }
            case 3: // "::" at the first zero run, whatever its length
                return compressFirstRun(g);
            case 4: // dotted-quad tail
                for (int i = 0; i < 6; i++) {
                    sb.append(Integer.toHexString(g[i])).append(':');
                }
                return sb.append(b[12] & 0xFF).append('.').append(b[13] & 0xFF).append('.')
                        .append(b[14] & 0xFF).append('.').append(b[15] & 0xFF).toString();
            case 5: // zone id as in a URL
                return "[" + compressFirstRun(g) + "%25eth0]";
            case 6: // zone id as in InetAddress text
                return compressFirstRun(g) + "%eth0";
            case 7:
                return InetAddress.getByAddress(b).getHostAddress().replace("%", "%25");
            case 8:
                return "[" + compressFirstRun(g).toUpperCase(Locale.ROOT) + "]";
            default:
                throw new IllegalArgumentException();
        }
    }

    @Property
    void everyIpv6SpellingCanonicalisesToTheJdkBytes(@ForAll("ipv6") byte[] address,
                                                      @ForAll @IntRange(min = 0, max = IPV6_FORMS - 1) int form)
            throws Exception {
        String text = encodeIpv6(address, form);
        byte[] expected = InetAddress.getByAddress(address).getAddress(); // 4 bytes if IPv4-mapped

        CanonicalHost h = HostCanonicalizer.canonicalize(text);

        assertThat(h.kind()).as(text).isEqualTo(CanonicalHost.Kind.IP);
        assertThat(h.ip().toBytes()).as(text).isEqualTo(expected);
        if (form <= 4 || form == 8) {
            assertThat(InetAddress.getByName(text).getAddress()).as(text).isEqualTo(expected);
        }
        // and the JDK reads our canonical text back as the same address
        assertThat(InetAddress.getByName(h.text()).getAddress()).as(h.text()).isEqualTo(expected);
    }

    @Property
    void canonicalIpv6TextIsRfc5952Shortest(@ForAll("ipv6") byte[] address) throws Exception {
        String text = IpLiteral.ofBytes(address).toString();
        if (IpLiteral.ofBytes(address).isIpv4()) {
            return;
        }
        assertThat(text).doesNotContain(":::").isEqualTo(text.toLowerCase(Locale.ROOT));
        assertThat(text.split("::", -1).length).isLessThanOrEqualTo(2);
        for (String group : text.split(":")) {
            assertThat(group.length() <= 1 || group.charAt(0) != '0').as(text).isTrue(); // no leading zeros
        }
        assertThat(text).isEqualTo(rfc5952ByRegex(groups(address)));
    }

    @Provide
    Arbitrary<String> hostish() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("0123456789abcdefxX.:%[]-_@/ \uFF10\u3002").ofMaxLength(40),
                Arbitraries.strings().ofMaxLength(40));
    }

    @Property
    void anyHostIsCanonicalisedOrRefusedButNeverThrows(@ForAll("hostish") String host) {
        CanonicalHost h = HostCanonicalizer.canonicalize(host);
        Decision d = Policy.builder().blockPrivate(true).build()
                .decide(PolicyRequest.builder().scheme("https").host(host).build());

        assertThat(d).isNotNull();
        if (h.isName()) {
            assertThat(HostCanonicalizer.isValidName(h.text())).isTrue();
            assertThat(IpLiteral.endsInNumber(h.text())).as("a numeric last label is never a name").isFalse();
        }
        if (h.kind() == CanonicalHost.Kind.AMBIGUOUS || h.kind() == CanonicalHost.Kind.INVALID) {
            assertThat(d.denied()).isTrue();
        }
    }

    // ---------------------------------------------------------------- classification vs the JDK

    @Property
    void privateIsASupersetOfWhatTheJdkKnows(@ForAll int address) throws Exception {
        InetAddress a = InetAddress.getByAddress(bytes(address));
        boolean jdk = a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress();
        if (jdk) {
            assertThat(IpLiteral.of(a).isPrivate()).as(a.getHostAddress()).isTrue();
        }
    }

    @Property
    void privateIpv6IsASupersetOfWhatTheJdkKnows(@ForAll("ipv6") byte[] address) throws Exception {
        InetAddress a = InetAddress.getByAddress(address);
        boolean jdk = a.isLoopbackAddress() || a.isSiteLocalAddress() || a.isLinkLocalAddress() || a.isAnyLocalAddress();
        if (jdk) {
            assertThat(IpLiteral.of(a).isPrivate()).as(a.getHostAddress()).isTrue();
        }
    }

    @Property
    void embeddedIpv4IsClassifiedLikeTheIpv4ItCarries(@ForAll int v4, @ForAll @IntRange(min = 0, max = 5) int wrapper,
                                                      @ForAll long noise) {
        long w = v4 & 0xFFFF_FFFFL;
        long hi;
        long lo;
        switch (wrapper) {
            case 0: // NAT64 64:ff9b::a.b.c.d
                hi = 0x0064_FF9B_0000_0000L;
                lo = w;
                break;
            case 1: // 6to4 2002:aabb:ccdd:...
                hi = (0x2002L << 48) | (w << 16) | (noise & 0xFFFF);
                lo = noise;
                break;
            case 2: // Teredo, the address as the server
                hi = 0x2001_0000_0000_0000L | w;
                lo = noise;
                break;
            case 3: // Teredo, the address as the (inverted) client
                hi = 0x2001_0000_0000_0000L | (noise & 0xFFFF_FFFFL);
                lo = (noise & 0xFFFF_FFFF_0000_0000L) | (~w & 0xFFFF_FFFFL);
                break;
            case 4: // IPv4-compatible ::a.b.c.d
                hi = 0;
                lo = w;
                break;
            default: // SIIT ::ffff:0:a.b.c.d
                hi = 0;
                lo = 0xFFFF_0000_0000_0000L | w;
        }
        IpLiteral wrapped = IpLiteral.ofBits(hi, lo);
        IpLiteral plain = IpLiteral.ofIpv4(v4);
        if (plain.isPrivate()) {
            assertThat(wrapped.isPrivate()).as(wrapped.toString()).isTrue();
        }
        if (plain.isMetadata()) {
            assertThat(wrapped.isMetadata()).as(wrapped.toString()).isTrue();
        }
        HostPattern deny10 = HostPattern.parse("10.0.0.0/8");
        boolean in10 = (v4 >>> 24) == 10;
        assertThat(deny10.matches(CanonicalHost.ip(wrapped), 443, true, hi, lo, true)).as(wrapped.toString()).isEqualTo(in10 || teredoOtherHalfIn10(wrapper, hi, lo));
        assertThat(deny10.matches(CanonicalHost.ip(wrapped), 443, true, hi, lo, false)).as("allow rules do not unwrap").isFalse();
    }

    private static boolean teredoOtherHalfIn10(int wrapper, long hi, long lo) {
        if (wrapper == 2) {
            return ((~lo & 0xFFFF_FFFFL) >>> 24) == 10;
        }
        if (wrapper == 3) {
            return ((hi & 0xFFFF_FFFFL) >>> 24) == 10;
        }
        return false;
    }

    // ---------------------------------------------------------------- CIDR vs BigInteger

    @Property
    void ipv4CidrMembershipAgreesWithBigInteger(@ForAll int network, @ForAll @IntRange(min = 0, max = 32) int bits,
                                                @ForAll int other, @ForAll boolean near) throws Exception {
        int hostMask = bits == 32 ? 0 : (int) (0xFFFF_FFFFL >>> bits);
        int address = near ? (network & ~hostMask) | (other & hostMask) : other; // half the cases inside
        String pattern = InetAddress.getByAddress(bytes(network)).getHostAddress() + "/" + bits;
        BigInteger n = new BigInteger(1, bytes(network)).shiftRight(32 - bits);
        BigInteger a = new BigInteger(1, bytes(address)).shiftRight(32 - bits);

        IpLiteral ip = IpLiteral.ofIpv4(address);
        assertThat(HostPattern.parse(pattern).contains(ip.high(), ip.low())).as(pattern + " contains " + ip)
                .isEqualTo(n.equals(a));
    }

    @Property
    void ipv6CidrMembershipAgreesWithBigInteger(@ForAll("ipv6") byte[] network, @ForAll @IntRange(min = 0, max = 128) int bits,
                                                @ForAll("ipv6") byte[] other, @ForAll boolean near) throws Exception {
        byte[] address = other.clone();
        if (near) {
            for (int i = 0; i < bits; i++) { // copy the network's first `bits` bits
                int mask = 0x80 >>> (i % 8);
                address[i / 8] = (byte) ((address[i / 8] & ~mask) | (network[i / 8] & mask));
            }
        }
        IpLiteral net = IpLiteral.ofBytes(network);
        IpLiteral ip = IpLiteral.ofBytes(address);
        Assume.that(!net.isIpv4() && !ip.isIpv4()); // IPv4-mapped space has its own rule, tested below
        String pattern = "[" + net + "/" + bits + "]";
        BigInteger n = new BigInteger(1, network).shiftRight(128 - bits);
        BigInteger a = new BigInteger(1, address).shiftRight(128 - bits);

        assertThat(HostPattern.parse(pattern).contains(ip.high(), ip.low())).as(pattern + " contains " + ip)
                .isEqualTo(n.equals(a));
    }

    @Property
    void wideIpv6BlocksNeverContainIpv4(@ForAll int v4, @ForAll @IntRange(min = 0, max = 95) int bits) {
        IpLiteral ip = IpLiteral.ofIpv4(v4);
        assertThat(HostPattern.parse("::/" + bits).contains(ip.high(), ip.low())).isFalse();
        assertThat(HostPattern.parse("::ffff:0:0/96").contains(ip.high(), ip.low())).isTrue();
    }

    // ---------------------------------------------------------------- helpers

    static byte[] bytes(int a) {
        return new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a};
    }

    private static String[] dottedParts(int a) {
        return new String[] {
            Integer.toString(a >>> 24), Integer.toString((a >>> 16) & 0xFF),
            Integer.toString((a >>> 8) & 0xFF), Integer.toString(a & 0xFF)};
    }

    private static long hi(byte[] b) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    private static long lo(byte[] b) {
        long v = 0;
        for (int i = 8; i < 16; i++) {
            v = (v << 8) | (b[i] & 0xFF);
        }
        return v;
    }

    private static int[] groups(byte[] b) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        }
        return g;
    }

    /** RFC 5952 the other way round: print in full, then replace the longest (first) run of 2+ zero groups. */
    private static String rfc5952ByRegex(int[] g) {
        StringBuilder full = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            full.append(i == 0 ? "" : ":").append(Integer.toHexString(g[i]));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?:^|:)0(?::0)+(?::|$)").matcher(full);
        int bestStart = -1;
        int bestEnd = -1;
        while (m.find()) {
            if (zeros(m.group()) > zeros(full.substring(Math.max(bestStart, 0), Math.max(bestEnd, 0)))) {
                bestStart = m.start();
                bestEnd = m.end();
            }
        }
        return bestStart < 0 ? full.toString() : full.substring(0, bestStart) + "::" + full.substring(bestEnd);
    }

    private static long zeros(String run) {
        return run.chars().filter(c -> c == '0').count();
    }

    private static String compressFirstRun(int[] g) {
        int start = -1;
        int end = -1;
        for (int i = 0; i < 8; i++) {
            if (g[i] == 0) {
                start = i;
                end = i;
                while (end + 1 < 8 && g[end + 1] == 0) {
                    end++;
                }
                break;
            }
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == start) {
                sb.append("::");
                i = end;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static String percentEncodeAll(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            sb.append('%').append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }

    private static String fullWidth(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c == '.' ? '\u3002' : (char) (c - '0' + '\uFF10')); // ideographic full stop, full-width digits
        }
        return sb.toString();
    }
}
