package io.mcpegress.agent.dispatch;

import io.mcpegress.agent.policy.PolicyRequest;
import io.mcpegress.agent.routing.Router;

/**
 * What the socket guard needs to know about an exchange that goes direct (a bypass host, or no
 * proxy): the policy request it was allowed with, so the connect-time check judges the resolved
 * address in the same context (method, path, tool) as the call itself.
 */
public final class DirectExchanges {

    private DirectExchanges() {
    }

    /**
     * The URL host of an allowed exchange that goes direct, else {@code null} (proxied, denied, or
     * not an exchange of this agent). Allocates nothing: called for every exchange.
     */
    public static String allowedDirectHost(Object handle) {
        if (!(handle instanceof ExchangeRecord)) {
            return null;
        }
        ExchangeRecord r = (ExchangeRecord) handle;
        if (!r.decision.allowed() || !Router.Route.DIRECT.wireName().equals(r.route)) {
            return null;
        }
        return r.target.host();
    }

    /** When the exchange started, in {@link System#nanoTime()} terms. */
    public static long startNanos(Object handle) {
        return ((ExchangeRecord) handle).startNanos;
    }

    /** The policy request of an exchange, as the dispatcher decided it: built only when a connect needs it. */
    public static PolicyRequest request(Object handle) {
        ExchangeRecord r = (ExchangeRecord) handle;
        return PolicyRequest.builder()
                .scheme(r.target.scheme())
                .host(r.target.host())
                .port(r.target.port())
                .method(r.method)
                .path(r.target.path())
                .tool(r.mcp == null ? null : r.mcp.toolName())
                .build();
    }
}
