package io.mcpegress.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OCSF mapping decisions; schema conformance of real events is AuditSchemaIT's job. */
class OcsfEncoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final OcsfEncoder encoder = new OcsfEncoder(new ProcessIdentity("svc", "1.2.3"));

    private JsonNode encode(AuditRecord r) throws Exception {
        return JSON.readTree(encoder.encode(r).toByteArray());
    }

    private static AuditEvent.Builder exchange(String method) {
        return AuditEvent.builder().startEpochMillis(1_700_000_000_000L).durationNanos(5_000_000).client("okhttp/4.12.0")
                .method(method).target(RequestTarget.of(URI.create("https://api.example:8443/v1?q=1")));
    }

    @Test
    void anAllowedGetThroughTheProxyIsHttpActivityGetAllowed() throws Exception {
        JsonNode e = encode(exchange("GET").statusCode(200).httpVersion("2").route("proxy").proxy("http://squid.internal:3128").build());
        assertThat(e.path("class_uid").asInt()).isEqualTo(4002);
        assertThat(e.path("activity_id").asInt()).isEqualTo(3);
        assertThat(e.path("type_uid").asLong()).isEqualTo(400203);
        assertThat(e.path("disposition").asText()).isEqualTo("Allowed");
        assertThat(e.path("status").asText()).isEqualTo("Success");
        assertThat(e.path("duration").asLong()).isEqualTo(5);
        assertThat(e.path("http_response").path("code").asInt()).isEqualTo(200);
        assertThat(e.path("dst_endpoint").path("hostname").asText()).isEqualTo("api.example");
        assertThat(e.path("dst_endpoint").path("port").asInt()).isEqualTo(8443);
        assertThat(e.path("proxy").path("hostname").asText()).isEqualTo("squid.internal");
        assertThat(e.path("proxy").path("port").asInt()).isEqualTo(3128);
        assertThat(e.path("unmapped").path("client").asText()).isEqualTo("okhttp/4.12.0");
        assertThat(e.path("metadata").path("profiles").toString()).contains("host", "security_control");
    }

    @Test
    void enforcedAndMonitoredDenials() throws Exception {
        JsonNode blocked = encode(exchange("POST").route("blocked").denied(true).enforced(true)
                .rule("localhost", "config", "deny-list").build());
        assertThat(blocked.path("activity_id").asInt()).isEqualTo(6);
        assertThat(blocked.path("action").asText()).isEqualTo("Denied");
        assertThat(blocked.path("disposition_id").asInt()).isEqualTo(2);
        assertThat(blocked.path("severity_id").asInt()).isEqualTo(3);
        assertThat(blocked.path("policy").path("name").asText()).isEqualTo("localhost");
        assertThat(blocked.path("unmapped").path("rule").path("reason").asText()).isEqualTo("deny-list");
        assertThat(blocked.has("proxy")).isFalse();

        JsonNode monitored = encode(exchange("PROPFIND").statusCode(207).route("direct").denied(true).enforced(false).build());
        assertThat(monitored.path("activity_id").asInt()).isEqualTo(99);
        assertThat(monitored.path("action").asText()).isEqualTo("Observed");
        assertThat(monitored.path("disposition").asText()).isEqualTo("Detected");
        assertThat(monitored.path("unmapped").path("would_deny").asBoolean()).isTrue();
    }

    @Test
    void agentEventsAreApplicationLifecycle() throws Exception {
        JsonNode start = encode(AgentEvent.start("abc", "enforce", null, List.of("okhttp"), "started"));
        assertThat(start.path("class_uid").asInt()).isEqualTo(6002);
        assertThat(start.path("activity_id").asInt()).isEqualTo(3);
        assertThat(start.path("type_uid").asLong()).isEqualTo(600203);
        assertThat(start.path("app").path("name").asText()).isEqualTo("mcp-egress-agent");
        assertThat(start.path("unmapped").path("action").asText()).isEqualTo("agent-start");

        JsonNode stop = encode(AgentEvent.shutdown(new AgentCounters(1, 0, 0, 0, 0, 0, 0)));
        assertThat(stop.path("activity_id").asInt()).isEqualTo(4);
        assertThat(stop.path("unmapped").path("stats").path("exchanges").asLong()).isEqualTo(1);

        JsonNode unsupported = encode(AgentEvent.libraryUnsupported("okhttp", "9.0", "okhttp3.Call", "unknown version"));
        assertThat(unsupported.path("activity_id").asInt()).isEqualTo(99);
        assertThat(unsupported.path("activity_name").asText()).isEqualTo("library-unsupported");
        assertThat(unsupported.path("status_id").asInt()).isEqualTo(2);
        assertThat(unsupported.path("unmapped").path("library").path("class").asText()).isEqualTo("okhttp3.Call");
    }
}
