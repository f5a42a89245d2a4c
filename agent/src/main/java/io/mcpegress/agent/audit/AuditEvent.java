package io.mcpegress.agent.audit;

import io.mcpegress.bootstrap.McpContext;

/**
 * One audited HTTP exchange. Immutable and small: the application thread builds it and offers it
 * to the queue; everything expensive (JSON, I/O) happens later on the writer thread.
 */
public final class AuditEvent implements AuditRecord {

    public enum Outcome {
        SUCCESS("success"), FAILURE("failure"), UNKNOWN("unknown");

        private final String wireName;

        Outcome(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    private final long startEpochMillis;
    private final long durationNanos;
    private final String client;
    private final String method;
    private final RequestTarget target;
    private final int statusCode;
    private final String httpVersion;
    private final String route;
    private final String proxy;
    private final boolean denied;
    private final boolean enforced;
    private final String ruleName;
    private final String ruleset;
    private final String reason;
    private final String errorType;
    private final String errorMessage;
    private final McpContext mcp;
    // socket guard: the class that opened an uninstrumented connection
    private final String caller;

    private AuditEvent(Builder b) {
        this.startEpochMillis = b.startEpochMillis;
        this.durationNanos = b.durationNanos;
        this.client = b.client;
        this.method = b.method;
        this.target = b.target;
        this.statusCode = b.statusCode;
        this.httpVersion = b.httpVersion;
        this.route = b.route;
        this.proxy = b.proxy;
        this.denied = b.denied;
        this.enforced = b.enforced;
        this.ruleName = b.ruleName;
        this.ruleset = b.ruleset;
        this.reason = b.reason;
        this.errorType = b.errorType;
        this.errorMessage = b.errorMessage;
        this.mcp = b.mcp;
        this.caller = b.caller; // socket guard
    }

    // the dispatcher's per-exchange form: every field at once, no builder object on the hot path
    private AuditEvent(long startEpochMillis, long durationNanos, String client, String method, RequestTarget target,
                       int statusCode, String httpVersion, String route, String proxy, boolean denied,
                       boolean enforced, String ruleName, String ruleset, String reason, Throwable error,
                       McpContext mcp) {
        this.startEpochMillis = startEpochMillis;
        this.durationNanos = durationNanos;
        this.client = client;
        this.method = method;
        this.target = target;
        this.statusCode = statusCode;
        this.httpVersion = httpVersion;
        this.route = route;
        this.proxy = proxy;
        this.denied = denied;
        this.enforced = enforced;
        this.ruleName = ruleName;
        this.ruleset = ruleset;
        this.reason = reason;
        this.errorType = error == null ? null : error.getClass().getName();
        this.errorMessage = error == null ? null : error.getMessage();
        this.mcp = mcp;
        this.caller = null;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * One client-layer exchange, as {@code builder()...build()} with the same values would make it
     * ({@code caller} unset), without the builder: this runs once per call on the application thread.
     */
    public static AuditEvent exchange(long startEpochMillis, long durationNanos, String client, String method,
                                      RequestTarget target, int statusCode, String httpVersion, String route,
                                      String proxy, boolean denied, boolean enforced, String ruleName,
                                      String ruleset, String reason, Throwable error, McpContext mcp) {
        return new AuditEvent(startEpochMillis, durationNanos, client, method, target, statusCode, httpVersion,
                route, proxy, denied, enforced, ruleName, ruleset, reason, error, mcp);
    }

    public long startEpochMillis() {
        return startEpochMillis;
    }

    @Override
    public long epochMillis() {
        return startEpochMillis;
    }

    public long durationNanos() {
        return durationNanos;
    }

    /** {@code library/version}, e.g. {@code jdk-httpclient/17.0.15}. */
    public String client() {
        return client;
    }

    public String method() {
        return method;
    }

    public RequestTarget target() {
        return target;
    }

    /** HTTP status, or 0 when no response head arrived. */
    public int statusCode() {
        return statusCode;
    }

    /** "1.1", "2", or {@code null}. */
    public String httpVersion() {
        return httpVersion;
    }

    /** {@code proxy}, {@code direct} or {@code blocked}. */
    public String route() {
        return route;
    }

    /** The proxy the exchange went through, or {@code null}. */
    public String proxy() {
        return proxy;
    }

    public boolean denied() {
        return denied;
    }

    /** True when the denial stopped the call (enforce mode); false in monitor mode. */
    public boolean enforced() {
        return enforced;
    }

    public String ruleName() {
        return ruleName;
    }

    public String ruleset() {
        return ruleset;
    }

    /** Why the policy decided as it did ({@code rule}, {@code default}, {@code metadata}, ...). */
    public String reason() {
        return reason;
    }

    public String errorType() {
        return errorType;
    }

    public String errorMessage() {
        return errorMessage;
    }

    /** The MCP request (tool call, ...) the exchange was made for, or {@code null} outside any. */
    public McpContext mcp() {
        return mcp;
    }

    /** Socket guard: the class that opened an uninstrumented connection, else {@code null}. */
    public String caller() {
        return caller;
    }

    public Outcome outcome() {
        if (enforced || errorType != null || statusCode >= 400) {
            return Outcome.FAILURE;
        }
        return statusCode > 0 ? Outcome.SUCCESS : Outcome.UNKNOWN;
    }

    public static final class Builder {
        private long startEpochMillis;
        private long durationNanos;
        private String client;
        private String method;
        private RequestTarget target;
        private int statusCode;
        private String httpVersion;
        private String route;
        private String proxy;
        private boolean denied;
        private boolean enforced;
        private String ruleName;
        private String ruleset;
        private String reason;
        private String errorType;
        private String errorMessage;
        private McpContext mcp;
        private String caller; // socket guard

        private Builder() {
        }

        public Builder startEpochMillis(long v) {
            this.startEpochMillis = v;
            return this;
        }

        public Builder durationNanos(long v) {
            this.durationNanos = v;
            return this;
        }

        public Builder client(String v) {
            this.client = v;
            return this;
        }

        public Builder method(String v) {
            this.method = v;
            return this;
        }

        public Builder target(RequestTarget v) {
            this.target = v;
            return this;
        }

        public Builder statusCode(int v) {
            this.statusCode = v;
            return this;
        }

        public Builder httpVersion(String v) {
            this.httpVersion = v;
            return this;
        }

        public Builder route(String v) {
            this.route = v;
            return this;
        }

        public Builder proxy(String v) {
            this.proxy = v;
            return this;
        }

        public Builder denied(boolean v) {
            this.denied = v;
            return this;
        }

        public Builder enforced(boolean v) {
            this.enforced = v;
            return this;
        }

        public Builder rule(String name, String ruleset, String reason) {
            this.ruleName = name;
            this.ruleset = ruleset;
            this.reason = reason;
            return this;
        }

        public Builder error(Throwable t) {
            if (t != null) {
                this.errorType = t.getClass().getName();
                this.errorMessage = t.getMessage();
            }
            return this;
        }

        /** Socket guard: the class that opened the connection. */
        public Builder caller(String v) {
            this.caller = v;
            return this;
        }

        public Builder mcp(McpContext v) {
            this.mcp = v;
            return this;
        }

        public AuditEvent build() {
            return new AuditEvent(this);
        }
    }
}
