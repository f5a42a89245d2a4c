package io.mcpegress.agent.audit.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The few fields of an encoded event that network sinks put into their envelopes (syslog
 * structured data, HEC {@code time}/{@code host}, OTLP attributes). Read back from the encoded
 * JSON line with jackson-core's streaming parser, so a sink works on exactly the bytes the
 * encoder produced. Understands the ECS layout written by
 * {@link io.mcpegress.agent.audit.EcsEncoder} and, best effort, the OCSF HTTP Activity layout.
 * Every field may be {@code null}; a line that is not JSON gives an instance with all nulls.
 */
final class EventFields {

    private static final JsonFactory FACTORY = new JsonFactory();

    /** Epoch milliseconds of the event start, or -1. */
    long epochMillis = -1;
    String method;
    String host;
    int port = -1;
    int status = -1;
    String url;
    String route;
    String outcome;
    String client;
    String rule;
    boolean denied;
    String hostname;
    String serviceName;
    long pid = -1;
    String agentVersion;

    private EventFields() {
    }

    static EventFields parse(byte[] line, int offset, int length) {
        EventFields f = new EventFields();
        try (JsonParser p = FACTORY.createParser(line, offset, length)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return f;
            }
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                if (t.isScalarValue()) {
                    f.accept(path(p.getParsingContext()), p, t);
                }
            }
        } catch (IOException | RuntimeException malformed) {
            // keep what was read: a sink must never fail on an odd line
        }
        return f;
    }

    /** Dotted name of the current value; array levels are transparent ({@code event.type}). */
    private static String path(JsonStreamContext context) {
        StringBuilder b = new StringBuilder(32);
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inObject() && c.getCurrentName() != null) {
                if (b.length() > 0) {
                    b.insert(0, '.');
                }
                b.insert(0, c.getCurrentName());
            }
        }
        return b.toString();
    }

    private void accept(String name, JsonParser p, JsonToken t) throws IOException {
        switch (name) {
            // ECS (EcsEncoder)
            case "@timestamp":
                epochMillis = parseInstant(p.getValueAsString());
                break;
            case "http.request.method":
                method = p.getValueAsString();
                break;
            case "url.domain":
                host = p.getValueAsString();
                break;
            case "url.port":
                port = p.getValueAsInt(-1);
                break;
            case "url.full":
                url = p.getValueAsString();
                break;
            case "http.response.status_code":
                status = p.getValueAsInt(-1);
                break;
            case "mcp.egress.route":
                route = p.getValueAsString();
                break;
            case "mcp.egress.client":
                client = p.getValueAsString();
                break;
            case "event.outcome":
                outcome = p.getValueAsString();
                break;
            case "event.type":
                if ("denied".equals(p.getValueAsString())) {
                    denied = true;
                }
                break;
            case "rule.name":
                rule = p.getValueAsString();
                break;
            case "host.hostname":
                hostname = p.getValueAsString();
                break;
            case "service.name":
                serviceName = p.getValueAsString();
                break;
            case "process.pid":
                pid = p.getValueAsLong(-1);
                break;
            case "agent.version":
                agentVersion = p.getValueAsString();
                break;
            // OCSF HTTP Activity, best effort
            case "time":
                if (epochMillis < 0 && t == JsonToken.VALUE_NUMBER_INT) {
                    epochMillis = p.getValueAsLong(-1);
                }
                break;
            case "http_request.http_method":
                method = p.getValueAsString();
                break;
            case "http_request.url.hostname":
                host = p.getValueAsString();
                break;
            case "http_request.url.port":
                port = p.getValueAsInt(-1);
                break;
            case "http_request.url.url_string":
                url = p.getValueAsString();
                break;
            case "http_response.code":
                status = p.getValueAsInt(-1);
                break;
            case "device.hostname":
                hostname = p.getValueAsString();
                break;
            case "actor.process.pid":
                pid = p.getValueAsLong(-1);
                break;
            case "disposition":
                if ("Blocked".equalsIgnoreCase(p.getValueAsString())) {
                    denied = true;
                }
                break;
            default:
                break;
        }
    }

    private static long parseInstant(String s) {
        if (s == null) {
            return -1;
        }
        try {
            return Instant.parse(s).toEpochMilli();
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    /** {@code success}/{@code failure}/{@code unknown} as in ECS; derived when absent. */
    String outcomeOrDerived() {
        if (outcome != null) {
            return outcome;
        }
        if (denied || status >= 400) {
            return "failure";
        }
        return status > 0 ? "success" : "unknown";
    }

    boolean isFailure() {
        return denied || "failure".equals(outcomeOrDerived());
    }
}
