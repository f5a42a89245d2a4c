package io.mcpegress.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Proves the fixture itself: Squid really proxies, and the target can tell proxied from direct. */
class SquidProxyTest {

    static SquidProxy squid;
    static TargetServer target;

    @BeforeAll
    static void start() {
        squid = SquidProxy.shared();
        target = TargetServer.start();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @Test
    void plainHttpThroughSquidComesFrom127002_directFrom127001() throws Exception {
        HttpClient proxied = HttpClient.newBuilder().proxy(squid.proxySelector()).build();
        HttpClient direct = HttpClient.newBuilder().build();

        HttpResponse<String> viaProxy = proxied.send(
                HttpRequest.newBuilder(target.httpUri("/hello")).header("X-Scenario", "squid-plain").build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> viaDirect = direct.send(
                HttpRequest.newBuilder(target.httpUri("/hello")).header("X-Scenario", "direct-plain").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(viaProxy.statusCode()).isEqualTo(200);
        assertThat(viaProxy.body()).isEqualTo("ok");
        assertThat(viaDirect.statusCode()).isEqualTo(200);

        RecordedRequest proxiedRequest = target.requestsFor("squid-plain").get(0);
        assertThat(proxiedRequest.remoteAddress()).isEqualTo("127.0.0.2");
        assertThat(proxiedRequest.viaProxy()).isTrue();
        assertThat(proxiedRequest.header("Via")).contains("mcp-egress-testkit");
        assertThat(proxiedRequest.protocol()).isEqualTo("HTTP/1.1");
        assertThat(proxiedRequest.scheme()).isEqualTo("http");

        RecordedRequest directRequest = target.requestsFor("direct-plain").get(0);
        assertThat(directRequest.remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(directRequest.viaProxy()).isFalse();

        squid.awaitAccessLog(line -> line.equals("GET " + target.httpUrl("/hello") + " 200 127.0.0.1"),
                Duration.ofSeconds(5));
    }

    @Test
    void httpsThroughConnectTunnelNegotiatesH2AndComesFrom127002() throws Exception {
        HttpClient client = HttpClient.newBuilder()
                .proxy(squid.proxySelector())
                .sslContext(TestCertificates.get().clientSslContext())
                .version(HttpClient.Version.HTTP_2)
                .build();

        HttpResponse<String> response = client.send(
                HttpRequest.newBuilder(target.httpsUri("/status/201")).header("X-Scenario", "squid-tls").build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        RecordedRequest recorded = target.requestsFor("squid-tls").get(0);
        assertThat(recorded.remoteAddress()).isEqualTo("127.0.0.2");
        assertThat(recorded.protocol()).isEqualTo("HTTP/2.0");
        assertThat(recorded.scheme()).isEqualTo("https");
    }

    @Test
    void connectToAnyHighPortIsAllowedAndLoggedWhenTheTunnelCloses() throws Exception {
        String authority = "127.0.0.1:" + target.httpsPort();
        try (Socket socket = new Socket(squid.host(), squid.port())) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readStatusLine(socket.getInputStream())).startsWith("HTTP/1.1 200");
        }
        // Squid logs a tunnel when it ends, i.e. after the close above.
        squid.awaitAccessLog(line -> line.startsWith("CONNECT " + authority + " 200 "), Duration.ofSeconds(5));
        assertThat(squid.accessLog())
                .anySatisfy(e -> {
                    assertThat(e.method()).isEqualTo("CONNECT");
                    assertThat(e.url()).isEqualTo(authority);
                    assertThat(e.status()).isEqualTo(200);
                    assertThat(e.clientAddress()).isEqualTo("127.0.0.1");
                });
    }

    @Test
    void sharedInstanceIsReusedAndSurvivesClose() {
        SquidProxy again = SquidProxy.shared();
        assertThat(again).isSameAs(squid);
        again.close(); // no-op for the shared instance
        assertThat(FreePorts.isListening(squid.host(), squid.port())).isTrue();
        assertThat(squid.url()).isEqualTo("http://127.0.0.1:" + squid.port());
    }

    @Test
    void privateInstanceStopsWithoutLeavingProcesses() {
        SquidProxy own = SquidProxy.start();
        long squidCountBefore = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("squid")).count();
        int port = own.port();
        assertThat(FreePorts.isListening("127.0.0.1", port)).isTrue();
        own.close();
        assertThat(FreePorts.isListening("127.0.0.1", port)).isFalse();
        long squidCountAfter = ProcessHandle.allProcesses()
                .filter(p -> p.info().command().orElse("").endsWith("squid")).count();
        assertThat(squidCountAfter).isEqualTo(squidCountBefore - 1);
        assertThat(own.directory()).doesNotExist();
    }

    private static String readStatusLine(InputStream in) throws Exception {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().trim();
    }
}
