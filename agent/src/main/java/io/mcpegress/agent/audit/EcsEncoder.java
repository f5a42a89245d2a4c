package io.mcpegress.agent.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Writes an {@link AuditEvent} as one line of Elastic Common Schema JSON with nested objects.
 * Agent-specific fields live under {@code mcp.egress}. Used only by the writer thread; not
 * thread-safe.
 */
public final class EcsEncoder {

    /** ECS release the field names and types follow. */
    public static final String ECS_VERSION = "8.11.0";

    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;

    private final JsonFactory factory = new JsonFactory();
    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(1024);
    private final ProcessIdentity identity;

    public EcsEncoder(ProcessIdentity identity) {
        this.identity = identity;
    }

    /** Encodes into an internal buffer; valid until the next call. */
    public ByteArrayOutputStream encode(AuditEvent e) throws IOException {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer, JsonEncoding.UTF8)) {
            g.writeStartObject();
            Instant start = Instant.ofEpochMilli(e.startEpochMillis());
            g.writeStringField("@timestamp", ISO.format(start));

            g.writeObjectFieldStart("event");
            g.writeStringField("kind", "event");
            g.writeArrayFieldStart("category");
            g.writeString("network");
            g.writeString("web");
            g.writeEndArray();
            g.writeArrayFieldStart("type");
            g.writeString("connection");
            g.writeString(e.denied() ? "denied" : "allowed");
            g.writeEndArray();
            g.writeStringField("action", "http-request");
            if (e.reason() != null) {
                g.writeStringField("reason", e.reason());
            }
            g.writeStringField("outcome", e.outcome().wireName());
            g.writeNumberField("duration", e.durationNanos());
            g.writeStringField("start", ISO.format(start));
            g.writeStringField("end", ISO.format(start.plusNanos(e.durationNanos())));
            g.writeStringField("dataset", "mcp_egress.audit");
            g.writeStringField("module", "mcp_egress");
            g.writeEndObject();

            RequestTarget t = e.target();
            g.writeObjectFieldStart("url");
            g.writeStringField("full", t.full());
            g.writeStringField("scheme", t.scheme());
            if (t.host() != null) {
                g.writeStringField("domain", t.host());
            }
            if (t.port() > 0) {
                g.writeNumberField("port", t.port());
            }
            g.writeStringField("path", t.path());
            if (t.query() != null) {
                g.writeStringField("query", t.query());
            }
            if (t.username() != null) {
                g.writeStringField("username", t.username());
            }
            g.writeEndObject();

            g.writeObjectFieldStart("http");
            g.writeObjectFieldStart("request");
            g.writeStringField("method", e.method());
            g.writeEndObject();
            if (e.statusCode() > 0) {
                g.writeObjectFieldStart("response");
                g.writeNumberField("status_code", e.statusCode());
                g.writeEndObject();
            }
            if (e.httpVersion() != null) {
                g.writeStringField("version", e.httpVersion());
            }
            g.writeEndObject();

            g.writeObjectFieldStart("destination");
            if (t.host() != null) {
                g.writeStringField("address", t.host());
                g.writeStringField(t.hostIsIp() ? "ip" : "domain", t.host());
            }
            if (t.port() > 0) {
                g.writeNumberField("port", t.port());
            }
            g.writeEndObject();

            if (e.errorType() != null) {
                g.writeObjectFieldStart("error");
                g.writeStringField("type", e.errorType());
                if (e.errorMessage() != null) {
                    g.writeStringField("message", e.errorMessage());
                }
                g.writeEndObject();
            }

            if (e.ruleName() != null || e.ruleset() != null) {
                g.writeObjectFieldStart("rule");
                if (e.ruleName() != null) {
                    g.writeStringField("name", e.ruleName());
                }
                if (e.ruleset() != null) {
                    g.writeStringField("ruleset", e.ruleset());
                }
                g.writeEndObject();
            }

            g.writeObjectFieldStart("service");
            g.writeStringField("name", identity.serviceName());
            g.writeEndObject();
            g.writeObjectFieldStart("process");
            g.writeNumberField("pid", identity.pid());
            g.writeEndObject();
            g.writeObjectFieldStart("host");
            g.writeStringField("hostname", identity.hostname());
            g.writeEndObject();
            g.writeObjectFieldStart("agent");
            g.writeStringField("name", "mcp-egress-agent");
            g.writeStringField("type", "mcp-egress-agent");
            g.writeStringField("version", identity.agentVersion());
            g.writeEndObject();
            g.writeObjectFieldStart("ecs");
            g.writeStringField("version", ECS_VERSION);
            g.writeEndObject();

            g.writeObjectFieldStart("mcp");
            g.writeObjectFieldStart("egress");
            g.writeStringField("client", e.client());
            g.writeStringField("route", e.route());
            if (e.denied() && !e.enforced()) {
                // monitor mode: the call went ahead, but the policy would have stopped it
                g.writeBooleanField("would_deny", true);
            }
            if (e.proxy() != null) {
                g.writeStringField("proxy", e.proxy());
            }
            g.writeEndObject();
            g.writeEndObject();

            g.writeEndObject();
        }
        buffer.write('\n');
        return buffer;
    }
}
