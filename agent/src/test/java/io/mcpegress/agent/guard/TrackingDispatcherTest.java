package io.mcpegress.agent.guard;

import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.DiscardingSink;
import io.mcpegress.agent.dispatch.AgentDispatcher;
import io.mcpegress.agent.dispatch.ClientNames;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.routing.HostPatterns;
import io.mcpegress.agent.routing.ProxyEndpoint;
import io.mcpegress.agent.routing.Router;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

/** Which exchanges the socket guard may still refuse at connect time (the JDK client's advice asks). */
class TrackingDispatcherTest {

    private final AuditPipeline pipeline = DiscardingSink.pipeline();

    @AfterEach
    void close() {
        pipeline.close();
    }

    private AgentDispatcher dispatcher(ProxyEndpoint proxy) {
        return new AgentDispatcher(new Router(proxy, HostPatterns.empty()),
                Policy.builder().deny("denied.test").build(), true, pipeline, new ClientNames());
    }

    @Test
    void withoutTheGuardNoExchangeCanBeRefusedAtConnectTime() {
        AgentDispatcher d = dispatcher(null);
        Object allowed = d.exchangeStart("jdk-httpclient", "GET", URI.create("http://allowed.test/x"));
        assertThat(d.denial(allowed)).isNull();
        assertThat(d.goesDirect(allowed)).isFalse();
    }

    @Test
    void withTheGuardAnAllowedDirectExchangeCanBe() {
        TrackingDispatcher d = new TrackingDispatcher(dispatcher(null), new ClientLayerDestinations());
        assertThat(d.goesDirect(d.exchangeStart("jdk-httpclient", "GET", URI.create("http://allowed.test/x")))).isTrue();
        // denied: it never connects; null: not an exchange of this agent
        assertThat(d.goesDirect(d.exchangeStart("jdk-httpclient", "GET", URI.create("http://denied.test/x")))).isFalse();
        assertThat(d.goesDirect(null)).isFalse();
    }

    @Test
    void withTheGuardAProxiedExchangeCannotBe() {
        TrackingDispatcher d = new TrackingDispatcher(dispatcher(ProxyEndpoint.parse("http://127.0.0.1:3128")),
                new ClientLayerDestinations());
        assertThat(d.goesDirect(d.exchangeStart("jdk-httpclient", "GET", URI.create("http://allowed.test/x")))).isFalse();
    }
}
