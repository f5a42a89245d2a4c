package io.mcpegress.agent.routing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostPatternsTest {

    private final HostPatterns patterns = HostPatterns.parse(
            "localhost, *.svc.cluster.local, 10.0.0.0/8, 192.168.1.7, fd00::/8, Example.COM.");

    @Test
    void exactNamesIgnoreCaseAndTrailingDots() {
        assertThat(patterns.matches("LOCALHOST")).isTrue();
        assertThat(patterns.matches("example.com.")).isTrue();
        assertThat(patterns.matches("www.example.com")).isFalse();
    }

    @Test
    void suffixMatchesSubdomainsOnly() {
        assertThat(patterns.matches("api.svc.cluster.local")).isTrue();
        assertThat(patterns.matches("svc.cluster.local")).isFalse();
        assertThat(patterns.matches("evilsvc.cluster.local")).isFalse();
    }

    @Test
    void cidrAndIpLiteralsMatchAddressesNotNames() {
        assertThat(patterns.matches("10.200.3.4")).isTrue();
        assertThat(patterns.matches("11.0.0.1")).isFalse();
        assertThat(patterns.matches("192.168.1.7")).isTrue();
        assertThat(patterns.matches("[fd12::1]")).isTrue();
        assertThat(patterns.matches("fe80::1")).isFalse();
        assertThat(patterns.matches("10.0.0.1.nip.io")).isFalse();
    }

    @Test
    void nothingMatchesAnEmptyListOrANullHost() {
        assertThat(HostPatterns.parse("").matches("localhost")).isFalse();
        assertThat(patterns.matches(null)).isFalse();
    }

    @Test
    void invalidEntriesAreRejected() {
        assertThatThrownBy(() -> HostPatterns.parse("10.0.0.0/33")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostPatterns.parse("*.")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostPatterns.parse("bad host")).isInstanceOf(IllegalArgumentException.class);
    }
}
