package io.mcpegress.agent.policy;

import java.io.ByteArrayOutputStream;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * Turns the host a client was given into the form the policy matches on, undoing the encodings
 * that are used to slip past egress filters: percent-escapes, full-width and other Unicode
 * look-alikes (IDNA mapping, as OkHttp and browsers do), upper case, trailing dots, brackets and
 * zone ids, and every numeric IPv4 spelling. Numeric hosts that parsers read differently are
 * reported as {@link CanonicalHost.Kind#AMBIGUOUS}, never guessed at.
 */
public final class HostCanonicalizer {

    private static final Set<String> METADATA_NAMES = Set.of(
            "metadata.google.internal", "metadata.goog", "metadata", // GCP (bare name via search domain)
            "instance-data", "instance-data.ec2.internal");           // AWS

    private static final Set<String> LOOPBACK_NAMES = Set.of(
            "localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback");

    private HostCanonicalizer() {
    }

    public static CanonicalHost canonicalize(String host) {
        if (host == null || host.isEmpty()) {
            return CanonicalHost.INVALID;
        }
        if (host.charAt(0) == '[') {
            if (!host.endsWith("]") || host.length() < 3) {
                return CanonicalHost.INVALID;
            }
            return ipv6(host.substring(1, host.length() - 1));
        }
        if (host.indexOf(':') >= 0) {
            return ipv6(host);
        }
        String s = host;
        if (s.indexOf('%') >= 0) {
            s = percentDecode(s);
            if (s == null || s.indexOf('%') >= 0) {
                return CanonicalHost.INVALID; // a second round of escapes is refused, not decoded
            }
        }
        if (!isAscii(s)) {
            try {
                // IDNA mapping: full-width digits and dots (１２７．０．０．１) become plain ASCII here,
                // just as OkHttp and browsers map them before they connect
                s = IDN.toASCII(s, IDN.ALLOW_UNASSIGNED);
            } catch (RuntimeException e) { // IllegalArgumentException, and worse on odd input in old JDKs
                return CanonicalHost.INVALID;
            }
            if (!isAscii(s)) {
                return CanonicalHost.INVALID;
            }
        }
        s = s.toLowerCase(Locale.ROOT);
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '.') {
            end--;
        }
        if (end == 0) {
            return CanonicalHost.INVALID;
        }
        if (end != s.length()) {
            s = s.substring(0, end);
        }
        IpLiteral ip = IpLiteral.parseIpv4(s);
        if (ip == IpLiteral.AMBIGUOUS) {
            return CanonicalHost.AMBIGUOUS;
        }
        if (ip != null) {
            return CanonicalHost.ip(ip);
        }
        return isValidName(s) ? CanonicalHost.name(s) : CanonicalHost.INVALID;
    }

    private static CanonicalHost ipv6(String inner) {
        // the zone id (fe80::1%eth0, or %25eth0 inside a URL) names an interface, not a destination
        IpLiteral ip = IpLiteral.parseIpv6(IpLiteral.stripZone(inner.toLowerCase(Locale.ROOT)));
        if (ip == null) {
            return CanonicalHost.INVALID;
        }
        return ip == IpLiteral.AMBIGUOUS ? CanonicalHost.AMBIGUOUS : CanonicalHost.ip(ip);
    }

    /**
     * The host of a URL string exactly as {@link URI#getHost()} reads it: userinfo ends at the first
     * {@code @}, so {@code http://allowed@denied/} is {@code denied}. {@code null} when the string is
     * no valid URI or has no server-based authority ({@code http://a@b@c/}, {@code http://x_y/}),
     * which the JDK clients refuse to connect to as well. IPv6 hosts keep their brackets.
     */
    public static String hostOfUrl(String url) {
        if (url == null) {
            return null;
        }
        try {
            return new URI(url).getHost();
        } catch (URISyntaxException e) {
            return null;
        }
    }

    static boolean isMetadataName(String canonicalName) {
        return METADATA_NAMES.contains(canonicalName);
    }

    static boolean isLoopbackName(String canonicalName) {
        return LOOPBACK_NAMES.contains(canonicalName) || canonicalName.endsWith(".localhost");
    }

    /** Labels of letters, digits, '-' and '_' (containers use it), 1..63 each, 253 in all. */
    static boolean isValidName(String s) {
        if (s.isEmpty() || s.length() > 253) {
            return false;
        }
        int labelLength = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                labelLength = 0;
            } else if (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
                if (++labelLength > 63) {
                    return false;
                }
            } else {
                return false;
            }
        }
        return labelLength > 0;
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 0x7F) {
                return false;
            }
        }
        return true;
    }

    /** One round of %XX decoding as UTF-8; {@code null} on a malformed escape or invalid UTF-8. */
    static String percentDecode(String s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
        int i = 0;
        while (i < s.length()) {
            int pct = s.indexOf('%', i);
            int runEnd = pct < 0 ? s.length() : pct;
            if (runEnd > i) {
                bytes.writeBytes(s.substring(i, runEnd).getBytes(StandardCharsets.UTF_8));
            }
            if (pct < 0) {
                break;
            }
            if (pct + 2 >= s.length()) {
                return null;
            }
            int h = hexDigit(s.charAt(pct + 1));
            int l = hexDigit(s.charAt(pct + 2));
            if (h < 0 || l < 0) {
                return null;
            }
            bytes.write(h * 16 + l);
            i = pct + 3;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static int hexDigit(char c) {
        return c <= 'f' ? Character.digit(c, 16) : -1;
    }
}
