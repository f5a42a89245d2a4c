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
     * The policy request of an allowed exchange that goes direct, else {@code null} (proxied,
     * denied, or not an exchange of this agent).
     */
    public static PolicyRequest allowedDirectRequest(Object handle) {
        if (!(handle instanceof ExchangeRecord)) {
            return null;
        }
        ExchangeRecord r = (ExchangeRecord) handle;
        if (!r.decision.allowed() || !Router.Route.DIRECT.wireName().equals(r.route) || r.target.host() == null) {
            return null;
        }
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
