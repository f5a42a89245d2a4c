package io.mcpegress.agent.policy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class HostCanonicalizerTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
        "Example.COM            | example.com",
        "example.com.           | example.com",
        "example.com..          | example.com",
        "%65xample.com          | example.com",
        "b\u00FCcher.example    | xn--bcher-kva.example",
        "my_service             | my_service",
        "1e100.net              | 1e100.net",
        "127.0.0.1              | 127.0.0.1",
        "0x7F.1                 | 127.0.0.1",
        "[::1]                  | ::1",
        "[2001:DB8:0:0:0:0:0:1] | 2001:db8::1",
        "[2001:db8:0:1:1:1:1:1] | 2001:db8:0:1:1:1:1:1",
        "[::ffff:1.2.3.4]       | 1.2.3.4",
        "fe80::1%eth0           | fe80::1",
    })
    void canonicalForms(String raw, String canonical) {
        assertThat(HostCanonicalizer.canonicalize(raw).text()).isEqualTo(canonical);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "''", "'.'", "'a..b'", "'[::1'", "'[1.2.3.4]'", "'[::1]:80'", "'a b'", "'a/b'", "'a@b'",
        "'%zz'", "'%'", "'%c0%80'", "':::'", "'1:2:3:4:5:6:7:8:9'", "'[v1.x]'",
    })
    void invalidHosts(String raw) {
        assertThat(HostCanonicalizer.canonicalize(raw).kind()).as(raw).isIn(CanonicalHost.Kind.INVALID);
    }

    @Test
    void numericLabelsAtTheEndMakeAnIpOrNothing() {
        assertThat(HostCanonicalizer.canonicalize("example.123").kind()).isEqualTo(CanonicalHost.Kind.AMBIGUOUS);
        assertThat(HostCanonicalizer.canonicalize("123.example").kind()).isEqualTo(CanonicalHost.Kind.NAME);
        assertThat(HostCanonicalizer.canonicalize("0x").kind()).isEqualTo(CanonicalHost.Kind.AMBIGUOUS);
    }

    @Test
    void hostOfUrlReadsLikeJavaNetUri() {
        String[] urls = {
            "http://allowed@denied/", "http://allowed:443@denied:80/x", "http://a@b@c/", "http://[::1]:8080/",
            "http://evil#@allowed/", "http://evil?@allowed/", "http://x_y/", "http://1.2.3.4./", "not a url",
            "http://%31.2.3.4/", "http://[fe80::1%25eth0]/",
        };
        for (String url : urls) {
            String expected;
            try {
                expected = new URI(url).getHost();
            } catch (Exception e) {
                expected = null;
            }
            assertThat(HostCanonicalizer.hostOfUrl(url)).as(url).isEqualTo(expected);
        }
        assertThat(HostCanonicalizer.hostOfUrl("http://allowed.example@denied.example/")).isEqualTo("denied.example");
        assertThat(HostCanonicalizer.hostOfUrl("http://a@b@c/")).isNull();
    }

    @Test
    void wellKnownNames() {
        assertThat(HostCanonicalizer.canonicalize("Metadata.Google.Internal.").isMetadataName()).isTrue();
        assertThat(HostCanonicalizer.canonicalize("metadata.google.internal.evil").isMetadataName()).isFalse();
        assertThat(HostCanonicalizer.canonicalize("x.LOCALHOST").isLoopbackName()).isTrue();
        assertThat(HostCanonicalizer.canonicalize("localhost.example").isLoopbackName()).isFalse();
    }
}
