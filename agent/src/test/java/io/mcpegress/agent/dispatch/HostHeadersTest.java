package io.mcpegress.agent.dispatch;

import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.DiscardingSink;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.routing.HostPatterns;
import io.mcpegress.agent.routing.Router;
import io.mcpegress.bootstrap.EgressDeniedException;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class HostHeadersTest {

    private final AuditPipeline pipeline = DiscardingSink.pipeline();

    private AgentDispatcher dispatcher(boolean enforce) {
        return new AgentDispatcher(new Router(null, HostPatterns.empty()),
                Policy.builder().deny("denied.test,10.0.0.0/8").build(), enforce, pipeline, new ClientNames());
    }

    @Test
    void theHostPartOfAHostHeader() {
        assertThat(HostHeaders.hostOf("example.com")).isEqualTo("example.com");
        assertThat(HostHeaders.hostOf(" example.com:8443 ")).isEqualTo("example.com");
        assertThat(HostHeaders.hostOf("[2001:db8::1]:443")).isEqualTo("[2001:db8::1]");
        assertThat(HostHeaders.hostOf("2001:db8::1")).isEqualTo("2001:db8::1");
    }

    @Test
    void aHostHeaderNamingADeniedHostDeniesTheExchangeAndRecordsItOnce() {
        AgentDispatcher d = dispatcher(true);
        Object handle = d.exchangeStart("okhttp", "GET", URI.create("https://allowed.test/x"));
        assertThat(d.denial(handle)).isNull();
        EgressDeniedException denied = d.hostHeaderDenial(handle, "Denied.Test:443");
        assertThat(denied).isNotNull();
        assertThat(denied.late()).isTrue();
        assertThat(denied.rule()).isEqualTo("denied.test");
        assertThat(denied.reason()).isEqualTo("deny-list");
        assertThat(denied.getMessage()).contains("with Host header 'Denied.Test:443'");
        assertThat(pipeline.offeredCount()).isEqualTo(1);
        d.exchangeEnd(handle, 0, null, denied);
        assertThat(pipeline.offeredCount()).as("the exchange is recorded once").isEqualTo(1);
    }

    @Test
    void theUrlsOwnHostInAnySpellingAndAllowedHostsPass() {
        AgentDispatcher d = dispatcher(true);
        Object handle = d.exchangeStart("okhttp", "GET", URI.create("http://127.0.0.1:8080/x"));
        assertThat(d.hostHeaderDenial(handle, "127.0.0.1:8080")).isNull();
        assertThat(d.hostHeaderDenial(handle, "2130706433")).isNull();
        assertThat(d.hostHeaderDenial(handle, "other.test")).isNull();
        assertThat(d.hostHeaderDenial(handle, "10.1.2.3")).isNotNull();
    }

    @Test
    void monitorModeLetsItThrough() {
        AgentDispatcher d = dispatcher(false);
        Object handle = d.exchangeStart("okhttp", "GET", URI.create("https://allowed.test/x"));
        assertThat(d.hostHeaderDenial(handle, "denied.test")).isNull();
    }
}
