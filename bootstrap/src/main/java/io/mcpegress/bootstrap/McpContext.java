package io.mcpegress.bootstrap;

import java.util.Map;

/**
 * The MCP request an outbound call is made for: which JSON-RPC method (and, for
 * {@code tools/call}, which tool), which request id and session, which client and server, and the
 * caller's W3C {@code traceparent} from {@code params._meta}. Immutable; any field may be
 * {@code null}. Lives on the bootstrap class path so advice woven into any class loader sees it.
 */
public final class McpContext {

    private final String method;
    private final String toolName;
    private final String requestId;
    private final String sessionId;
    private final String clientName;
    private final String clientVersion;
    private final String serverName;
    private final String serverVersion;
    private final String traceparent;

    private McpContext(Builder b) {
        this.method = b.method;
        this.toolName = b.toolName;
        this.requestId = b.requestId;
        this.sessionId = b.sessionId;
        this.clientName = b.clientName;
        this.clientVersion = b.clientVersion;
        this.serverName = b.serverName;
        this.serverVersion = b.serverVersion;
        this.traceparent = b.traceparent;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * The context of one incoming JSON-RPC request, from the plain values an SDK hands its handler.
     * {@code params} is the request's {@code params} as decoded JSON (a {@link Map}); the tool name
     * ({@code params.name}, for {@code tools/call}), the client info ({@code params.clientInfo}, for
     * {@code initialize}) and {@code params._meta.traceparent} are read from it when present.
     */
    public static McpContext forRequest(String method, Object requestId, Object params, String sessionId,
                                        String clientName, String clientVersion) {
        Builder b = builder().method(method)
                .requestId(requestId == null ? null : String.valueOf(requestId))
                .sessionId(sessionId)
                .clientName(clientName)
                .clientVersion(clientVersion)
                .serverName(McpContextHolder.serverName())
                .serverVersion(McpContextHolder.serverVersion());
        if (params instanceof Map<?, ?> p) {
            if ("tools/call".equals(method)) {
                b.toolName(string(p.get("name")));
            }
            if (clientName == null && p.get("clientInfo") instanceof Map<?, ?> info) {
                b.clientName(string(info.get("name"))).clientVersion(string(info.get("version")));
            }
            if (p.get("_meta") instanceof Map<?, ?> meta) {
                b.traceparent(string(meta.get("traceparent")));
            }
        }
        return b.build();
    }

    private static String string(Object o) {
        return o instanceof String s ? s : null;
    }

    /** JSON-RPC method, e.g. {@code tools/call}. */
    public String method() {
        return method;
    }

    /** The tool's name for {@code tools/call}, else {@code null}. */
    public String toolName() {
        return toolName;
    }

    /** The JSON-RPC request id as text. */
    public String requestId() {
        return requestId;
    }

    public String sessionId() {
        return sessionId;
    }

    public String clientName() {
        return clientName;
    }

    public String clientVersion() {
        return clientVersion;
    }

    public String serverName() {
        return serverName;
    }

    public String serverVersion() {
        return serverVersion;
    }

    /** {@code params._meta.traceparent} as sent by the client, unchecked. */
    public String traceparent() {
        return traceparent;
    }

    @Override
    public String toString() {
        return "McpContext{" + method + (toolName == null ? "" : " " + toolName) + " id=" + requestId
                + " session=" + sessionId + "}";
    }

    public static final class Builder {
        private String method;
        private String toolName;
        private String requestId;
        private String sessionId;
        private String clientName;
        private String clientVersion;
        private String serverName;
        private String serverVersion;
        private String traceparent;

        private Builder() {
        }

        public Builder method(String v) {
            this.method = v;
            return this;
        }

        public Builder toolName(String v) {
            this.toolName = v;
            return this;
        }

        public Builder requestId(String v) {
            this.requestId = v;
            return this;
        }

        public Builder sessionId(String v) {
            this.sessionId = v;
            return this;
        }

        public Builder clientName(String v) {
            this.clientName = v;
            return this;
        }

        public Builder clientVersion(String v) {
            this.clientVersion = v;
            return this;
        }

        public Builder serverName(String v) {
            this.serverName = v;
            return this;
        }

        public Builder serverVersion(String v) {
            this.serverVersion = v;
            return this;
        }

        public Builder traceparent(String v) {
            this.traceparent = v;
            return this;
        }

        public McpContext build() {
            return new McpContext(this);
        }
    }
}
