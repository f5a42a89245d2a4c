package io.mcpegress.agent.audit;

import io.mcpegress.bootstrap.McpContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;

/**
 * Writes an {@link AuditEvent} as one line of Elastic Common Schema JSON with nested objects.
 * Agent-specific fields live under {@code mcp.egress}. Used only by the writer thread; not
 * thread-safe.
 */
public final class EcsEncoder implements ChainableEncoder, TargetFragments.FragmentWriter {

    /** ECS release the field names and types follow. */
    public static final String ECS_VERSION = "8.11.0";

    private final LineBuffer buffer = new LineBuffer();
    private final JsonLineWriter g = new JsonLineWriter(buffer);
    private final ProcessIdentity identity;
    private ChainStamp chain;
    /** {@code url} and {@code destination} of the targets called lately, encoded. */
    private final TargetFragments targetFragments = new TargetFragments();
    /** {@link #writeIdentity}'s fields as encoded the first time: the same bytes on every line. */
    private byte[] identityFields;
    /** Where the URL's path and query went in the line, for their own fields. */
    private final RequestTarget.Spans urlSpans = new RequestTarget.Spans();
    // the parts of a line that take few values in a process, kept encoded with the values they came from
    private final FragmentMemo httpFields = new FragmentMemo();
    private final FragmentMemo ruleFields = new FragmentMemo();
    private final FragmentMemo egressFields = new FragmentMemo();

    // the event object's fields that are the same on every exchange but for allowed/denied and the outcome
    private static final byte[] EVENT_HEAD_ALLOWED = eventHead("allowed");
    private static final byte[] EVENT_HEAD_DENIED = eventHead("denied");
    private static final byte[][] OUTCOMES = outcomes();
    private static final byte[] DATASET_AND_MODULE = datasetAndModule();

    private static byte[] eventHead(String allowedOrDenied) {
        JsonLineWriter w = JsonLineWriter.scratch();
        int from = w.fieldsStart();
        w.string(Fields.KIND, "event");
        w.startArray(Fields.CATEGORY);
        w.string("network");
        w.string("web");
        w.endArray();
        w.startArray(Fields.TYPE);
        w.string("connection");
        w.string(allowedOrDenied);
        w.endArray();
        w.string(Fields.ACTION, "http-request");
        return w.copyFrom(from);
    }

    private static byte[][] outcomes() {
        AuditEvent.Outcome[] values = AuditEvent.Outcome.values();
        byte[][] bytes = new byte[values.length][];
        for (AuditEvent.Outcome o : values) {
            JsonLineWriter w = JsonLineWriter.scratch();
            int from = w.fieldsStart();
            w.string(Fields.OUTCOME, o.wireName());
            bytes[o.ordinal()] = w.copyFrom(from);
        }
        return bytes;
    }

    private static byte[] datasetAndModule() {
        JsonLineWriter w = JsonLineWriter.scratch();
        int from = w.fieldsStart();
        w.string(Fields.DATASET, "mcp_egress.audit");
        w.string(Fields.MODULE, "mcp_egress");
        return w.copyFrom(from);
    }

    public EcsEncoder(ProcessIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void attach(ChainStamp stamp) {
        this.chain = stamp;
        this.identityFields = null; // agent.ephemeral_id comes from the chain
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

    /**
     * {@link DateTimeFormatter#ISO_INSTANT} of the instant as a string field, written straight into
     * the line: the {@code yyyy-MM-ddT} prefix is kept per day, the fraction is printed in groups of
     * three digits as ISO_INSTANT does (none, millis, micros or nanos).
     */
    private void instant(JsonLineWriter g, byte[] name, long epochSecond, int nano) {
        if (epochSecond < 0 || epochSecond >= YEAR_10000) {
            // not a static field: DateTimeFormatter's class initialisation is ~3 ms of every start
            g.string(name, DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(epochSecond, nano)));
            return;
        }
        long day = epochSecond / 86_400;
        if (day != cachedDay) {
            cachedDayPrefix = java.time.LocalDate.ofEpochDay(day) + "T";
            cachedDay = day;
        }
        int secondOfDay = (int) (epochSecond - day * 86_400);
        g.startRawString(name, 32);
        g.ascii(cachedDayPrefix);
        g.digits(secondOfDay / 3600, 2);
        g.ascii((byte) ':');
        g.digits(secondOfDay / 60 % 60, 2);
        g.ascii((byte) ':');
        g.digits(secondOfDay % 60, 2);
        if (nano != 0) {
            g.ascii((byte) '.');
            if (nano % 1_000_000 == 0) {
                g.digits(nano / 1_000_000, 3);
            } else if (nano % 1000 == 0) {
                g.digits(nano / 1000, 6);
            } else {
                g.digits(nano, 9);
            }
        }
        g.ascii((byte) 'Z');
        g.endRawString();
    }

    /** What {@link #instant} writes, as a string (for tests). */
    String isoInstant(long epochSecond, int nano) {
        LineBuffer scratch = new LineBuffer();
        JsonLineWriter w = new JsonLineWriter(scratch).startLine();
        instant(w, Fields.TIME, epochSecond, nano);
        w.endLine();
        String line = scratch.toString(java.nio.charset.StandardCharsets.US_ASCII);
        return line.substring(line.indexOf(':') + 2, line.length() - 3); // {"time":"...."}\n
    }

    /** Encodes into an internal buffer; valid until the next call. */
    public ByteArrayOutputStream encode(AuditEvent e) throws IOException {
        try {
            g.startLine();
            writeEvent(g, e);
            g.endLine();
        } catch (RuntimeException | Error ex) {
            buffer.reset(); // nothing half-written survives a failure
            throw ex;
        }
        return buffer;
    }

    private void writeEvent(JsonLineWriter g, AuditEvent e) {
        {
            long startMillis = e.startEpochMillis();
            long startSecond = Math.floorDiv(startMillis, 1000L);
            int startNano = (int) Math.floorMod(startMillis, 1000L) * 1_000_000;
            instant(g, Fields.TIMESTAMP, startSecond, startNano);

            g.startObject(Fields.EVENT);
            g.preEncodedFields(e.denied() ? EVENT_HEAD_DENIED : EVENT_HEAD_ALLOWED);
            if (e.reason() != null) {
                g.string(Fields.REASON, e.reason());
            }
            g.preEncodedFields(OUTCOMES[e.outcome().ordinal()]);
            g.number(Fields.DURATION, e.durationNanos());
            instant(g, Fields.START, startSecond, startNano);
            long endNanos = startNano + e.durationNanos();
            instant(g, Fields.END, startSecond + Math.floorDiv(endNanos, 1_000_000_000L),
                    (int) Math.floorMod(endNanos, 1_000_000_000L));
            g.preEncodedFields(DATASET_AND_MODULE);
            writeSequence(g);
            g.endObject();

            RequestTarget t = e.target();
            targetFragments.select(t);
            targetFragments.writeUrl(g, t, this);

            if (!httpFields.copy(g, e.method(), e.httpVersion(), null, e.statusCode())) {
                int from = FragmentMemo.start(g);
                writeHttp(g, e);
                httpFields.keep(g, from, e.method(), e.httpVersion(), null, e.statusCode());
            }

            targetFragments.writeDestination(g, t, this);

            if (e.errorType() != null) {
                g.startObject(Fields.ERROR);
                g.string(Fields.TYPE, e.errorType());
                if (e.errorMessage() != null) {
                    g.string(Fields.MESSAGE, e.errorMessage());
                }
                g.endObject();
            }

            if ((e.ruleName() != null || e.ruleset() != null) && !ruleFields.copy(g, e.ruleName(), e.ruleset(), null, 0)) {
                int from = FragmentMemo.start(g);
                writeRule(g, e);
                ruleFields.keep(g, from, e.ruleName(), e.ruleset(), null, 0);
            }

            writeIdentity(g);

            McpContext mcp = e.mcp();
            if (mcp != null) {
                writeTraceAndGenAi(g, mcp);
            }

            g.startObject(Fields.MCP);
            if (mcp != null) {
                writeMcpRequest(g, mcp);
            }
            g.startObject(Fields.EGRESS);
            int wouldDeny = e.denied() && !e.enforced() ? 1 : 0;
            if (!egressFields.copy(g, e.client(), e.route(), e.proxy(), wouldDeny)) {
                int from = FragmentMemo.start(g);
                writeClientAndRoute(g, e);
                egressFields.keep(g, from, e.client(), e.route(), e.proxy(), wouldDeny);
            }
            if (e.caller() != null) {
                // socket guard: the class that opened an uninstrumented connection
                g.string(Fields.CALLER, e.caller());
            }
            ChainStamp.writeChainObject(g, chain);
            g.endObject();
            g.endObject();
        }
    }

    private static void writeHttp(JsonLineWriter g, AuditEvent e) {
        g.startObject(Fields.HTTP);
        g.startObject(Fields.REQUEST);
        g.string(Fields.METHOD, e.method());
        g.endObject();
        if (e.statusCode() > 0) {
            g.startObject(Fields.RESPONSE);
            g.number(Fields.STATUS_CODE, e.statusCode());
            g.endObject();
        }
        if (e.httpVersion() != null) {
            g.string(Fields.VERSION, e.httpVersion());
        }
        g.endObject();
    }

    /** The {@code rule} object; only called when the event names a rule or ruleset. */
    private static void writeRule(JsonLineWriter g, AuditEvent e) {
        g.startObject(Fields.RULE);
        if (e.ruleName() != null) {
            g.string(Fields.NAME, e.ruleName());
        }
        if (e.ruleset() != null) {
            g.string(Fields.RULESET, e.ruleset());
        }
        g.endObject();
    }

    /** {@code mcp.egress}'s first fields: client, route, would_deny, proxy. */
    private static void writeClientAndRoute(JsonLineWriter g, AuditEvent e) {
        g.string(Fields.CLIENT, e.client());
        g.string(Fields.ROUTE, e.route());
        if (e.denied() && !e.enforced()) {
            // monitor mode: the call went ahead, but the policy would have stopped it
            g.bool(Fields.WOULD_DENY, true);
        }
        if (e.proxy() != null) {
            g.string(Fields.PROXY, e.proxy());
        }
    }

    /** The {@code url} object: the redacted full URL and its parts. */
    @Override
    public void writeUrlFields(JsonLineWriter g, RequestTarget t) {
        g.startObject(Fields.URL);
        t.writeFull(g, Fields.FULL, urlSpans);
        g.string(Fields.SCHEME, t.scheme());
        if (t.host() != null) {
            g.string(Fields.DOMAIN, t.host());
        }
        if (t.port() > 0) {
            g.number(Fields.PORT, t.port());
        }
        urlSpans.copyPath(g, Fields.PATH);
        urlSpans.copyQuery(g, Fields.QUERY);
        if (t.username() != null) {
            g.string(Fields.USERNAME, t.username());
        }
        g.endObject();
    }

    /** The {@code destination} object: address, IP or domain, port. */
    @Override
    public void writeDestinationFields(JsonLineWriter g, RequestTarget t) {
        g.startObject(Fields.DESTINATION);
        if (t.host() != null) {
            g.string(Fields.ADDRESS, t.host());
            g.string(t.hostIsIp() ? Fields.IP : Fields.DOMAIN, t.host());
        }
        if (t.port() > 0) {
            g.number(Fields.PORT, t.port());
        }
        g.endObject();
    }

    /** An event about the agent itself: {@code event.action} names the kind, details under {@code mcp.egress}. */
    public ByteArrayOutputStream encode(AgentEvent e) throws IOException {
        try {
            g.startLine();
            long millis = e.epochMillis();
            instant(g, Fields.TIMESTAMP, Math.floorDiv(millis, 1000L), (int) Math.floorMod(millis, 1000L) * 1_000_000);
            g.string(Fields.MESSAGE, e.message());
            g.startObject(Fields.EVENT);
            g.string(Fields.KIND, e.kind() == AgentEvent.Kind.HEARTBEAT ? "metric" : "event");
            boolean configuration = e.kind() == AgentEvent.Kind.CONFIG_RELOAD
                    || e.kind() == AgentEvent.Kind.LIBRARY_INSTRUMENTED || e.kind() == AgentEvent.Kind.LIBRARY_UNSUPPORTED;
            g.startArray(Fields.CATEGORY);
            g.string(configuration ? "configuration" : "process");
            g.endArray();
            g.startArray(Fields.TYPE);
            g.string(switch (e.kind()) {
                case START -> "start";
                case SHUTDOWN -> "end";
                case CONFIG_RELOAD -> "change";
                default -> "info";
            });
            g.endArray();
            g.string(Fields.ACTION, e.kind().action());
            g.string(Fields.OUTCOME, e.failure() ? "failure" : "success");
            g.string(Fields.DATASET, "mcp_egress.audit");
            g.string(Fields.MODULE, "mcp_egress");
            writeSequence(g);
            g.endObject();

            writeIdentity(g);

            g.startObject(Fields.MCP);
            g.startObject(Fields.EGRESS);
            AgentEventDetails.write(g, e);
            ChainStamp.writeChainObject(g, chain);
            g.endObject();
            g.endObject();
            g.endLine();
        } catch (RuntimeException | Error ex) {
            buffer.reset();
            throw ex;
        }
        return buffer;
    }

    /**
     * Who reports: service, process, host, agent and the ECS version. The same on every event, so
     * encoded once and then copied: about a fifth of each line.
     */
    private void writeIdentity(JsonLineWriter g) {
        byte[] cached = identityFields;
        if (cached != null) {
            g.preEncodedFields(cached);
            return;
        }
        int from = g.fieldsStart();
        encodeIdentity(g);
        identityFields = g.copyFrom(from);
    }

    private void encodeIdentity(JsonLineWriter g) {
        g.startObject(Fields.SERVICE);
        g.string(Fields.NAME, identity.serviceName());
        g.endObject();
        g.startObject(Fields.PROCESS);
        g.number(Fields.PID, identity.pid());
        g.endObject();
        g.startObject(Fields.HOST);
        g.string(Fields.HOSTNAME, identity.hostname());
        g.endObject();
        g.startObject(Fields.AGENT);
        g.string(Fields.NAME, "mcp-egress-agent");
        g.string(Fields.TYPE, "mcp-egress-agent");
        g.string(Fields.VERSION, identity.agentVersion());
        if (chain != null) {
            g.string(Fields.EPHEMERAL_ID, chain.run());
        }
        g.endObject();
        g.startObject(Fields.ECS);
        g.string(Fields.VERSION, ECS_VERSION);
        g.endObject();
    }

    /**
     * A W3C trace context the agent reports: version 00, 32 hex trace id, 16 hex parent id, 2 hex
     * flags, lower case ({@code 00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}}), checked char by char
     * rather than by a regex on every event.
     */
    static boolean isTraceparent(String s) {
        if (s == null || s.length() != 55 || s.charAt(0) != '0' || s.charAt(1) != '0'
                || s.charAt(2) != '-' || s.charAt(35) != '-' || s.charAt(52) != '-') {
            return false;
        }
        for (int i = 3; i < 55; i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') && i != 35 && i != 52) {
                return false;
            }
        }
        return true;
    }

    /** {@code event.sequence}: the line's number in this process run (tamper evidence). */
    private void writeSequence(JsonLineWriter g) {
        if (chain != null) {
            g.number(Fields.SEQUENCE, chain.sequence());
        }
    }



    /**
     * OpenTelemetry semantic-convention fields outside {@code mcp}: {@code gen_ai.tool.name} and
     * {@code gen_ai.operation.name} ({@code execute_tool}) for a tool call, {@code jsonrpc.request.id},
     * and ECS {@code trace.id}/{@code span.id} from a well-formed W3C {@code traceparent} that the
     * client put in {@code params._meta}.
     */
    private static void writeTraceAndGenAi(JsonLineWriter g, McpContext mcp) {
        String traceparent = mcp.traceparent();
        if (isTraceparent(traceparent)) {
            g.startObject(Fields.TRACE);
            g.string(Fields.ID, traceparent.substring(3, 35));
            g.endObject();
            g.startObject(Fields.SPAN);
            g.string(Fields.ID, traceparent.substring(36, 52));
            g.endObject();
        }
        boolean toolCall = "tools/call".equals(mcp.method());
        if (toolCall || mcp.toolName() != null) {
            g.startObject(Fields.GEN_AI);
            if (mcp.toolName() != null) {
                g.startObject(Fields.TOOL);
                g.string(Fields.NAME, mcp.toolName());
                g.endObject();
            }
            if (toolCall) {
                g.startObject(Fields.OPERATION);
                g.string(Fields.NAME, "execute_tool");
                g.endObject();
            }
            g.endObject();
        }
        if (mcp.requestId() != null) {
            g.startObject(Fields.JSONRPC);
            g.startObject(Fields.REQUEST);
            g.string(Fields.ID, mcp.requestId());
            g.endObject();
            g.endObject();
        }
    }

    /**
     * Inside the already open {@code mcp} object: {@code mcp.method.name}, {@code mcp.session.id},
     * {@code mcp.client.name/version}, {@code mcp.server.name/version}.
     */
    private static void writeMcpRequest(JsonLineWriter g, McpContext mcp) {
        if (mcp.method() != null) {
            g.startObject(Fields.METHOD);
            g.string(Fields.NAME, mcp.method());
            g.endObject();
        }
        if (mcp.sessionId() != null) {
            g.startObject(Fields.SESSION);
            g.string(Fields.ID, mcp.sessionId());
            g.endObject();
        }
        writeNameVersion(g, Fields.CLIENT, mcp.clientName(), mcp.clientVersion());
        writeNameVersion(g, Fields.SERVER, mcp.serverName(), mcp.serverVersion());
    }

    private static void writeNameVersion(JsonLineWriter g, byte[] field, String name, String version) {
        if (name == null && version == null) {
            return;
        }
        g.startObject(field);
        if (name != null) {
            g.string(Fields.NAME, name);
        }
        if (version != null) {
            g.string(Fields.VERSION, version);
        }
        g.endObject();
    }
}
