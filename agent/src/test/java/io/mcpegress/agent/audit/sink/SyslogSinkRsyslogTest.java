package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.RequestTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Against a real rsyslogd on 127.0.0.1: UDP, TCP with octet counting and TLS (GnuTLS imtcp).
 * rsyslog parses each message as RFC 5424 and the test reads back every header field, the
 * structured data and the MSG exactly as rsyslog understood them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SyslogSinkRsyslogTest {

    @TempDir
    static Path dir;

    static TestCerts certs;
    static Rsyslog rsyslog;

    @BeforeAll
    static void startRsyslog() throws Exception {
        certs = TestCerts.create(dir.resolve("certs"));
        rsyslog = Rsyslog.start(dir.resolve("rsyslog"), certs);
    }

    @AfterAll
    static void stopRsyslog() {
        if (rsyslog != null) {
            rsyslog.close();
        }
    }

    static AuditEvent event(String tag, int i) {
        return AuditEvent.builder()
                .startEpochMillis(TestSupport.BASE_MILLIS + i)
                .durationNanos(2_000_000)
                .client(tag + "/1.0")
                .method(i % 2 == 0 ? "GET" : "POST")
                .target(RequestTarget.of(URI.create("https://api.example.com:8443/v1/items/" + i + "?api_key=s3cret")))
                .statusCode(i % 5 == 4 ? 503 : 200)
                .httpVersion("1.1")
                .route("proxy")
                .proxy("http://127.0.0.1:3128")
                .build();
    }

    /** Writes the events in batches of {@code batch}, flushing after each, as the pipeline does. */
    static List<byte[]> send(SyslogSink sink, String tag, int count, int batch) throws IOException {
        List<byte[]> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] line = TestSupport.encode(event(tag, i));
            lines.add(line);
            sink.write(line, 0, line.length);
            if ((i + 1) % batch == 0) {
                sink.flush();
            }
        }
        sink.flush();
        return lines;
    }

    /** Checks one line of rsyslog's output against the event it must carry. */
    static void assertReceived(String received, String input, String tag, byte[] line, int i) {
        String[] f = received.split("\\|", 9);
        assertThat(f).hasSize(9);
        assertThat(f[0]).isEqualTo(input);
        int severity = i % 5 == 4 ? Rfc5424.SEVERITY_NOTICE : Rfc5424.SEVERITY_INFO;
        assertThat(f[1]).isEqualTo(Integer.toString(16 * 8 + severity));
        assertThat(Instant.parse(f[2])).isEqualTo(Instant.ofEpochMilli(TestSupport.BASE_MILLIS + i));
        assertThat(f[3]).isEqualTo(Rfc5424.headerField(EventFields.parse(line, 0, line.length).hostname, 255));
        assertThat(f[4]).isEqualTo("mcp-egress-agent");
        assertThat(f[5]).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        assertThat(f[6]).isEqualTo("egress");
        String method = i % 2 == 0 ? "GET" : "POST";
        String status = i % 5 == 4 ? "503" : "200";
        String outcome = i % 5 == 4 ? "failure" : "success";
        assertThat(f[7]).isEqualTo("[mcpEgress@32473 method=\"" + method + "\" host=\"api.example.com\" port=\"8443\""
                + " status=\"" + status + "\" route=\"proxy\" outcome=\"" + outcome + "\" client=\"" + tag + "/1.0\"]");
        assertThat(f[8]).isEqualTo(TestSupport.text(line));
        TestSupport.parse(f[8]); // the MSG is still one valid JSON document
    }

    @Test
    void tcpWithOctetCountingDeliversEveryEventOnceInOrder() throws Exception {
        try (SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.TCP, "127.0.0.1", rsyslog.tcpPort).build()) {
            List<byte[]> lines = send(sink, "tcp-order", 60, 25);
            List<String> got = rsyslog.await("client=\"tcp-order/1.0\"", 60, 10_000);
            assertThat(got).hasSize(60);
            for (int i = 0; i < 60; i++) {
                assertReceived(got.get(i), "tcp", "tcp-order", lines.get(i), i);
            }
        }
    }

    @Test
    void tlsWithOctetCountingIsVerifiedAndDelivered() throws Exception {
        try (SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.TLS, "127.0.0.1", rsyslog.tlsPort)
                .caFile(certs.certPem).build()) {
            assertThat(sink.describe()).isEqualTo("syslog:tls://127.0.0.1:" + rsyslog.tlsPort);
            List<byte[]> lines = send(sink, "tls-order", 40, 15);
            List<String> got = rsyslog.await("client=\"tls-order/1.0\"", 40, 10_000);
            assertThat(got).hasSize(40);
            for (int i = 0; i < 40; i++) {
                assertReceived(got.get(i), "tls", "tls-order", lines.get(i), i);
            }
        }
    }

    @Test
    void tlsRefusesAServerItDoesNotTrust() throws Exception {
        // the JVM's default trust store does not know the test's self-signed certificate
        try (SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.TLS, "127.0.0.1", rsyslog.tlsPort).build()) {
            byte[] line = TestSupport.encode(event("tls-untrusted", 0));
            assertThatThrownBy(() -> {
                sink.write(line, 0, line.length);
                sink.flush();
            }).isInstanceOf(IOException.class).hasMessageContaining("cannot connect");
        }
        assertThat(rsyslog.await("tls-untrusted", 1, 300)).isEmpty();
    }

    @Test
    void udpDeliversOneDatagramPerEvent() throws Exception {
        try (SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.UDP, "127.0.0.1", rsyslog.udpPort).build()) {
            // imudp may bind a moment after imtcp: probe until one datagram is seen
            byte[] probe = TestSupport.encode(event("udp-probe", 0));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (rsyslog.await("udp-probe", 1, 100).isEmpty() && System.nanoTime() < end) {
                sink.write(probe, 0, probe.length);
            }
            List<byte[]> lines = send(sink, "udp-set", 30, 10);
            List<String> got = rsyslog.await("client=\"udp-set/1.0\"", 30, 10_000);
            assertThat(got).hasSize(30);
            List<String> msgs = new ArrayList<>();
            for (String g : got) {
                String[] f = g.split("\\|", 9);
                assertThat(f[0]).isEqualTo("udp");
                msgs.add(f[8]);
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                expected.add(TestSupport.text(lines.get(i)));
                int index = msgs.indexOf(expected.get(i));
                assertThat(index).as("event %d received", i).isGreaterThanOrEqualTo(0);
                assertReceived(got.get(index), "udp", "udp-set", lines.get(i), i);
            }
            assertThat(new HashSet<>(msgs)).containsExactlyInAnyOrderElementsOf(expected);
        }
    }

    @Test
    void structuredDataEscapingSurvivesARealParser() throws Exception {
        AuditEvent denied = AuditEvent.builder()
                .startEpochMillis(TestSupport.BASE_MILLIS)
                .client("escape-test/1.0")
                .method("DELETE")
                .target(RequestTarget.of(URI.create("http://internal.example.org/admin")))
                .route("blocked")
                .denied(true)
                .enforced(true)
                .rule("deny \"quoted\" [bracket] back\\slash caf\u00e9", "config", "deny-list")
                .build();
        byte[] line = TestSupport.encode(denied);
        try (SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.TCP, "127.0.0.1", rsyslog.tcpPort)
                .facility(13).build()) {
            sink.write(line, 0, line.length);
            sink.flush();
        }
        List<String> got = rsyslog.await("escape-test/1.0", 1, 10_000);
        assertThat(got).hasSize(1);
        String[] f = got.get(0).split("\\|", 9);
        assertThat(f[1]).isEqualTo(Integer.toString(13 * 8 + Rfc5424.SEVERITY_WARNING));
        assertThat(f[7]).isEqualTo("[mcpEgress@32473 method=\"DELETE\" host=\"internal.example.org\" port=\"80\""
                + " route=\"blocked\" outcome=\"failure\" denied=\"true\""
                + " rule=\"deny \\\"quoted\\\" [bracket\\] back\\\\slash caf\u00e9\" client=\"escape-test/1.0\"]");
        assertThat(f[8]).isEqualTo(TestSupport.text(line));
    }

    @Test
    void reconnectsAfterTheReceiverRestartsAndBacksOffWhileItIsDown() throws Exception {
        try (Rsyslog own = Rsyslog.start(dir.resolve("rsyslog-restart"), null);
             SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.TCP, "127.0.0.1", own.tcpPort)
                     .backoffMillis(20, 200).build()) {
            send(sink, "before-restart", 5, 5);
            assertThat(own.await("before-restart", 5, 10_000)).hasSize(5);

            // restart while idle: the sink notices the closed connection and loses nothing
            own.restart();
            send(sink, "after-restart", 5, 5);
            assertThat(own.await("after-restart", 5, 10_000)).hasSize(5);

            // down: writes fail fast with IOException, nothing crashes
            own.stop();
            byte[] line = TestSupport.encode(event("while-down", 0));
            assertThatThrownBy(() -> {
                for (int i = 0; i < 3; i++) {
                    sink.write(line, 0, line.length);
                    sink.flush();
                }
            }).isInstanceOf(IOException.class);

            // back: after the backoff the sink connects again
            own.restart();
            List<byte[]> lines = new ArrayList<>();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            int sent = 0;
            while (sent < 5 && System.nanoTime() < end) {
                byte[] l = TestSupport.encode(event("back-up", sent));
                try {
                    sink.write(l, 0, l.length);
                    sink.flush();
                    lines.add(l);
                    sent++;
                } catch (IOException backingOff) {
                    Thread.sleep(20);
                }
            }
            assertThat(sent).isEqualTo(5);
            assertThat(own.await("back-up", 5, 10_000)).hasSize(5);
        }
    }

    @Test
    void describesTransportAndEndpointsForTheInternalDestinationList() throws Exception {
        SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.UDP, "localhost", 5514).build();
        assertThat(sink.describe()).isEqualTo("syslog:udp://localhost:5514");
        assertThat(sink.describeEndpoint()).isEqualTo("localhost:5514");
        assertThat(sink.endpoints()).anyMatch(a -> a.isUnresolved() && a.getHostString().equals("localhost"))
                .anyMatch(a -> !a.isUnresolved() && a.getAddress().isLoopbackAddress() && a.getPort() == 5514);
        sink.close();
    }
}
