package io.mcpegress.agent.policy;

import java.net.InetAddress;
import java.net.URI;
import java.util.Locale;

/**
 * What the policy sees of one outbound call: the destination as the client was given it, the HTTP
 * method and path, the MCP tool the call is made in (or {@code null} outside any tool), and
 * optionally the address the host resolved to. Immutable.
 */
public final class PolicyRequest {

    private final String scheme;
    private final String host;
    private final int port;
    private final String method;
    private final String path;
    private final String tool;
    private final InetAddress address;

    private PolicyRequest(Builder b) {
        this.scheme = b.scheme;
        this.host = b.host;
        this.port = b.port;
        this.method = b.method;
        this.path = b.path;
        this.tool = b.tool;
        this.address = b.address;
    }

    private PolicyRequest(String scheme, String host, int port, String method, String path, String tool) {
        this.scheme = scheme == null ? null : scheme.toLowerCase(Locale.ROOT);
        this.host = host;
        this.port = port;
        this.method = method == null ? null : method.toUpperCase(Locale.ROOT);
        this.path = path;
        this.tool = tool;
        this.address = null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The same as the builder with these values (no address), without a builder object: once per call. */
    public static PolicyRequest of(String scheme, String host, int port, String method, String path, String tool) {
        return new PolicyRequest(scheme, host, port, method, path, tool);
    }

    /**
     * From a request URI. A URI without a server-based host ({@code http://a@b@c/},
     * {@code http://x_y/}) gives its raw authority as host: a bare name is then judged as a name,
     * anything with userinfo or a port is denied as {@code invalid-host} rather than failing here.
     */
    public static PolicyRequest of(String method, URI uri, String tool) {
        String host = uri.getHost();
        if (host == null) {
            host = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        }
        return builder()
                .scheme(uri.getScheme())
                .host(host)
                .port(uri.getPort())
                .method(method)
                .path(uri.getRawPath())
                .tool(tool)
                .build();
    }

    /** A copy carrying the resolved address; {@link Policy#decide} then checks it too. */
    public PolicyRequest withAddress(InetAddress resolved) {
        return toBuilder().address(resolved).build();
    }

    public Builder toBuilder() {
        return new Builder().scheme(scheme).host(host).port(port).method(method).path(path).tool(tool).address(address);
    }

    /** Lower case, e.g. {@code https}; may be {@code null} when unknown. */
    public String scheme() {
        return scheme;
    }

    /** The host exactly as the client was given it (any case, encoding, brackets). */
    public String host() {
        return host;
    }

    /** The explicit port, or -1. */
    public int port() {
        return port;
    }

    /** The explicit port, else 80 for http/ws and 443 for https/wss, else -1. */
    public int effectivePort() {
        if (port > 0) {
            return port;
        }
        if ("https".equals(scheme) || "wss".equals(scheme)) {
            return 443;
        }
        if ("http".equals(scheme) || "ws".equals(scheme)) {
            return 80;
        }
        return -1;
    }

    /** Upper case, e.g. {@code GET}; may be {@code null} (a bare connection). */
    public String method() {
        return method;
    }

    /** The raw path without query, {@code null} or empty for "/". */
    public String path() {
        return path;
    }

    /** The MCP tool this call is made in, or {@code null} outside any tool call. */
    public String tool() {
        return tool;
    }

    /** The resolved address, when known. */
    public InetAddress address() {
        return address;
    }

    @Override
    public String toString() {
        return (method == null ? "" : method + " ") + scheme + "://" + host + (port > 0 ? ":" + port : "")
                + (path == null ? "" : path) + (tool == null ? "" : " [tool " + tool + "]")
                + (address == null ? "" : " -> " + address.getHostAddress());
    }

    public static final class Builder {
        private String scheme;
        private String host;
        private int port = -1;
        private String method;
        private String path;
        private String tool;
        private InetAddress address;

        private Builder() {
        }

        public Builder scheme(String scheme) {
            this.scheme = scheme == null ? null : scheme.toLowerCase(Locale.ROOT);
            return this;
        }

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder method(String method) {
            this.method = method == null ? null : method.toUpperCase(Locale.ROOT);
            return this;
        }

        public Builder path(String path) {
            this.path = path;
            return this;
        }

        public Builder tool(String tool) {
            this.tool = tool;
            return this;
        }

        public Builder address(InetAddress address) {
            this.address = address;
            return this;
        }

        /** Parses "scheme://host:port/path" with {@link URI}; method and tool stay as set. */
        public Builder url(String url) {
            URI uri = URI.create(url);
            PolicyRequest r = PolicyRequest.of(method, uri, tool);
            return scheme(r.scheme).host(r.host).port(r.port).path(r.path);
        }

        public PolicyRequest build() {
            return new PolicyRequest(this);
        }
    }
}
