package io.mcpegress.agent.routing;

import org.junit.jupiter.api.Test;

import java.net.Proxy;

import static org.assertj.core.api.Assertions.assertThat;

class RouterTest {

    private final ProxyEndpoint proxy = ProxyEndpoint.parse("http://127.0.0.1:3128");

    @Test
    void everythingGoesThroughTheProxyUnlessBypassed() {
        Router router = new Router(proxy, HostPatterns.parse("internal.example"));
        assertThat(router.proxyFor("api.example.com", Proxy.NO_PROXY)).isSameAs(proxy.asProxy());
        assertThat(router.proxyFor("127.0.0.1", null)).as("loopback too").isSameAs(proxy.asProxy());
        assertThat(router.proxyFor(null, Proxy.NO_PROXY)).as("an unparseable host is not a bypass").isSameAs(proxy.asProxy());
        assertThat(router.proxyFor("internal.example", Proxy.NO_PROXY)).isSameAs(Proxy.NO_PROXY);
        assertThat(router.routeFor("internal.example")).isEqualTo(Router.Route.DIRECT);
    }

    @Test
    void withoutAProxyTheApplicationKeepsItsOwnChoice() {
        Router router = new Router(null, HostPatterns.empty());
        assertThat(router.proxyFor("api.example.com", null)).isNull();
        assertThat(router.routeFor("api.example.com")).isEqualTo(Router.Route.DIRECT);
    }

    @Test
    void proxyEndpointAcceptsOnlyHttpHostPort() {
        assertThat(ProxyEndpoint.parse("http://[::1]:8080/").host()).isEqualTo("::1");
        assertThat(ProxyEndpoint.parse("http://[::1]:8080").toString()).isEqualTo("http://[::1]:8080");
        for (String bad : new String[] {"socks5://p:1", "http://user:pw@p:1", "http://p:1/path", "http://p:0", "p:3128"}) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ProxyEndpoint.parse(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
