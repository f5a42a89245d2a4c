package io.mcpegress.agent.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.mcpegress.bootstrap.McpContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes records as OCSF: an exchange is an HTTP Activity (class 4002), an event about the agent
 * an Application Lifecycle event (class 6002, the agent being the application). Fields without an
 * OCSF attribute go under {@code unmapped}. Validated against the OCSF schema files in tests
 * (AuditSchemaIT). Used only by the writer thread; not thread-safe.
 *
 * <p>Test reference only: the encoder as it was with Jackson's generator (see the equivalence test).
 */
final class JacksonOcsfReference implements ChainableEncoder {

    /** OCSF schema version the events follow (the version of the vendored schema). */
    public static final String OCSF_VERSION = "1.9.0-dev";
    static final String PRODUCT = "mcp-egress-agent";
    static final String VENDOR = "MCP Egress Agent";

    private static final String[] METHOD_ACTIVITIES = {
            null, "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "TRACE", "PATCH"};

    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final JsonFactory factory = new JsonFactory();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private final ProcessIdentity identity;
    private ChainStamp chain;

    JacksonOcsfReference(ProcessIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void attach(ChainStamp stamp) {
        this.chain = stamp;
    }

    @Override
    public ByteArrayOutputStream encode(AuditRecord record) throws IOException {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer, JsonEncoding.UTF8)) {
            g.writeStartObject();
            if (record instanceof AuditEvent e) {
                writeExchange(g, e);
            } else {
                writeAgentEvent(g, (AgentEvent) record);
            }
            g.writeEndObject();
        }
        buffer.write('\n');
        return buffer;
    }

    private void writeExchange(JsonGenerator g, AuditEvent e) throws IOException {
        int activity = activityOf(e.method());
        String activityName = activity == 99 ? "Other" : capitalize(METHOD_ACTIVITIES[activity]);
        writeClass(g, 4, "Network Activity", 4002, "HTTP Activity", activity, activityName);
        boolean blocked = e.denied() && e.enforced();
        boolean wouldDeny = e.denied() && !e.enforced();
        writeSeverity(g, e.denied() ? 3 : 1);
        switch (e.outcome()) {
            case SUCCESS -> writeStatus(g, 1, "Success");
            case FAILURE -> writeStatus(g, 2, "Failure");
            default -> writeStatus(g, 0, "Unknown");
        }
        if (e.errorMessage() != null) {
            g.writeStringField("status_detail", e.errorMessage());
        }
        long durationMillis = e.durationNanos() / 1_000_000;
        g.writeNumberField("time", e.startEpochMillis());
        g.writeNumberField("start_time", e.startEpochMillis());
        g.writeNumberField("end_time", e.startEpochMillis() + durationMillis);
        g.writeNumberField("duration", durationMillis);
        RequestTarget t = e.target();
        g.writeStringField("message", e.method() + " " + t.full() + (blocked ? " blocked" : wouldDeny ? " would be denied" : " allowed"));
        writeMetadata(g, hasTrace(e.mcp()), true);

        g.writeObjectFieldStart("http_request");
        g.writeStringField("http_method", e.method());
        g.writeObjectFieldStart("url");
        g.writeStringField("url_string", t.full());
        g.writeStringField("scheme", t.scheme());
        if (t.host() != null) {
            g.writeStringField("hostname", t.host());
        }
        if (t.port() > 0) {
            g.writeNumberField("port", t.port());
        }
        g.writeStringField("path", t.path());
        if (t.query() != null) {
            g.writeStringField("query_string", t.query());
        }
        g.writeEndObject();
        if (e.httpVersion() != null) {
            g.writeStringField("version", e.httpVersion());
        }
        g.writeEndObject();
        if (e.statusCode() > 0) {
            g.writeObjectFieldStart("http_response");
            g.writeNumberField("code", e.statusCode());
            g.writeEndObject();
            g.writeNumberField("http_status", e.statusCode());
        }
        g.writeObjectFieldStart("dst_endpoint");
        if (t.host() != null) {
            g.writeStringField(t.hostIsIp() ? "ip" : "hostname", t.host());
        }
        if (t.port() > 0) {
            g.writeNumberField("port", t.port());
        }
        g.writeEndObject();
        writeProxy(g, e.proxy());

        // security_control profile: what the policy did
        g.writeNumberField("action_id", blocked ? 2 : wouldDeny ? 3 : 1);
        g.writeStringField("action", blocked ? "Denied" : wouldDeny ? "Observed" : "Allowed");
        g.writeNumberField("disposition_id", blocked ? 2 : wouldDeny ? 15 : 1);
        g.writeStringField("disposition", blocked ? "Blocked" : wouldDeny ? "Detected" : "Allowed");
        if (e.ruleName() != null) {
            g.writeObjectFieldStart("policy");
            g.writeStringField("name", e.ruleName());
            g.writeBooleanField("is_applied", true);
            g.writeEndObject();
        }
        McpContext mcp = e.mcp();
        writeActorAndDevice(g, mcp);
        if (hasTrace(mcp)) {
            g.writeObjectFieldStart("trace");
            g.writeStringField("uid", mcp.traceparent().substring(3, 35));
            g.writeEndObject(); // the caller's span id goes to unmapped: an OCSF span needs start and end times
        }

        g.writeObjectFieldStart("unmapped");
        g.writeStringField("client", e.client());
        g.writeStringField("route", e.route());
        if (wouldDeny) {
            g.writeBooleanField("would_deny", true);
        }
        if (e.caller() != null) {
            g.writeStringField("caller", e.caller());
        }
        if (e.ruleset() != null || e.reason() != null) {
            g.writeObjectFieldStart("rule");
            JacksonAgentEventDetails.stringIfSet(g, "ruleset", e.ruleset());
            JacksonAgentEventDetails.stringIfSet(g, "reason", e.reason());
            g.writeEndObject();
        }
        JacksonAgentEventDetails.stringIfSet(g, "error_type", e.errorType());
        if (mcp != null) {
            g.writeObjectFieldStart("mcp");
            JacksonAgentEventDetails.stringIfSet(g, "method", mcp.method());
            JacksonAgentEventDetails.stringIfSet(g, "tool_name", mcp.toolName());
            JacksonAgentEventDetails.stringIfSet(g, "request_id", mcp.requestId());
            JacksonAgentEventDetails.stringIfSet(g, "session_id", mcp.sessionId());
            JacksonAgentEventDetails.stringIfSet(g, "client_name", mcp.clientName());
            JacksonAgentEventDetails.stringIfSet(g, "client_version", mcp.clientVersion());
            JacksonAgentEventDetails.stringIfSet(g, "server_name", mcp.serverName());
            JacksonAgentEventDetails.stringIfSet(g, "server_version", mcp.serverVersion());
            if (hasTrace(mcp)) {
                g.writeStringField("parent_span_id", mcp.traceparent().substring(36, 52));
            }
            g.writeEndObject();
        }
        JacksonAgentEventDetails.writeChainObject(g, chain);
        g.writeEndObject();
    }

    private void writeAgentEvent(JsonGenerator g, AgentEvent e) throws IOException {
        int activity = switch (e.kind()) {
            case START -> 3;
            case SHUTDOWN -> 4;
            case CONFIG_RELOAD -> 8;
            default -> 99;
        };
        String activityName = switch (activity) {
            case 3 -> "Start";
            case 4 -> "Stop";
            case 8 -> "Update";
            default -> e.kind().action();
        };
        writeClass(g, 6, "Application Activity", 6002, "Application Lifecycle", activity, activityName);
        writeSeverity(g, e.failure() ? 3 : 1);
        if (e.failure()) {
            writeStatus(g, 2, "Failure");
        } else {
            writeStatus(g, 1, "Success");
        }
        g.writeNumberField("time", e.epochMillis());
        g.writeStringField("message", e.message());
        writeMetadata(g, false, false);
        g.writeObjectFieldStart("app");
        g.writeStringField("name", PRODUCT);
        g.writeStringField("vendor_name", VENDOR);
        g.writeStringField("version", identity.agentVersion());
        g.writeEndObject();
        writeActorAndDevice(g, null);

        g.writeObjectFieldStart("unmapped");
        g.writeStringField("action", e.kind().action());
        JacksonAgentEventDetails.write(g, e);
        JacksonAgentEventDetails.writeChainObject(g, chain);
        g.writeEndObject();
    }

    private static void writeClass(JsonGenerator g, int category, String categoryName, int classUid, String className,
                                   int activity, String activityName) throws IOException {
        g.writeNumberField("category_uid", category);
        g.writeStringField("category_name", categoryName);
        g.writeNumberField("class_uid", classUid);
        g.writeStringField("class_name", className);
        g.writeNumberField("activity_id", activity);
        g.writeStringField("activity_name", activityName);
        g.writeNumberField("type_uid", classUid * 100L + activity);
        g.writeStringField("type_name", className + ": " + activityName);
    }

    private static void writeSeverity(JsonGenerator g, int id) throws IOException {
        g.writeNumberField("severity_id", id);
        g.writeStringField("severity", id == 3 ? "Medium" : "Informational");
    }

    private static void writeStatus(JsonGenerator g, int id, String name) throws IOException {
        g.writeNumberField("status_id", id);
        g.writeStringField("status", name);
    }

    private void writeMetadata(JsonGenerator g, boolean trace, boolean securityControl) throws IOException {
        g.writeObjectFieldStart("metadata");
        g.writeStringField("version", OCSF_VERSION);
        g.writeObjectFieldStart("product");
        g.writeStringField("name", PRODUCT);
        g.writeStringField("vendor_name", VENDOR);
        g.writeStringField("version", identity.agentVersion());
        g.writeEndObject();
        g.writeArrayFieldStart("profiles");
        g.writeString("host");
        if (securityControl) {
            g.writeString("security_control");
        }
        if (trace) {
            g.writeString("trace");
        }
        g.writeEndArray();
        g.writeStringField("log_name", "mcp_egress.audit");
        if (chain != null) {
            g.writeNumberField("sequence", chain.sequence());
        }
        g.writeEndObject();
    }

    /** host profile: the service (and MCP tool, when the call was made for one) and the host. */
    private void writeActorAndDevice(JsonGenerator g, McpContext mcp) throws IOException {
        g.writeObjectFieldStart("actor");
        g.writeStringField("app_name", identity.serviceName());
        if (mcp != null && (mcp.toolName() != null || mcp.method() != null)) {
            g.writeStringField("invoked_by", mcp.toolName() != null ? "mcp tool " + mcp.toolName() : "mcp " + mcp.method());
        }
        g.writeObjectFieldStart("process");
        g.writeNumberField("pid", identity.pid());
        g.writeEndObject();
        g.writeEndObject();
        g.writeObjectFieldStart("device");
        g.writeStringField("hostname", identity.hostname());
        g.writeNumberField("type_id", 1);
        g.writeStringField("type", "Server");
        g.writeEndObject();
    }

    private static void writeProxy(JsonGenerator g, String proxy) throws IOException {
        if (proxy == null) {
            return;
        }
        URI uri;
        try {
            uri = URI.create(proxy);
        } catch (IllegalArgumentException ex) {
            return;
        }
        if (uri.getHost() == null) {
            return;
        }
        g.writeObjectFieldStart("proxy");
        String host = uri.getHost();
        boolean ip = host.startsWith("[") || host.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
        g.writeStringField(ip ? "ip" : "hostname", host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        if (uri.getPort() > 0) {
            g.writeNumberField("port", uri.getPort());
        }
        g.writeEndObject();
    }


    private static boolean hasTrace(McpContext mcp) {
        return mcp != null && mcp.traceparent() != null && TRACEPARENT.matcher(mcp.traceparent()).matches();
    }

    private static int activityOf(String method) {
        String m = method == null ? "" : method.toUpperCase(Locale.ROOT);
        for (int i = 1; i < METHOD_ACTIVITIES.length; i++) {
            if (METHOD_ACTIVITIES[i].equals(m)) {
                return i;
            }
        }
        return 99;
    }

    private static String capitalize(String s) {
        return s.charAt(0) + s.substring(1).toLowerCase(Locale.ROOT);
    }

}
