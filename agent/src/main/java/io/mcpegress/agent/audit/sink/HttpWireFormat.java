package io.mcpegress.agent.audit.sink;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** How {@link HttpBatchSink} frames a batch for one kind of receiver and reads its answer. */
abstract class HttpWireFormat {

    static final JsonFactory JSON = new JsonFactory();

    /** One event: the JSON line without its newline, and a stable id (for idempotent retries). */
    static final class Item {
        final byte[] json;
        final String id;
        final long enqueuedNanos;

        Item(byte[] json, String id, long enqueuedNanos) {
            this.json = json;
            this.id = id;
            this.enqueuedNanos = enqueuedNanos;
        }

        String text() {
            return new String(json, StandardCharsets.UTF_8);
        }
    }

    /** What a 2xx answer said about the items of the request. */
    static final class Verdict {
        /** Items to send again (per-item 429/5xx), in their original order. */
        final List<Item> retry;
        /** Items the receiver refused for good. */
        final int rejected;
        /** Why, for the operator; never contains request data. */
        final String reason;

        Verdict(List<Item> retry, int rejected, String reason) {
            this.retry = retry;
            this.rejected = rejected;
            this.reason = reason;
        }

        static final Verdict ALL_ACCEPTED = new Verdict(List.of(), 0, null);
    }

    abstract String defaultPath();

    abstract String contentType();

    /** The word before the token in {@code Authorization}. */
    abstract String defaultAuthScheme();

    abstract byte[] body(List<Item> items) throws IOException;

    Verdict verdict(byte[] responseBody, List<Item> items) {
        return Verdict.ALL_ACCEPTED;
    }

    static HttpWireFormat of(HttpBatchSink.Format format, String index) {
        switch (format) {
            case SPLUNK_HEC:
                return new SplunkHec(index);
            case OTLP:
                return new Otlp();
            case ELASTICSEARCH:
                return new ElasticBulk(index == null ? "mcp-egress-audit" : index);
            default:
                throw new IllegalArgumentException(String.valueOf(format));
        }
    }

    /**
     * Splunk HTTP Event Collector, {@code POST /services/collector/event}: one JSON envelope per
     * event, newline separated:
     * {@code {"time":1732442400.123,"host":"h","source":"mcp-egress-agent","sourcetype":"_json","event":{...}}}.
     */
    static final class SplunkHec extends HttpWireFormat {
        private final String index;

        SplunkHec(String index) {
            this.index = index;
        }

        @Override
        String defaultPath() {
            return "/services/collector/event";
        }

        @Override
        String contentType() {
            return "application/json";
        }

        @Override
        String defaultAuthScheme() {
            return "Splunk";
        }

        @Override
        byte[] body(List<Item> items) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(items.size() * 1200);
            for (Item item : items) {
                EventFields f = EventFields.parse(item.json, 0, item.json.length);
                try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                    g.writeStartObject();
                    long millis = f.epochMillis >= 0 ? f.epochMillis : System.currentTimeMillis();
                    g.writeNumberField("time", BigDecimal.valueOf(millis, 3));
                    if (f.hostname != null) {
                        g.writeStringField("host", f.hostname);
                    }
                    g.writeStringField("source", "mcp-egress-agent");
                    g.writeStringField("sourcetype", "_json");
                    if (index != null) {
                        g.writeStringField("index", index);
                    }
                    g.writeFieldName("event");
                    g.writeRawValue(item.text());
                    g.writeEndObject();
                }
                out.write('\n');
            }
            return out.toByteArray();
        }
    }

    /**
     * OTLP/HTTP with the JSON encoding, {@code POST /v1/logs}: one ExportLogsServiceRequest per
     * batch; the event is the log record's {@code body.stringValue}, the key fields are
     * attributes named after the OpenTelemetry HTTP semantic conventions.
     */
    static final class Otlp extends HttpWireFormat {

        @Override
        String defaultPath() {
            return "/v1/logs";
        }

        @Override
        String contentType() {
            return "application/json";
        }

        @Override
        String defaultAuthScheme() {
            return "Bearer";
        }

        @Override
        byte[] body(List<Item> items) throws IOException {
            List<EventFields> fields = new ArrayList<>(items.size());
            for (Item item : items) {
                fields.add(EventFields.parse(item.json, 0, item.json.length));
            }
            EventFields first = fields.get(0);
            long observed = System.currentTimeMillis() * 1_000_000L;
            ByteArrayOutputStream out = new ByteArrayOutputStream(items.size() * 1500);
            try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeArrayFieldStart("resourceLogs");
                g.writeStartObject();
                g.writeObjectFieldStart("resource");
                g.writeArrayFieldStart("attributes");
                stringAttribute(g, "service.name", first.serviceName != null ? first.serviceName : "unknown_service:java");
                stringAttribute(g, "host.name", first.hostname);
                intAttribute(g, "process.pid", first.pid > 0 ? first.pid : ProcessHandle.current().pid());
                g.writeEndArray();
                g.writeEndObject();
                g.writeArrayFieldStart("scopeLogs");
                g.writeStartObject();
                g.writeObjectFieldStart("scope");
                g.writeStringField("name", "mcp-egress-agent");
                if (first.agentVersion != null) {
                    g.writeStringField("version", first.agentVersion);
                }
                g.writeEndObject();
                g.writeArrayFieldStart("logRecords");
                for (int i = 0; i < items.size(); i++) {
                    EventFields f = fields.get(i);
                    g.writeStartObject();
                    long millis = f.epochMillis >= 0 ? f.epochMillis : System.currentTimeMillis();
                    g.writeStringField("timeUnixNano", Long.toString(millis * 1_000_000L));
                    g.writeStringField("observedTimeUnixNano", Long.toString(observed));
                    boolean warn = f.isFailure();
                    g.writeNumberField("severityNumber", warn ? 13 : 9);
                    g.writeStringField("severityText", warn ? "WARN" : "INFO");
                    g.writeObjectFieldStart("body");
                    g.writeStringField("stringValue", items.get(i).text());
                    g.writeEndObject();
                    g.writeArrayFieldStart("attributes");
                    stringAttribute(g, "event.name", "mcp.egress.http_request");
                    stringAttribute(g, "http.request.method", f.method);
                    stringAttribute(g, "url.full", f.url);
                    stringAttribute(g, "server.address", f.host);
                    if (f.port > 0) {
                        intAttribute(g, "server.port", f.port);
                    }
                    if (f.status > 0) {
                        intAttribute(g, "http.response.status_code", f.status);
                    }
                    stringAttribute(g, "event.outcome", f.outcomeOrDerived());
                    stringAttribute(g, "mcp.egress.route", f.route);
                    stringAttribute(g, "mcp.egress.client", f.client);
                    if (f.denied) {
                        g.writeStartObject();
                        g.writeStringField("key", "mcp.egress.denied");
                        g.writeObjectFieldStart("value");
                        g.writeBooleanField("boolValue", true);
                        g.writeEndObject();
                        g.writeEndObject();
                    }
                    stringAttribute(g, "mcp.egress.rule", f.rule);
                    g.writeEndArray();
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
                g.writeEndArray();
                g.writeEndObject();
            }
            return out.toByteArray();
        }

        private static void stringAttribute(JsonGenerator g, String key, String value) throws IOException {
            if (value == null) {
                return;
            }
            g.writeStartObject();
            g.writeStringField("key", key);
            g.writeObjectFieldStart("value");
            g.writeStringField("stringValue", value);
            g.writeEndObject();
            g.writeEndObject();
        }

        /** OTLP/JSON encodes 64-bit integers as decimal strings. */
        private static void intAttribute(JsonGenerator g, String key, long value) throws IOException {
            g.writeStartObject();
            g.writeStringField("key", key);
            g.writeObjectFieldStart("value");
            g.writeStringField("intValue", Long.toString(value));
            g.writeEndObject();
            g.writeEndObject();
        }

        /** {@code partialSuccess.rejectedLogRecords} are refused for good (OTLP says: do not retry). */
        @Override
        Verdict verdict(byte[] responseBody, List<Item> items) {
            long rejected = 0;
            String message = null;
            try (JsonParser p = JSON.createParser(responseBody)) {
                JsonToken t;
                while ((t = p.nextToken()) != null) {
                    if (t == JsonToken.FIELD_NAME && "rejectedLogRecords".equals(p.currentName())) {
                        p.nextToken();
                        rejected = p.getValueAsLong(0);
                    } else if (t == JsonToken.FIELD_NAME && "errorMessage".equals(p.currentName())) {
                        p.nextToken();
                        message = p.getValueAsString();
                    }
                }
            } catch (IOException | RuntimeException notJson) {
                return Verdict.ALL_ACCEPTED;
            }
            if (rejected <= 0) {
                return Verdict.ALL_ACCEPTED;
            }
            return new Verdict(List.of(), (int) Math.min(rejected, items.size()),
                    "OTLP partial success: " + rejected + " log records rejected" + (message == null ? "" : ": " + message));
        }
    }

    /**
     * Elasticsearch (and OpenSearch) {@code POST /_bulk}, NDJSON:
     * {@code {"create":{"_index":"mcp-egress-audit","_id":"<id>"}}} then the event, each on its
     * own line, with a final newline. The {@code _id} is fixed per event, so a retried request
     * cannot index an event twice: a {@code 409} for an item means it is already stored.
     */
    static final class ElasticBulk extends HttpWireFormat {
        private final String index;

        ElasticBulk(String index) {
            this.index = index;
        }

        @Override
        String defaultPath() {
            return "/_bulk";
        }

        @Override
        String contentType() {
            return "application/x-ndjson";
        }

        @Override
        String defaultAuthScheme() {
            return "ApiKey";
        }

        @Override
        byte[] body(List<Item> items) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(items.size() * 1300);
            for (Item item : items) {
                try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
                    g.writeStartObject();
                    g.writeObjectFieldStart("create");
                    g.writeStringField("_index", index);
                    g.writeStringField("_id", item.id);
                    g.writeEndObject();
                    g.writeEndObject();
                }
                out.write('\n');
                out.write(item.json);
                out.write('\n');
            }
            return out.toByteArray();
        }

        /**
         * Reads {@code errors} and, when true, each item's {@code status}: 2xx and 409 (already
         * stored) are done, 429 and 5xx are retried, anything else is rejected.
         */
        @Override
        Verdict verdict(byte[] responseBody, List<Item> items) {
            List<Integer> statuses = new ArrayList<>(items.size());
            boolean errors = false;
            try (JsonParser p = JSON.createParser(responseBody)) {
                if (p.nextToken() != JsonToken.START_OBJECT) {
                    throw new IOException("not an object");
                }
                JsonToken t;
                while ((t = p.nextToken()) != null && t != JsonToken.END_OBJECT) {
                    String name = p.currentName();
                    t = p.nextToken();
                    if ("errors".equals(name)) {
                        errors = t == JsonToken.VALUE_TRUE;
                    } else if ("items".equals(name) && t == JsonToken.START_ARRAY) {
                        while (p.nextToken() == JsonToken.START_OBJECT) {
                            // {"create": {... "status": 201 ...}}
                            int status = -1;
                            int depth = 1;
                            while (depth > 0) {
                                JsonToken u = p.nextToken();
                                if (u == JsonToken.START_OBJECT || u == JsonToken.START_ARRAY) {
                                    depth++;
                                } else if (u == JsonToken.END_OBJECT || u == JsonToken.END_ARRAY) {
                                    depth--;
                                } else if (u == JsonToken.FIELD_NAME && depth == 2 && "status".equals(p.currentName())) {
                                    p.nextToken();
                                    status = p.getValueAsInt(-1);
                                } else if (u == null) {
                                    throw new IOException("truncated");
                                }
                            }
                            statuses.add(status);
                        }
                    } else {
                        p.skipChildren();
                    }
                }
            } catch (IOException | RuntimeException e) {
                // a 2xx we cannot read: treat as accepted rather than duplicate the whole batch
                return new Verdict(List.of(), 0, null);
            }
            if (!errors) {
                return Verdict.ALL_ACCEPTED;
            }
            List<Item> retry = new ArrayList<>();
            int rejected = 0;
            int firstBad = 0;
            for (int i = 0; i < items.size(); i++) {
                int s = i < statuses.size() ? statuses.get(i) : 500;
                if (s >= 200 && s < 300 || s == 409) {
                    continue;
                }
                if (s == 429 || s >= 500 || s < 0) {
                    retry.add(items.get(i));
                } else {
                    rejected++;
                    if (firstBad == 0) {
                        firstBad = s;
                    }
                }
            }
            return new Verdict(retry, rejected,
                    rejected == 0 ? null : "Elasticsearch rejected " + rejected + " documents (first status " + firstBad + ")");
        }
    }
}
