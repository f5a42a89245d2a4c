package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.RequestTarget;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Byte-level checks of the syslog message and framing (rsyslog checks the rest). */
class Rfc5424Test {

    @Test
    void messageLayout() {
        byte[] line = TestSupport.line(7);
        String msg = new String(Rfc5424.format(line, 0, line.length, 16, false, 42), StandardCharsets.UTF_8);
        EventFields f = EventFields.parse(line, 0, line.length);
        assertThat(msg).isEqualTo("<134>1 " + java.time.Instant.ofEpochMilli(TestSupport.BASE_MILLIS + 7) + " " + Rfc5424.headerField(f.hostname, 255)
                + " mcp-egress-agent " + ProcessHandle.current().pid() + " egress [mcpEgress@32473 method=\"GET\""
                + " host=\"api.example.com\" port=\"443\" status=\"200\" route=\"proxy\" outcome=\"success\""
                + " client=\"jdk-httpclient/17\"] " + TestSupport.text(line));
    }

    @Test
    void bomAndOctetCountingCountBytesNotCharacters() {
        AuditEvent e = AuditEvent.builder().startEpochMillis(TestSupport.BASE_MILLIS).client("c").method("GET")
                .target(RequestTarget.of(URI.create("https://example.com/"))).route("direct")
                .rule("r\u00e9gle \u2603", "config", "deny-list").build();
        byte[] line = TestSupport.encode(e);
        byte[] msg = Rfc5424.format(line, 0, line.length, 1, true, 42);
        String text = new String(msg, StandardCharsets.UTF_8);
        assertThat(text).contains("] \uFEFF{").contains("rule=\"r\u00e9gle \u2603\"").doesNotEndWith("\n");
        byte[] frame = Rfc5424.octetCounted(msg);
        String prefix = msg.length + " ";
        assertThat(new String(frame, 0, prefix.length(), StandardCharsets.US_ASCII)).isEqualTo(prefix);
        assertThat(frame.length).isEqualTo(prefix.length() + msg.length);
        assertThat(msg.length).isGreaterThan(text.length()); // multi-byte characters were counted as bytes
    }

    @Test
    void escapingAndHeaderSanitising() {
        StringBuilder b = new StringBuilder();
        Rfc5424.escape(b, "a\"b\\c]d\ne[f");
        assertThat(b.toString()).isEqualTo("a\\\"b\\\\c\\]d?e[f");
        assertThat(Rfc5424.headerField("my host\u00e9", 255)).isEqualTo("my_host_");
        assertThat(Rfc5424.headerField("", 255)).isEqualTo("-");
        assertThat(Rfc5424.headerField(null, 255)).isEqualTo("-");
        assertThat(Rfc5424.headerField("x".repeat(300), 255)).hasSize(255);
    }

    @Test
    void facilityByNameOrNumber() {
        assertThat(Rfc5424.facility("local0")).isEqualTo(16);
        assertThat(Rfc5424.facility("LOCAL7")).isEqualTo(23);
        assertThat(Rfc5424.facility("auth")).isEqualTo(4);
        assertThat(Rfc5424.facility("audit")).isEqualTo(13);
        assertThat(Rfc5424.facility("13")).isEqualTo(13);
        assertThat(Rfc5424.facility("24")).isEqualTo(-1);
        assertThat(Rfc5424.facility("local8")).isEqualTo(-1);
    }

    @Test
    void eventFieldsToleratesAnythingAndReadsOcsf() {
        EventFields junk = EventFields.parse("not json".getBytes(StandardCharsets.UTF_8), 0, 8);
        assertThat(junk.method).isNull();
        assertThat(junk.epochMillis).isEqualTo(-1);
        byte[] ocsf = ("{\"time\":1795000000123,\"http_request\":{\"http_method\":\"PUT\",\"url\":{\"hostname\":\"h.example\","
                + "\"port\":8443}},\"http_response\":{\"code\":201},\"disposition\":\"Blocked\","
                + "\"device\":{\"hostname\":\"node-1\"}}\n").getBytes(StandardCharsets.UTF_8);
        EventFields f = EventFields.parse(ocsf, 0, ocsf.length);
        assertThat(f.epochMillis).isEqualTo(1795000000123L);
        assertThat(f.method).isEqualTo("PUT");
        assertThat(f.host).isEqualTo("h.example");
        assertThat(f.port).isEqualTo(8443);
        assertThat(f.status).isEqualTo(201);
        assertThat(f.denied).isTrue();
        assertThat(f.hostname).isEqualTo("node-1");
    }
}
