package io.mcpegress.agent.routing;

import java.net.Proxy;

/**
 * Decides which way a call leaves the process. With a proxy configured, every destination goes
 * through it, loopback included, unless it is on the bypass list; a bypassed call keeps whatever
 * the application configured. Without a proxy the agent only audits.
 */
public final class Router {

    public enum Route {
        PROXY("proxy"), DIRECT("direct");

        private final String wireName;

        Route(String wireName) {
            this.wireName = wireName;
        }

        /** The value of {@code mcp.egress.route} in audit events. */
        public String wireName() {
            return wireName;
        }
    }

    private final ProxyEndpoint proxy;
    private final HostPatterns bypass;

    public Router(ProxyEndpoint proxy, HostPatterns bypass) {
        this.proxy = proxy;
        this.bypass = bypass;
    }

    public Route routeFor(String host) {
        if (proxy == null || bypass.matches(host)) {
            return Route.DIRECT;
        }
        return Route.PROXY;
    }

    /** The proxy the client must use; {@code appProxy} unchanged for direct routes. */
    public Proxy proxyFor(String host, Proxy appProxy) {
        return routeFor(host) == Route.PROXY ? proxy.asProxy() : appProxy;
    }

    /** The configured proxy, or {@code null}. */
    public ProxyEndpoint proxy() {
        return proxy;
    }

    public HostPatterns bypass() {
        return bypass;
    }
}
