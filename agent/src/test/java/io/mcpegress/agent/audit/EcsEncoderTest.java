package io.mcpegress.agent.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class EcsEncoderTest {

    private final EcsEncoder encoder = new EcsEncoder(new ProcessIdentity("svc", "1.2.3"));
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode encode(AuditEvent e) throws Exception {
        ByteArrayOutputStream out = encoder.encode(e);
        String line = out.toString("UTF-8");
        assertThat(line).endsWith("\n").doesNotContain("\n\n");
        assertThat(line.indexOf('\n')).as("one object per line").isEqualTo(line.length() - 1);
        return mapper.readTree(line);
    }

    @Test
    void successfulExchangeHasNestedEcsFields() throws Exception {
        JsonNode j = encode(AuditEvent.builder().startEpochMillis(1_700_000_000_000L).durationNanos(1234)
                .client("jdk-httpclient/17").method("GET").target(RequestTarget.of(URI.create("https://a.example/p?x=1")))
                .statusCode(200).httpVersion("2").route("proxy").proxy("http://p:1").build());
        assertThat(j.at("/@timestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
        assertThat(j.at("/event/type").toString()).isEqualTo("[\"connection\",\"allowed\"]");
        assertThat(j.at("/event/outcome").asText()).isEqualTo("success");
        assertThat(j.at("/event/duration").asLong()).isEqualTo(1234);
        assertThat(j.at("/url/full").asText()).isEqualTo("https://a.example/p?x=1");
        assertThat(j.at("/url/port").asInt()).isEqualTo(443);
        assertThat(j.at("/http/response/status_code").asInt()).isEqualTo(200);
        assertThat(j.at("/http/version").asText()).isEqualTo("2");
        assertThat(j.at("/destination/domain").asText()).isEqualTo("a.example");
        assertThat(j.at("/service/name").asText()).isEqualTo("svc");
        assertThat(j.at("/agent/version").asText()).isEqualTo("1.2.3");
        assertThat(j.at("/mcp/egress/route").asText()).isEqualTo("proxy");
        assertThat(j.has("error")).isFalse();
    }

    @Test
    void failureCarriesErrorAndNoStatus() throws Exception {
        JsonNode j = encode(AuditEvent.builder().client("c/1").method("POST")
                .target(RequestTarget.of(URI.create("http://10.0.0.1:81/")))
                .route("direct").error(new java.net.ConnectException("Connection refused \"quoted\"\nline")).build());
        assertThat(j.at("/event/outcome").asText()).isEqualTo("failure");
        assertThat(j.at("/error/type").asText()).isEqualTo("java.net.ConnectException");
        assertThat(j.at("/error/message").asText()).contains("\"quoted\"\nline");
        assertThat(j.at("/http/response").isMissingNode()).isTrue();
        assertThat(j.at("/destination/ip").asText()).isEqualTo("10.0.0.1");
        assertThat(j.at("/mcp/egress/proxy").isMissingNode()).isTrue();
    }

    @Test
    void httpErrorStatusIsAFailedOutcomeNotAnError() throws Exception {
        JsonNode j = encode(AuditEvent.builder().client("c/1").method("GET")
                .target(RequestTarget.of(URI.create("http://h/"))).statusCode(503).httpVersion("1.1").route("proxy").build());
        assertThat(j.at("/event/outcome").asText()).isEqualTo("failure");
        assertThat(j.has("error")).isFalse();
    }
}
