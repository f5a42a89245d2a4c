package io.mcpegress.agent.policy;

/**
 * Address classification on the 128-bit form of {@link IpLiteral}, written out by hand: the JDK's
 * {@code isSiteLocalAddress} misses ULA, CGNAT and 0.0.0.0/8, and knows nothing of IPv4 addresses
 * embedded in IPv6 ones. Primitive arguments only, so the hot path allocates nothing.
 */
final class Addresses {

    static final long NO_EMBEDDED = -1L;

    private static final long NAT64_HI = 0x0064_FF9B_0000_0000L; // 64:ff9b::/96
    private static final long EC2_V6_HI = 0xFD00_0EC2_0000_0000L; // fd00:ec2::/64

    private Addresses() {
    }

    static boolean isIpv4(long hi, long lo) {
        return hi == 0 && (lo >>> 32) == IpLiteral.V4_MAPPED_HIGH_BITS;
    }

    /**
     * The {@code index}-th IPv4 address embedded in an IPv6 one (0 or 1; Teredo has two), as an
     * unsigned 32-bit value, or {@link #NO_EMBEDDED}. Covered: IPv4-compatible {@code ::a.b.c.d},
     * SIIT {@code ::ffff:0:a.b.c.d}, NAT64 {@code 64:ff9b::/96}, 6to4 {@code 2002::/16}, Teredo
     * {@code 2001::/32} (server, and the client address stored inverted). IPv4-mapped addresses are
     * IPv4 already and are not listed here.
     */
    static long embeddedIpv4(long hi, long lo, int index) {
        if (hi == 0) {
            long top = lo >>> 32;
            if (top == 0 || top == 0xFFFF_0000L) {
                return index == 0 ? lo & 0xFFFF_FFFFL : NO_EMBEDDED;
            }
            return NO_EMBEDDED;
        }
        if (hi == NAT64_HI && (lo >>> 32) == 0) {
            return index == 0 ? lo & 0xFFFF_FFFFL : NO_EMBEDDED;
        }
        if ((hi >>> 48) == 0x2002) {
            return index == 0 ? (hi >>> 16) & 0xFFFF_FFFFL : NO_EMBEDDED;
        }
        if ((hi >>> 32) == 0x2001_0000L) {
            if (index == 0) {
                return hi & 0xFFFF_FFFFL;
            }
            return index == 1 ? ~lo & 0xFFFF_FFFFL : NO_EMBEDDED;
        }
        return NO_EMBEDDED;
    }

    /** The built-in "private" set; see docs/policy.md for the list. */
    static boolean isPrivate(long hi, long lo) {
        if (isIpv4(hi, lo)) {
            return isPrivateIpv4((int) lo);
        }
        if (isPrivateIpv6(hi, lo)) {
            return true;
        }
        for (int i = 0; i < 2; i++) {
            long v4 = embeddedIpv4(hi, lo, i);
            if (v4 != NO_EMBEDDED && isPrivateIpv4((int) v4)) {
                return true;
            }
        }
        return false;
    }

    static boolean isPrivateIpv4(int a) {
        int first = a >>> 24;
        return first == 0                               // 0.0.0.0/8 "this network"
                || first == 10                           // RFC 1918
                || first == 127                          // loopback
                || (a & 0xFFC0_0000) == 0x6440_0000      // 100.64.0.0/10 CGNAT
                || (a >>> 16) == 0xA9FE                  // 169.254.0.0/16 link-local
                || (a & 0xFFF0_0000) == 0xAC10_0000      // 172.16.0.0/12 RFC 1918
                || (a >>> 16) == 0xC0A8;                 // 192.168.0.0/16 RFC 1918
    }

    private static boolean isPrivateIpv6(long hi, long lo) {
        return hi == 0 && (lo == 0 || lo == 1)           // :: and ::1
                || (hi >>> 57) == 0x7E                   // fc00::/7 unique local
                || (hi >>> 54) == 0x3FA                  // fe80::/10 link-local
                || (hi >>> 54) == 0x3FB;                 // fec0::/10 site-local (deprecated, still routed)
    }

    static boolean isMetadata(long hi, long lo) {
        if (isIpv4(hi, lo)) {
            return isMetadataIpv4((int) lo);
        }
        if (hi == EC2_V6_HI && (lo == 0x254 || lo == 0x23)) {
            return true; // AWS IMDS and EKS pod identity over IPv6
        }
        for (int i = 0; i < 2; i++) {
            long v4 = embeddedIpv4(hi, lo, i);
            if (v4 != NO_EMBEDDED && isMetadataIpv4((int) v4)) {
                return true;
            }
        }
        return false;
    }

    static boolean isMetadataIpv4(int a) {
        return a == 0xA9FE_A9FE      // 169.254.169.254: AWS, GCP, Azure, OCI, DigitalOcean, ...
                || a == 0xA9FE_AA02  // 169.254.170.2: ECS task credentials
                || a == 0xA9FE_AA17  // 169.254.170.23: EKS pod identity
                || a == 0x6464_64C8; // 100.100.100.200: Alibaba Cloud
    }
}
