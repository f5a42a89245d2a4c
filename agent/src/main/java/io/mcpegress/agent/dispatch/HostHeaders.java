package io.mcpegress.agent.dispatch;

import io.mcpegress.agent.policy.CanonicalHost;
import io.mcpegress.agent.policy.Decision;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.policy.PolicyRequest;
import io.mcpegress.bootstrap.EgressDeniedException;

/**
 * An explicit {@code Host} header that names another host than the URL. The proxy (CONNECT
 * authority, absolute-form request line) and TLS (SNI, certificate) see the URL's host, but a
 * server behind a shared front (a CDN, a virtual-hosting ingress) routes by the header: domain
 * fronting. Such a call is allowed only when the header's host passes the policy too.
 */
final class HostHeaders {

    private HostHeaders() {
    }

    /** The host part of a Host header value: {@code [v6]:port}, {@code name:port}, {@code name}. */
    static String hostOf(String header) {
        String h = header.trim();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end > 0 ? h.substring(0, end + 1) : h;
        }
        int colon = h.indexOf(':');
        return colon >= 0 && h.indexOf(':', colon + 1) < 0 ? h.substring(0, colon) : h;
    }

    /**
     * The decision for the header's host when it is another host than the URL's, else {@code null}
     * (no header, or the same host in any spelling).
     */
    static Decision decide(Policy policy, ExchangeRecord r, String header) {
        String host = hostOf(header);
        if (host.isEmpty()) {
            return null;
        }
        String urlHost = r.target.host() == null ? "" : r.target.host();
        CanonicalHost a = policy.canonicalHost(host);
        CanonicalHost b = policy.canonicalHost(urlHost);
        if (a.kind() == b.kind() && a.text() != null && a.text().equals(b.text())) {
            return null;
        }
        return policy.decideUncounted(PolicyRequest.builder()
                .scheme(r.target.scheme())
                .host(host)
                .port(r.target.port())
                .method(r.method)
                .path(r.target.path())
                .tool(r.mcp == null ? null : r.mcp.toolName())
                .build());
    }

    static EgressDeniedException denied(ExchangeRecord r, String header, Decision d) {
        return new EgressDeniedException("mcp-egress-agent denied " + r.method + " " + r.target.full()
                + " with Host header '" + header + "': rule '" + d.rule() + "' (ruleset " + d.ruleset()
                + ", reason " + d.reason().wireName() + ")" + (d.message() == null ? "" : " - " + d.message()),
                d.rule(), d.ruleset(), d.reason().wireName(), true);
    }
}
