package io.mcpegress.agent.audit;

import io.mcpegress.bootstrap.McpContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.util.Locale;

/**
 * Writes records as OCSF: an exchange is an HTTP Activity (class 4002), an event about the agent
 * an Application Lifecycle event (class 6002, the agent being the application). Fields without an
 * OCSF attribute go under {@code unmapped}. Validated against the OCSF schema files in tests
 * (AuditSchemaIT). Used only by the writer thread; not thread-safe.
 */
public final class OcsfEncoder implements ChainableEncoder, TargetFragments.FragmentWriter {

    /** OCSF schema version the events follow (the version of the vendored schema). */
    public static final String OCSF_VERSION = "1.9.0-dev";
    static final String PRODUCT = "mcp-egress-agent";
    static final String VENDOR = "MCP Egress Agent";

    private static final String[] METHOD_ACTIVITIES = {
            null, "CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT", "TRACE", "PATCH"};

    private final LineBuffer buffer = new LineBuffer();
    private final JsonLineWriter g = new JsonLineWriter(buffer);
    private final ProcessIdentity identity;
    private ChainStamp chain;
    /** {@code http_request.url} and {@code dst_endpoint} of the targets called lately, encoded. */
    private final TargetFragments targetFragments = new TargetFragments();
    /** Where the URL's path and query went in the line, for their own fields. */
    private final RequestTarget.Spans urlSpans = new RequestTarget.Spans();
    // the parts of an exchange's line that take few values in a process, kept encoded with the values they came from
    private final FragmentMemo classAndStatus = new FragmentMemo();
    private final FragmentMemo responseFields = new FragmentMemo();
    private final FragmentMemo policyFields = new FragmentMemo();
    private final FragmentMemo unmappedHead = new FragmentMemo();
    private final FragmentMemo unmappedRule = new FragmentMemo();
    /** An exchange's metadata up to its sequence: without and with the trace profile (built on first use). */
    private final byte[][] exchangeMetadata = new byte[2][];
    /** {@code actor.process} and the {@code device} object, the same on every line: they close the actor object. */
    private byte[] actorTailAndDevice;

    /** action_id, action, disposition_id, disposition: allowed, blocked, would be denied. */
    private static final byte[][] ACTIONS = {actionFields(1, "Allowed", 1, "Allowed"),
        actionFields(2, "Denied", 2, "Blocked"), actionFields(3, "Observed", 15, "Detected")};

    private static byte[] actionFields(int actionId, String action, int dispositionId, String disposition) {
        JsonLineWriter w = JsonLineWriter.scratch();
        int from = w.fieldsStart();
        w.number(Fields.ACTION_ID, actionId);
        w.string(Fields.ACTION, action);
        w.number(Fields.DISPOSITION_ID, dispositionId);
        w.string(Fields.DISPOSITION, disposition);
        return w.copyFrom(from);
    }

    public OcsfEncoder(ProcessIdentity identity) {
        this.identity = identity;
    }

    @Override
    public void attach(ChainStamp stamp) {
        this.chain = stamp;
    }

    @Override
    public ByteArrayOutputStream encode(AuditRecord record) throws IOException {
        try {
            g.startLine();
            if (record instanceof AuditEvent e) {
                writeExchange(g, e);
            } else {
                writeAgentEvent(g, (AgentEvent) record);
            }
            g.endLine();
        } catch (RuntimeException | Error ex) {
            buffer.reset(); // nothing half-written survives a failure
            throw ex;
        }
        return buffer;
    }

    private void writeExchange(JsonLineWriter g, AuditEvent e) {
        boolean blocked = e.denied() && e.enforced();
        boolean wouldDeny = e.denied() && !e.enforced();
        if (!classAndStatus.copy(g, e.method(), e.outcome(), null, e.denied() ? 1 : 0)) {
            int from = FragmentMemo.start(g);
            writeExchangeClassAndStatus(g, e);
            classAndStatus.keep(g, from, e.method(), e.outcome(), null, e.denied() ? 1 : 0);
        }
        if (e.errorMessage() != null) {
            g.string(Fields.STATUS_DETAIL, e.errorMessage());
        }
        long durationMillis = e.durationNanos() / 1_000_000;
        g.number(Fields.TIME, e.startEpochMillis());
        g.number(Fields.START_TIME, e.startEpochMillis());
        g.number(Fields.END_TIME, e.startEpochMillis() + durationMillis);
        g.number(Fields.DURATION, durationMillis);
        RequestTarget t = e.target();
        // "GET https://... allowed", written in pieces: no String per line
        g.startString(Fields.MESSAGE);
        g.append(String.valueOf(e.method()));
        g.append(' ');
        t.appendFull(g, urlSpans);
        g.append(blocked ? " blocked" : wouldDeny ? " would be denied" : " allowed");
        g.endString();
        writeExchangeMetadata(g, hasTrace(e.mcp()));

        g.startObject(Fields.HTTP_REQUEST);
        g.string(Fields.HTTP_METHOD, e.method());
        targetFragments.select(t);
        targetFragments.writeUrl(g, t, this);
        if (e.httpVersion() != null) {
            g.string(Fields.VERSION, e.httpVersion());
        }
        g.endObject();
        if (e.statusCode() > 0 && !responseFields.copy(g, null, null, null, e.statusCode())) {
            int from = FragmentMemo.start(g);
            g.startObject(Fields.HTTP_RESPONSE);
            g.number(Fields.CODE, e.statusCode());
            g.endObject();
            g.number(Fields.HTTP_STATUS, e.statusCode());
            responseFields.keep(g, from, null, null, null, e.statusCode());
        }
        targetFragments.writeDestination(g, t, this);
        writeProxy(g, e.proxy());

        // security_control profile: what the policy did
        g.preEncodedFields(ACTIONS[blocked ? 1 : wouldDeny ? 2 : 0]);
        if (e.ruleName() != null && !policyFields.copy(g, e.ruleName(), null, null, 0)) {
            int from = FragmentMemo.start(g);
            g.startObject(Fields.POLICY);
            g.string(Fields.NAME, e.ruleName());
            g.bool(Fields.IS_APPLIED, true);
            g.endObject();
            policyFields.keep(g, from, e.ruleName(), null, null, 0);
        }
        McpContext mcp = e.mcp();
        writeActorAndDevice(g, mcp);
        if (hasTrace(mcp)) {
            g.startObject(Fields.TRACE);
            g.string(Fields.UID, mcp.traceparent().substring(3, 35));
            g.endObject(); // the caller's span id goes to unmapped: an OCSF span needs start and end times
        }

        g.startObject(Fields.UNMAPPED);
        if (!unmappedHead.copy(g, e.client(), e.route(), null, wouldDeny ? 1 : 0)) {
            int from = FragmentMemo.start(g);
            g.string(Fields.CLIENT, e.client());
            g.string(Fields.ROUTE, e.route());
            if (wouldDeny) {
                g.bool(Fields.WOULD_DENY, true);
            }
            unmappedHead.keep(g, from, e.client(), e.route(), null, wouldDeny ? 1 : 0);
        }
        if (e.caller() != null) {
            g.string(Fields.CALLER, e.caller());
        }
        if ((e.ruleset() != null || e.reason() != null) && !unmappedRule.copy(g, e.ruleset(), e.reason(), null, 0)) {
            int from = FragmentMemo.start(g);
            g.startObject(Fields.RULE);
            g.stringIfSet(Fields.RULESET, e.ruleset());
            g.stringIfSet(Fields.REASON, e.reason());
            g.endObject();
            unmappedRule.keep(g, from, e.ruleset(), e.reason(), null, 0);
        }
        g.stringIfSet(Fields.ERROR_TYPE, e.errorType());
        if (mcp != null) {
            g.startObject(Fields.MCP);
            g.stringIfSet(Fields.METHOD, mcp.method());
            g.stringIfSet(Fields.TOOL_NAME, mcp.toolName());
            g.stringIfSet(Fields.REQUEST_ID, mcp.requestId());
            g.stringIfSet(Fields.SESSION_ID, mcp.sessionId());
            g.stringIfSet(Fields.CLIENT_NAME, mcp.clientName());
            g.stringIfSet(Fields.CLIENT_VERSION, mcp.clientVersion());
            g.stringIfSet(Fields.SERVER_NAME, mcp.serverName());
            g.stringIfSet(Fields.SERVER_VERSION, mcp.serverVersion());
            if (hasTrace(mcp)) {
                g.string(Fields.PARENT_SPAN_ID, mcp.traceparent().substring(36, 52));
            }
            g.endObject();
        }
        ChainStamp.writeChainObject(g, chain);
        g.endObject();
    }

    private void writeAgentEvent(JsonLineWriter g, AgentEvent e) {
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
        g.number(Fields.TIME, e.epochMillis());
        g.string(Fields.MESSAGE, e.message());
        writeMetadata(g, false, false);
        g.startObject(Fields.APP);
        g.string(Fields.NAME, PRODUCT);
        g.string(Fields.VENDOR_NAME, VENDOR);
        g.string(Fields.VERSION, identity.agentVersion());
        g.endObject();
        writeActorAndDevice(g, null);

        g.startObject(Fields.UNMAPPED);
        g.string(Fields.ACTION, e.kind().action());
        AgentEventDetails.write(g, e);
        ChainStamp.writeChainObject(g, chain);
        g.endObject();
    }

    private static void writeClass(JsonLineWriter g, int category, String categoryName, int classUid, String className,
                                   int activity, String activityName) {
        g.number(Fields.CATEGORY_UID, category);
        g.string(Fields.CATEGORY_NAME, categoryName);
        g.number(Fields.CLASS_UID, classUid);
        g.string(Fields.CLASS_NAME, className);
        g.number(Fields.ACTIVITY_ID, activity);
        g.string(Fields.ACTIVITY_NAME, activityName);
        g.number(Fields.TYPE_UID, classUid * 100L + activity);
        g.string(Fields.TYPE_NAME, className + ": " + activityName);
    }

    /** class_uid ... type_name, severity and status of an exchange: they follow from method, denial and outcome. */
    private static void writeExchangeClassAndStatus(JsonLineWriter g, AuditEvent e) {
        int activity = activityOf(e.method());
        String activityName = activity == 99 ? "Other" : capitalize(METHOD_ACTIVITIES[activity]);
        writeClass(g, 4, "Network Activity", 4002, "HTTP Activity", activity, activityName);
        writeSeverity(g, e.denied() ? 3 : 1);
        switch (e.outcome()) {
            case SUCCESS -> writeStatus(g, 1, "Success");
            case FAILURE -> writeStatus(g, 2, "Failure");
            default -> writeStatus(g, 0, "Unknown");
        }
    }

    /** An exchange's metadata: its fixed part as first encoded, then the sequence. */
    private void writeExchangeMetadata(JsonLineWriter g, boolean trace) {
        int variant = trace ? 1 : 0;
        byte[] head = exchangeMetadata[variant];
        if (head == null) {
            JsonLineWriter w = JsonLineWriter.scratch();
            int from = w.fieldsStart();
            writeMetadataHead(w, trace, true);
            head = exchangeMetadata[variant] = w.copyFrom(from);
        }
        g.preEncodedFields(head); // the object stays open
        writeMetadataTail(g);
    }

    private static void writeSeverity(JsonLineWriter g, int id) {
        g.number(Fields.SEVERITY_ID, id);
        g.string(Fields.SEVERITY, id == 3 ? "Medium" : "Informational");
    }

    private static void writeStatus(JsonLineWriter g, int id, String name) {
        g.number(Fields.STATUS_ID, id);
        g.string(Fields.STATUS, name);
    }

    private void writeMetadata(JsonLineWriter g, boolean trace, boolean securityControl) {
        writeMetadataHead(g, trace, securityControl);
        writeMetadataTail(g);
    }

    /** The metadata object opened, with its fields up to the sequence. */
    private void writeMetadataHead(JsonLineWriter g, boolean trace, boolean securityControl) {
        g.startObject(Fields.METADATA);
        g.string(Fields.VERSION, OCSF_VERSION);
        g.startObject(Fields.PRODUCT);
        g.string(Fields.NAME, PRODUCT);
        g.string(Fields.VENDOR_NAME, VENDOR);
        g.string(Fields.VERSION, identity.agentVersion());
        g.endObject();
        g.startArray(Fields.PROFILES);
        g.string("host");
        if (securityControl) {
            g.string("security_control");
        }
        if (trace) {
            g.string("trace");
        }
        g.endArray();
        g.string(Fields.LOG_NAME, "mcp_egress.audit");
    }

    private void writeMetadataTail(JsonLineWriter g) {
        if (chain != null) {
            g.number(Fields.SEQUENCE, chain.sequence());
        }
        g.endObject();
    }

    /** host profile: the service (and MCP tool, when the call was made for one) and the host. */
    private void writeActorAndDevice(JsonLineWriter g, McpContext mcp) {
        g.startObject(Fields.ACTOR);
        g.string(Fields.APP_NAME, identity.serviceName());
        if (mcp != null && (mcp.toolName() != null || mcp.method() != null)) {
            g.string(Fields.INVOKED_BY, mcp.toolName() != null ? "mcp tool " + mcp.toolName() : "mcp " + mcp.method());
        }
        byte[] tail = actorTailAndDevice;
        if (tail == null) {
            JsonLineWriter w = JsonLineWriter.scratch();
            int from = w.fieldsStart();
            writeActorTailAndDevice(w);
            tail = actorTailAndDevice = w.copyFrom(from);
        }
        g.preEncodedFields(tail);
    }

    /** {@code actor.process}, the actor object closed, then the {@code device} object. */
    private void writeActorTailAndDevice(JsonLineWriter g) {
        g.startObject(Fields.PROCESS);
        g.number(Fields.PID, identity.pid());
        g.endObject();
        g.endObject();
        g.startObject(Fields.DEVICE);
        g.string(Fields.HOSTNAME, identity.hostname());
        g.number(Fields.TYPE_ID, 1);
        g.string(Fields.TYPE, "Server");
        g.endObject();
    }

    /** The proxy string {@link #proxyEndpoint} parsed last, and what it gave (the proxy is nearly always the same). */
    private String lastProxy;
    private ProxyEndpoint lastEndpoint;

    /** The {@code url} object of {@code http_request}: the redacted URL string and its parts. */
    @Override
    public void writeUrlFields(JsonLineWriter g, RequestTarget t) {
        g.startObject(Fields.URL);
        t.writeFull(g, Fields.URL_STRING, urlSpans);
        g.string(Fields.SCHEME, t.scheme());
        if (t.host() != null) {
            g.string(Fields.HOSTNAME, t.host());
        }
        if (t.port() > 0) {
            g.number(Fields.PORT, t.port());
        }
        urlSpans.copyPath(g, Fields.PATH);
        urlSpans.copyQuery(g, Fields.QUERY_STRING);
        g.endObject();
    }

    /** The {@code dst_endpoint} object: IP or hostname, port. */
    @Override
    public void writeDestinationFields(JsonLineWriter g, RequestTarget t) {
        g.startObject(Fields.DST_ENDPOINT);
        if (t.host() != null) {
            g.string(t.hostIsIp() ? Fields.IP : Fields.HOSTNAME, t.host());
        }
        if (t.port() > 0) {
            g.number(Fields.PORT, t.port());
        }
        g.endObject();
    }

    private void writeProxy(JsonLineWriter g, String proxy) {
        if (proxy == null) {
            return;
        }
        ProxyEndpoint p;
        if (proxy.equals(lastProxy)) {
            p = lastEndpoint;
        } else {
            p = ProxyEndpoint.parse(proxy);
            lastProxy = proxy;
            lastEndpoint = p;
        }
        if (p == null) {
            return;
        }
        g.startObject(Fields.PROXY);
        g.string(p.ip ? Fields.IP : Fields.HOSTNAME, p.host);
        if (p.port > 0) {
            g.number(Fields.PORT, p.port);
        }
        g.endObject();
    }

    /** {@code proxy.ip} or {@code proxy.hostname}, and {@code proxy.port}, of a proxy URL. */
    private static final class ProxyEndpoint {
        final String host;
        final boolean ip;
        final int port;

        private ProxyEndpoint(String host, boolean ip, int port) {
            this.host = host;
            this.ip = ip;
            this.port = port;
        }

        /** {@code null} when the URL is malformed or names no host: then nothing is written. */
        static ProxyEndpoint parse(String proxy) {
            URI uri;
            try {
                uri = URI.create(proxy);
            } catch (IllegalArgumentException ex) {
                return null;
            }
            String host = uri.getHost();
            if (host == null) {
                return null;
            }
            boolean ip = host.startsWith("[") || host.chars().allMatch(ch -> ch == '.' || (ch >= '0' && ch <= '9'));
            return new ProxyEndpoint(host.startsWith("[") ? host.substring(1, host.length() - 1) : host, ip, uri.getPort());
        }
    }


    private static boolean hasTrace(McpContext mcp) {
        return mcp != null && EcsEncoder.isTraceparent(mcp.traceparent());
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
