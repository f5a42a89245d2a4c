package io.mcpegress.agent.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.mcpegress.bootstrap.McpContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Writes an {@link AuditEvent} as one line of Elastic Common Schema JSON with nested objects.
 * Agent-specific fields live under {@code mcp.egress}. Used only by the writer thread; not
 * thread-safe.
 *
 * <p>Test reference only: the encoder as it was with Jackson's generator (see the equivalence test).
 */
final class JacksonEcsReference implements ChainableEncoder {

    /** ECS release the field names and types follow. */
    public static final String ECS_VERSION = "8.11.0";

    private static final DateTimeFormatter ISO = DateTimeFormatter.ISO_INSTANT;
    /** W3C trace context: version 00, 32 hex trace id, 16 hex parent id, 2 hex flags. */
    private static final Pattern TRACEPARENT = Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final JsonFactory factory = new JsonFactory().setRootValueSeparator(null);
    private final LineBuffer buffer = new LineBuffer();
    private final ProcessIdentity identity;
    private ChainStamp chain;
    /** One generator for all events (root values, no separator); replaced after any failure. */
    private JsonGenerator generator;

    JacksonEcsReference(ProcessIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void attach(ChainStamp stamp) {
        this.chain = stamp;
    }

    @Override
    public ByteArrayOutputStream encode(AuditRecord record) throws IOException {
        return record instanceof AuditEvent e ? encode(e) : encode((AgentEvent) record);
    }

    /**
     * The bytes of the line {@link #encode} returned last, {@code size()} of them: the stream's own
     * array, valid until the next call (no {@code toByteArray()} copy per event).
     */
    public byte[] lastLineArray() {
        return buffer.array();
    }

    /** Seconds of 10000-01-01T00:00:00Z: below it (and from 1970 on) the fast path prints what ISO_INSTANT prints. */
    private static final long YEAR_10000 = 253_402_300_800L;
    private long cachedDay = Long.MIN_VALUE;
    private String cachedDayPrefix;
    private final StringBuilder time = new StringBuilder(32);

    /**
     * {@link DateTimeFormatter#ISO_INSTANT} of the instant, without its per-call allocations: the
     * {@code yyyy-MM-ddT} prefix is kept per day, the fraction is printed in groups of three digits
     * as ISO_INSTANT does (none, millis, micros or nanos).
     */
    String isoInstant(long epochSecond, int nano) {
        if (epochSecond < 0 || epochSecond >= YEAR_10000) {
            return ISO.format(Instant.ofEpochSecond(epochSecond, nano));
        }
        long day = epochSecond / 86_400;
        if (day != cachedDay) {
            cachedDayPrefix = java.time.LocalDate.ofEpochDay(day) + "T";
            cachedDay = day;
        }
        int secondOfDay = (int) (epochSecond - day * 86_400);
        StringBuilder b = time;
        b.setLength(0);
        b.append(cachedDayPrefix);
        two(b, secondOfDay / 3600).append(':');
        two(b, secondOfDay / 60 % 60).append(':');
        two(b, secondOfDay % 60);
        if (nano != 0) {
            b.append('.');
            if (nano % 1_000_000 == 0) {
                digits(b, nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                digits(b, nano / 1000, 6);
            } else {
                digits(b, nano, 9);
            }
        }
        return b.append('Z').toString();
    }

    private static StringBuilder two(StringBuilder b, int v) {
        return b.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
    }

    private static void digits(StringBuilder b, int v, int width) {
        for (int div = width == 3 ? 100 : width == 6 ? 100_000 : 100_000_000; div > 0; div /= 10) {
            b.append((char) ('0' + v / div % 10));
        }
    }

    /** Encodes into an internal buffer; valid until the next call. */
    public ByteArrayOutputStream encode(AuditEvent e) throws IOException {
        buffer.reset();
        JsonGenerator g = generator;
        if (g == null) {
            g = factory.createGenerator(buffer, JsonEncoding.UTF8);
            generator = g;
        }
        boolean done = false;
        try {
            writeEvent(g, e);
            g.flush();
            done = true;
        } finally {
            if (!done) {
                generator = null; // never reuse a generator left inside an unfinished object
                buffer.reset();
            }
        }
        buffer.write('\n');
        return buffer;
    }

    private void writeEvent(JsonGenerator g, AuditEvent e) throws IOException {
        {
            g.writeStartObject();
            long startMillis = e.startEpochMillis();
            String startText = isoInstant(Math.floorDiv(startMillis, 1000L), (int) Math.floorMod(startMillis, 1000L) * 1_000_000);
            g.writeStringField("@timestamp", startText);

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
            g.writeStringField("start", startText);
            long endNanos = Math.floorMod(startMillis, 1000L) * 1_000_000L + e.durationNanos();
            g.writeStringField("end", isoInstant(Math.floorDiv(startMillis, 1000L) + Math.floorDiv(endNanos, 1_000_000_000L),
                    (int) Math.floorMod(endNanos, 1_000_000_000L)));
            g.writeStringField("dataset", "mcp_egress.audit");
            g.writeStringField("module", "mcp_egress");
            writeSequence(g);
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

            writeIdentity(g);

            McpContext mcp = e.mcp();
            if (mcp != null) {
                writeTraceAndGenAi(g, mcp);
            }

            g.writeObjectFieldStart("mcp");
            if (mcp != null) {
                writeMcpRequest(g, mcp);
            }
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
            if (e.caller() != null) {
                // socket guard: the class that opened an uninstrumented connection
                g.writeStringField("caller", e.caller());
            }
            JacksonAgentEventDetails.writeChainObject(g, chain);
            g.writeEndObject();
            g.writeEndObject();

            g.writeEndObject();
        }
    }

    /** An event about the agent itself: {@code event.action} names the kind, details under {@code mcp.egress}. */
    public ByteArrayOutputStream encode(AgentEvent e) throws IOException {
        buffer.reset();
        try (JsonGenerator g = factory.createGenerator(buffer, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("@timestamp", ISO.format(Instant.ofEpochMilli(e.epochMillis())));
            g.writeStringField("message", e.message());
            g.writeObjectFieldStart("event");
            g.writeStringField("kind", e.kind() == AgentEvent.Kind.HEARTBEAT ? "metric" : "event");
            boolean configuration = e.kind() == AgentEvent.Kind.CONFIG_RELOAD
                    || e.kind() == AgentEvent.Kind.LIBRARY_INSTRUMENTED || e.kind() == AgentEvent.Kind.LIBRARY_UNSUPPORTED;
            g.writeArrayFieldStart("category");
            g.writeString(configuration ? "configuration" : "process");
            g.writeEndArray();
            g.writeArrayFieldStart("type");
            g.writeString(switch (e.kind()) {
                case START -> "start";
                case SHUTDOWN -> "end";
                case CONFIG_RELOAD -> "change";
                default -> "info";
            });
            g.writeEndArray();
            g.writeStringField("action", e.kind().action());
            g.writeStringField("outcome", e.failure() ? "failure" : "success");
            g.writeStringField("dataset", "mcp_egress.audit");
            g.writeStringField("module", "mcp_egress");
            writeSequence(g);
            g.writeEndObject();

            writeIdentity(g);

            g.writeObjectFieldStart("mcp");
            g.writeObjectFieldStart("egress");
            JacksonAgentEventDetails.write(g, e);
            JacksonAgentEventDetails.writeChainObject(g, chain);
            g.writeEndObject();
            g.writeEndObject();

            g.writeEndObject();
        }
        buffer.write('\n');
        return buffer;
    }

    /** Who reports: service, process, host, agent and the ECS version; the same on every event. */
    private void writeIdentity(JsonGenerator g) throws IOException {
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
        if (chain != null) {
            g.writeStringField("ephemeral_id", chain.run());
        }
        g.writeEndObject();
        g.writeObjectFieldStart("ecs");
        g.writeStringField("version", ECS_VERSION);
        g.writeEndObject();
    }

    /** {@code event.sequence}: the line's number in this process run (tamper evidence). */
    private void writeSequence(JsonGenerator g) throws IOException {
        if (chain != null) {
            g.writeNumberField("sequence", chain.sequence());
        }
    }



    /**
     * OpenTelemetry semantic-convention fields outside {@code mcp}: {@code gen_ai.tool.name} and
     * {@code gen_ai.operation.name} ({@code execute_tool}) for a tool call, {@code jsonrpc.request.id},
     * and ECS {@code trace.id}/{@code span.id} from a well-formed W3C {@code traceparent} that the
     * client put in {@code params._meta}.
     */
    private static void writeTraceAndGenAi(JsonGenerator g, McpContext mcp) throws IOException {
        String traceparent = mcp.traceparent();
        if (traceparent != null && TRACEPARENT.matcher(traceparent).matches()) {
            g.writeObjectFieldStart("trace");
            g.writeStringField("id", traceparent.substring(3, 35));
            g.writeEndObject();
            g.writeObjectFieldStart("span");
            g.writeStringField("id", traceparent.substring(36, 52));
            g.writeEndObject();
        }
        boolean toolCall = "tools/call".equals(mcp.method());
        if (toolCall || mcp.toolName() != null) {
            g.writeObjectFieldStart("gen_ai");
            if (mcp.toolName() != null) {
                g.writeObjectFieldStart("tool");
                g.writeStringField("name", mcp.toolName());
                g.writeEndObject();
            }
            if (toolCall) {
                g.writeObjectFieldStart("operation");
                g.writeStringField("name", "execute_tool");
                g.writeEndObject();
            }
            g.writeEndObject();
        }
        if (mcp.requestId() != null) {
            g.writeObjectFieldStart("jsonrpc");
            g.writeObjectFieldStart("request");
            g.writeStringField("id", mcp.requestId());
            g.writeEndObject();
            g.writeEndObject();
        }
    }

    /**
     * Inside the already open {@code mcp} object: {@code mcp.method.name}, {@code mcp.session.id},
     * {@code mcp.client.name/version}, {@code mcp.server.name/version}.
     */
    private static void writeMcpRequest(JsonGenerator g, McpContext mcp) throws IOException {
        if (mcp.method() != null) {
            g.writeObjectFieldStart("method");
            g.writeStringField("name", mcp.method());
            g.writeEndObject();
        }
        if (mcp.sessionId() != null) {
            g.writeObjectFieldStart("session");
            g.writeStringField("id", mcp.sessionId());
            g.writeEndObject();
        }
        writeNameVersion(g, "client", mcp.clientName(), mcp.clientVersion());
        writeNameVersion(g, "server", mcp.serverName(), mcp.serverVersion());
    }

    private static void writeNameVersion(JsonGenerator g, String field, String name, String version) throws IOException {
        if (name == null && version == null) {
            return;
        }
        g.writeObjectFieldStart(field);
        if (name != null) {
            g.writeStringField("name", name);
        }
        if (version != null) {
            g.writeStringField("version", version);
        }
        g.writeEndObject();
    }
}
