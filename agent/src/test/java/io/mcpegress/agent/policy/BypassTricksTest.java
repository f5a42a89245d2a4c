package io.mcpegress.agent.policy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Known ways of sneaking a call past an egress filter. Every one must be denied, for the right
 * reason, by a policy that blocks private and metadata destinations or that has an allow list.
 * A "url:" host is first reduced with {@link HostCanonicalizer#hostOfUrl}, as the JDK reads it.
 */
class BypassTricksTest {

    private static final String PRIVATE = "private-address";
    private static final String METADATA = "metadata";
    private static final String AMBIGUOUS = "ambiguous-ip-literal";
    private static final String INVALID = "invalid-host";
    private static final String NOT_ALLOWED = "default";

    static Stream<Arguments> blockedByBuiltins() {
        return Stream.of(
                // loopback, spelled every way
                arguments("dotted loopback", "127.0.0.1", null, PRIVATE),
                arguments("short form", "127.1", null, PRIVATE),
                arguments("decimal", "2130706433", null, PRIVATE),
                arguments("hex", "0x7f000001", null, PRIVATE),
                arguments("hex first part", "0x7f.0.0.1", null, PRIVATE),
                arguments("upper-case hex", "0X7F.0X0.0X0.0X1", null, PRIVATE),
                arguments("octal (curl 127, java 177)", "0177.0.0.1", null, AMBIGUOUS),
                arguments("single octal number", "017700000001", null, AMBIGUOUS),
                arguments("zero-padded parts", "127.000.000.001", null, AMBIGUOUS),
                arguments("octal invalid digit", "08.0.0.1", null, AMBIGUOUS),
                arguments("trailing dot", "127.0.0.1.", null, PRIVATE),
                arguments("localhost mixed case", "LocalHost", null, PRIVATE),
                arguments("localhost trailing dot", "localhost.", null, PRIVATE),
                arguments("*.localhost", "api.localhost", null, PRIVATE),
                arguments("IPv6 loopback", "[::1]", null, PRIVATE),
                arguments("IPv6 loopback, long form", "[0:0:0:0:0:0:0:1]", null, PRIVATE),
                arguments("IPv6 loopback, zero padded", "[0000:0000:0000:0000:0000:0000:0000:0001]", null, PRIVATE),
                arguments("IPv4-mapped dotted", "[::ffff:127.0.0.1]", null, PRIVATE),
                arguments("IPv4-mapped hex", "[::ffff:7f00:1]", null, PRIVATE),
                arguments("IPv4-mapped, no brackets", "::ffff:7f00:1", null, PRIVATE),
                arguments("IPv4-mapped octal tail", "[::ffff:0177.0.0.1]", null, AMBIGUOUS),
                arguments("IPv4-compatible", "[::127.0.0.1]", null, PRIVATE),
                arguments("SIIT IPv4-translated", "[::ffff:0:7f00:1]", null, PRIVATE),
                arguments("NAT64", "[64:ff9b::127.0.0.1]", null, PRIVATE),
                arguments("6to4", "[2002:7f00:1::1]", null, PRIVATE),
                arguments("Teredo, obfuscated client 127.0.0.1", "[2001:0:102:304::80ff:fffe]", null, PRIVATE),
                arguments("unspecified IPv6", "[::]", null, PRIVATE),
                arguments("0.0.0.0", "0.0.0.0", null, PRIVATE),
                arguments("bare zero", "0", null, PRIVATE),
                arguments("RFC 1918 10/8", "10.0.0.1", null, PRIVATE),
                arguments("RFC 1918 172.16/12", "172.31.255.254", null, PRIVATE),
                arguments("RFC 1918 192.168/16", "192.168.1.1", null, PRIVATE),
                arguments("CGNAT 100.64/10", "100.64.0.1", null, PRIVATE),
                arguments("ULA fc00::/7", "[fd12:3456::1]", null, PRIVATE),
                arguments("IPv6 link-local with zone", "[fe80::1%25eth0]", null, PRIVATE),
                arguments("full-width digits", "\uFF11\uFF12\uFF17\uFF0E\uFF10\uFF0E\uFF10\uFF0E\uFF11", null, PRIVATE),
                arguments("ideographic full stops", "127\u30020\u30020\u30021", null, PRIVATE),
                arguments("percent-encoded host", "%31%32%37.0.0.1", null, PRIVATE),
                arguments("double percent-encoding", "%2531%2532%2537.0.0.1", null, INVALID),
                arguments("percent-encoded brackets", "%5b::1%5d", null, INVALID),
                arguments("NUL byte", "127.0.0.1%00.example.com", null, INVALID),
                arguments("overflowing part", "256.0.0.1", null, AMBIGUOUS),
                arguments("overflowing number", "4294967296", null, AMBIGUOUS),
                arguments("five parts", "1.2.3.4.5", null, AMBIGUOUS),
                // metadata endpoints
                arguments("metadata IP", "169.254.169.254", null, METADATA),
                arguments("metadata hex", "0xa9fea9fe", null, METADATA),
                arguments("metadata decimal", "2852039166", null, METADATA),
                arguments("metadata short form", "169.254.43518", null, METADATA),
                arguments("metadata octal", "0251.0376.0251.0376", null, AMBIGUOUS),
                arguments("metadata IPv4-mapped", "[::ffff:169.254.169.254]", null, METADATA),
                arguments("metadata IPv4-mapped hex", "[::ffff:a9fe:a9fe]", null, METADATA),
                arguments("metadata NAT64", "[64:ff9b::a9fe:a9fe]", null, METADATA),
                arguments("metadata 6to4", "[2002:a9fe:a9fe::1]", null, METADATA),
                arguments("metadata Teredo server", "[2001:0:a9fe:a9fe::1]", null, METADATA),
                arguments("AWS IMDS IPv6", "[fd00:ec2::254]", null, METADATA),
                arguments("ECS credentials", "169.254.170.2", null, METADATA),
                arguments("Alibaba metadata", "100.100.100.200", null, METADATA),
                arguments("GCP name", "metadata.google.internal", null, METADATA),
                arguments("GCP name, case and dot", "METADATA.Google.Internal.", null, METADATA),
                arguments("GCP short name", "metadata.goog", null, METADATA),
                arguments("GCP name percent-encoded", "%6d%65tadata.google.internal", null, METADATA),
                arguments("GCP name full-width", "\uFF4D\uFF45\uFF54\uFF41\uFF44\uFF41\uFF54\uFF41.google.internal", null, METADATA),
                // URL tricks, read the way java.net.URI reads them
                arguments("userinfo looks like the host", "url:http://allowed.example@127.0.0.1/", null, PRIVATE),
                arguments("userinfo with port", "url:http://allowed.example:80@169.254.169.254/", null, METADATA),
                arguments("fragment hides the real host", "url:http://169.254.169.254#@allowed.example/", null, METADATA),
                arguments("two @ (no server authority)", "url:http://allowed.example@evil@127.0.0.1/", null, INVALID),
                // names that resolve where they must not (checked again at connect time)
                arguments("DNS rebinding to loopback", "rebind.example.com", "127.0.0.1", PRIVATE),
                arguments("name resolving to metadata", "nip.example.com", "169.254.169.254", METADATA),
                arguments("name resolving to mapped IPv6", "v6.example.com", "::ffff:10.0.0.1", PRIVATE),
                arguments("name resolving to NAT64 metadata", "v6.example.com", "64:ff9b::a9fe:a9fe", METADATA));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("blockedByBuiltins")
    void deniedByBuiltins(String trick, String host, String resolved, String reason) throws Exception {
        Policy policy = Policy.builder().blockPrivate(true).blockMetadata(true).build();

        Decision d = decide(policy, host, resolved);

        assertThat(d.denied()).as(trick + " " + d).isTrue();
        assertThat(d.reason().wireName()).as(trick + " " + d).isEqualTo(reason);
    }

    static Stream<Arguments> blockedByAllowList() {
        return Stream.of(
                arguments("allowed name as a prefix", "api.example.com.evil.net", NOT_ALLOWED),
                arguments("allowed name as a suffix without dot", "evilapi.example.com", NOT_ALLOWED),
                arguments("apex of a *.suffix entry", "trusted.example", NOT_ALLOWED),
                arguments("userinfo", "url:https://api.example.com@evil.net/", NOT_ALLOWED),
                arguments("userinfo with port", "url:https://api.example.com:443@evil.net/", NOT_ALLOWED),
                arguments("encoded dot", "api.example.com%2eevil.net", NOT_ALLOWED),
                arguments("host with a port glued on", "api.example.com:443", INVALID),
                arguments("space", "api.example.com evil.net", INVALID),
                arguments("backslash", "api.example.com\\evil.net", INVALID),
                arguments("octal form of an allowed IP", "010.0.0.1", AMBIGUOUS),
                arguments("metadata stays blocked under an allow list", "169.254.169.254", METADATA));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("blockedByAllowList")
    void deniedByAnAllowList(String trick, String host, String reason) throws Exception {
        Policy policy = Policy.builder().allow("api.example.com, *.trusted.example, 8.0.0.1, 169.254.169.254").build();

        Decision d = decide(policy, host, null);

        assertThat(d.denied()).as(trick + " " + d).isTrue();
        assertThat(d.reason().wireName()).as(trick + " " + d).isEqualTo(reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("controls")
    void theSamePoliciesStillAllowTheRealThing(String host) throws Exception {
        Policy policy = Policy.builder().blockPrivate(true)
                .allow("api.example.com, *.trusted.example, 8.0.0.1").build();

        assertThat(decide(policy, host, null).allowed()).as(host).isTrue();
    }

    static Stream<String> controls() {
        return Stream.of("api.example.com", "API.EXAMPLE.COM.", "x.trusted.example", "a.b.trusted.example",
                "8.0.0.1", "0x08000001", "134217729", "url:https://user:pw@api.example.com:8443/x");
    }

    private static Decision decide(Policy policy, String host, String resolved) throws Exception {
        String h = host.startsWith("url:") ? HostCanonicalizer.hostOfUrl(host.substring(4)) : host;
        PolicyRequest request = PolicyRequest.builder().scheme("https").host(h == null ? "" : h).method("GET").path("/").build();
        if (resolved == null) {
            return policy.decide(request);
        }
        Decision atRequest = policy.decide(request);
        assertThat(atRequest.allowed()).as("the name alone is fine").isTrue();
        return policy.decideResolved(request, InetAddress.getByName(resolved));
    }
}
