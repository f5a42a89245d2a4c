package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.FreePorts;
import io.mcpegress.testkit.Jdks;
import io.mcpegress.testkit.RecordedRequest;
import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
import io.mcpegress.testkit.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.mcpegress.testkit.AuditLog.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * OkHttp configurations the shared contract does not cover (test apps' {@code OkHttpRoutingApp}),
 * for every OkHttp line and JDK: the application's own proxy or selector, a custom SSL socket
 * factory and a certificate pin are all kept by OkHttp, yet every call leaves through Squid.
 */
class OkHttpRoutingIT {

    private static final List<String> MODULES = List.of("okhttp3", "okhttp4", "okhttp5");

    static SquidProxy squid;
    static TargetServer target;
    static Path workDir;

    @BeforeAll
    static void start() throws IOException {
        squid = SquidProxy.shared();
        target = TargetServer.start();
        workDir = Files.createTempDirectory("okhttp-routing-it");
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    @TestFactory
    Stream<DynamicNode> routing() {
        return MODULES.stream().flatMap(module -> Jdks.stream().map(jdk -> DynamicContainer.dynamicContainer(
                module + " on JDK " + Jdks.featureVersion(jdk), run(module, jdk))));
    }

    private Stream<DynamicNode> run(String module, Path jdk) {
        String runId = "routing-" + module + "-jdk" + Jdks.featureVersion(jdk);
        Path audit = workDir.resolve(runId + "-audit.jsonl");
        Path results = workDir.resolve(runId + "-results.tsv");
        ChildJvm.Result child = ChildJvm.builder()
                .javaHome(jdk)
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperties(TestCertificates.get().trustStoreSystemProperties())
                .classpath(TestApps.classpath(module))
                .mainClass("io.mcpegress.apps.okhttp3.OkHttpRoutingApp") // every OkHttp app compiles these sources
                .args("http://127.0.0.1:" + target.httpPort(), "https://127.0.0.1:" + target.httpsPort(), runId,
                        String.valueOf(FreePorts.find()), results.toString())
                .timeout(Duration.ofMinutes(2))
                .run();

        List<DynamicNode> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("the app runs cleanly", () -> {
            assertThat(child.exitCode()).as(child.output()).isZero();
            assertThat(child.stderr()).as(child.output()).contains("[mcp-egress-agent]").contains("started")
                    .doesNotContain("could not instrument");
        }));
        if (!Files.exists(results)) {
            return tests.stream();
        }
        AuditLog log = AuditLog.read(audit);
        for (String line : readLines(results)) {
            String[] f = line.split("\t", -1);
            String name = f[0];
            int status = Integer.parseInt(f[1]);
            String error = f[2];
            String note = f[3];
            String id = runId + ".okhttp." + name;
            List<JsonNode> events = ClientContractIT.eventsOf(log, id);
            List<RecordedRequest> received = target.requestsFor(id);
            String context = line + "\nevents " + events + "\nreceived " + received;
            tests.add(DynamicTest.dynamicTest(name, () -> {
                switch (name) {
                    case "own-proxy-http", "own-proxy-https", "own-selector-https", "custom-ssl-https" -> {
                        assertThat(error).as(context).isEmpty();
                        assertThat(status).as(context).isEqualTo(200);
                        assertThat(received).as(context).hasSize(1);
                        assertThat(received.get(0).remoteAddress()).as("through Squid " + context)
                                .isEqualTo(ClientContractIT.PROXIED_FROM);
                        assertThat(events).as(context).hasSize(1);
                        assertThat(text(events.get(0), "mcp.egress.route")).isEqualTo("proxy");
                        assertThat(text(events.get(0), "http.response.status_code")).isEqualTo("200");
                        if (name.startsWith("custom-ssl")) {
                            assertThat(note).as("the application's SSL socket factory made the TLS socket "
                                    + context).matches("sockets=[1-9][0-9]*");
                            assertThat(text(events.get(0), "http.version")).as(context).isEqualTo("2");
                        }
                    }
                    case "wrong-pin-https" -> {
                        // the pin is checked against the destination's own certificate, inside the tunnel
                        assertThat(error).as(context).contains("SSLPeerUnverifiedException");
                        assertThat(received).as(context).isEmpty();
                        assertThat(events).as("the failed attempt is audited " + context).hasSize(1);
                        assertThat(text(events.get(0), "mcp.egress.route")).isEqualTo("proxy");
                        assertThat(text(events.get(0), "error.type")).as(context).contains("SSLPeerUnverifiedException");
                    }
                    case "many-clients" -> {
                        assertThat(error).as(context).isEmpty();
                        assertThat(status).as(context).isEqualTo(200);
                        assertThat(note).as("nothing added to the application's builder")
                                .isEqualTo("interceptors=0 networkInterceptors=0");
                        assertThat(received).as(context).hasSize(20)
                                .allMatch(r -> r.remoteAddress().equals(ClientContractIT.PROXIED_FROM));
                        assertThat(events).as(context).hasSize(20);
                    }
                    default -> throw new AssertionError("no expectation for " + name);
                }
            }));
        }
        return tests.stream();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
