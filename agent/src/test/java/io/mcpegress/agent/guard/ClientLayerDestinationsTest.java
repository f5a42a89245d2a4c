package io.mcpegress.agent.guard;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ClientLayerDestinationsTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
    private final ClientLayerDestinations destinations = new ClientLayerDestinations(now::get);

    private static InetSocketAddress api() {
        return InetSocketAddress.createUnresolved("api.example.com", 443);
    }

    @Test
    void aHostIsRememberedForTheTtlAfterItsLastExchange() {
        destinations.record("API.example.com");
        now.addAndGet(ClientLayerDestinations.TTL_NANOS - 1);
        assertThat(destinations.contains(api())).isTrue();
        now.addAndGet(2);
        assertThat(destinations.contains(api())).isFalse();
    }

    @Test
    void exchangesWithinASecondDoNotRewriteTheTimeLaterOnesDo() {
        destinations.record("api.example.com");
        // a burst of exchanges within the refresh interval: the first time stands
        now.addAndGet(ClientLayerDestinations.REFRESH_NANOS / 2);
        destinations.record("api.example.com");
        now.addAndGet(ClientLayerDestinations.TTL_NANOS - ClientLayerDestinations.REFRESH_NANOS / 2 + 1);
        assertThat(destinations.contains(api())).as("expired by the first exchange's time").isFalse();

        // an exchange after the refresh interval renews it
        destinations.record("api.example.com");
        now.addAndGet(ClientLayerDestinations.REFRESH_NANOS);
        destinations.record("api.example.com");
        now.addAndGet(ClientLayerDestinations.TTL_NANOS - 1);
        assertThat(destinations.contains(api())).as("renewed by the later exchange").isTrue();
    }

    @Test
    void urlsOfEachKindRecordTheirHost() throws Exception {
        destinations.recordUrl(java.net.URI.create("https://api.example.com/v1"));
        assertThat(destinations.contains(api())).isTrue();
        destinations.recordUrl(new java.net.URL("https://other.example.com/"));
        assertThat(destinations.contains(InetSocketAddress.createUnresolved("other.example.com", 443))).isTrue();
        destinations.recordUrl("not a url");
        assertThat(destinations.contains(InetSocketAddress.createUnresolved("unknown.example.com", 443))).isFalse();
    }
}
