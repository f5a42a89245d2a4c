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
    void timestampsPrintExactlyWhatIsoInstantPrints() {
        java.util.Random random = new java.util.Random(7);
        long[] seconds = {0, 1, 59, 86_399, 86_400, 951_782_400L, 1_700_000_000L, 4_102_444_800L, 253_402_300_799L,
            253_402_300_800L, -1, -86_401};
        int[] nanos = {0, 1, 999, 1000, 1_000_000, 7_000_000, 123_000_000, 123_456_000, 123_456_789, 999_999_999};
        for (long s : seconds) {
            for (int n : nanos) {
                assertThat(encoder.isoInstant(s, n)).isEqualTo(java.time.format.DateTimeFormatter.ISO_INSTANT
                        .format(java.time.Instant.ofEpochSecond(s, n)));
            }
        }
        for (int i = 0; i < 20_000; i++) {
            long s = Math.floorMod(random.nextLong(), 4_102_444_800L);
            int n = random.nextInt(4) == 0 ? random.nextInt(1000) * 1_000_000 : random.nextInt(1_000_000_000);
            assertThat(encoder.isoInstant(s, n)).isEqualTo(java.time.format.DateTimeFormatter.ISO_INSTANT
                    .format(java.time.Instant.ofEpochSecond(s, n)));
        }
    }

    @Test
    void consecutiveEventsEachGetTheirOwnLine() throws Exception {
        for (int i = 0; i < 3; i++) {
            JsonNode j = encode(AuditEvent.builder().startEpochMillis(1_700_000_000_123L + i).durationNanos(1_000_000_000L + i)
                    .client("c").method("GET").target(RequestTarget.of(URI.create("https://a.example/" + i))).route("direct").build());
            assertThat(j.at("/url/full").asText()).isEqualTo("https://a.example/" + i);
            assertThat(j.at("/event/start").asText()).isEqualTo("2023-11-14T22:13:20.12" + (3 + i) + "Z");
            assertThat(j.at("/event/end").asText()).isEqualTo(java.time.Instant.ofEpochMilli(1_700_000_000_123L + i)
                    .plusNanos(1_000_000_000L + i).toString());
        }
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
