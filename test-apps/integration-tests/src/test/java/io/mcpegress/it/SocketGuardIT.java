package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.Jdks;
import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.mcpegress.testkit.AuditLog.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The socket guard: TCP connections no client instrumentation saw (a raw {@code Socket}, the
 * connecting constructor, {@code SocketChannel.open(addr)}, a channel's socket adaptor) are refused
 * before anything is sent in enforce mode and let through in monitor mode, each with one
 * {@code uninstrumented} event naming the class that opened it; the instrumented JDK clients,
 * which go through the proxy, are never reported by the guard. Only loopback is used.
 */
class SocketGuardIT {

    static final String APP = "io.mcpegress.apps.jdk.SocketGuardApp";
    static final List<String> RAW = List.of("socket", "socket-ctor", "channel", "adaptor");

    static SquidProxy squid;
    static TargetServer target;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        squid = SquidProxy.shared();
        target = TargetServer.start();
    }

    @BeforeEach
    void clearRecordedRequests() {
        target.clear();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    static List<Path> jdks() {
        return Jdks.all();
    }

    private List<String> run(Path jdk, Path audit, String... props) throws Exception {
        Path results = dir.resolve("results.txt");
        ChildJvm.Builder b = ChildJvm.builder()
                .javaHome(jdk)
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .classpath(TestApps.classpath("jdk-clients"))
                .mainClass(APP)
                .args(results.toString(), TargetServer.HOST, String.valueOf(target.httpPort()));
        for (int i = 0; i < props.length; i += 2) {
            b.systemProperty(props[i], props[i + 1]);
        }
        b.run().assertSuccess();
        return Files.readAllLines(results);
    }

    private static List<JsonNode> uninstrumented(Path audit) {
        return AuditLog.read(audit).events().stream()
                .filter(e -> "uninstrumented".equals(text(e, "mcp.egress.route"))).toList();
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void enforceRefusesUninstrumentedConnectionsBeforeAnythingIsSent(Path jdk) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        List<String> results = run(jdk, audit); // socket guard unset: follows mcp.egress.mode=enforce (the default)

        for (String kind : RAW) {
            assertThat(results).filteredOn(l -> l.startsWith(kind + " ")).singleElement().satisfies(l -> assertThat(l)
                    .contains("failed io.mcpegress.bootstrap.EgressDeniedException")
                    .contains("mcp-egress-agent denied")
                    .contains("127.0.0.1:" + target.httpPort())
                    .contains(APP)
                    .contains("socket-guard"));
            assertThat(target.requestsFor("sg-" + kind)).as("nothing reached the destination").isEmpty();
        }
        assertThat(results).filteredOn(l -> l.startsWith("jdk-httpclient ") || l.startsWith("httpurlconnection "))
                .hasSize(2).allSatisfy(l -> assertThat(l).endsWith("ok status 200"));

        List<JsonNode> events = uninstrumented(audit);
        assertThat(events).as("one event per attempt, none for the instrumented clients").hasSize(RAW.size());
        assertThat(events).allSatisfy(e -> {
            assertThat(text(e, "mcp.egress.caller")).isEqualTo(APP);
            assertThat(text(e, "destination.ip")).isEqualTo("127.0.0.1");
            assertThat(AuditLog.number(e, "destination.port")).isEqualTo(target.httpPort());
            assertThat(text(e, "event.outcome")).isEqualTo("failure");
            assertThat(text(e, "rule.name")).isEqualTo("socket-guard");
            assertThat(text(e, "error.type")).isEqualTo("io.mcpegress.bootstrap.EgressDeniedException");
        });
        assertThat(events).extracting(e -> text(e, "mcp.egress.client"))
                .containsExactly("socket", "socket", "socket-channel", "socket-channel");
        assertThat(AuditLog.read(audit).events()).filteredOn(e -> "proxy".equals(text(e, "mcp.egress.route")))
                .extracting(e -> text(e, "mcp.egress.client")).hasSize(2)
                .anySatisfy(c -> assertThat(c).startsWith("jdk-httpclient"))
                .anySatisfy(c -> assertThat(c).startsWith("httpurlconnection"));
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void monitorLetsThemThroughAndReportsEach(Path jdk) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        List<String> results = run(jdk, audit, "mcp.egress.mode", "monitor");

        for (String kind : RAW) {
            assertThat(results).filteredOn(l -> l.startsWith(kind + " ")).singleElement()
                    .satisfies(l -> assertThat(l).contains("ok HTTP/1.1 200"));
            assertThat(target.requestsFor("sg-" + kind)).hasSize(1);
        }
        assertThat(results).filteredOn(l -> l.startsWith("jdk-httpclient ") || l.startsWith("httpurlconnection "))
                .hasSize(2).allSatisfy(l -> assertThat(l).endsWith("ok status 200"));
        List<JsonNode> events = uninstrumented(audit);
        assertThat(events).hasSize(RAW.size()).allSatisfy(e -> {
            assertThat(text(e, "mcp.egress.caller")).isEqualTo(APP);
            assertThat(AuditLog.node(e, "mcp.egress.would_deny").asBoolean()).isTrue();
            assertThat(text(e, "event.outcome")).isNotEqualTo("failure");
            assertThat(text(e, "error.type")).isNull();
        });
    }

    @ParameterizedTest
    @MethodSource("jdks")
    void offLeavesSocketsAlone(Path jdk) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        List<String> results = run(jdk, audit, "mcp.egress.socket-guard", "off");
        assertThat(results).hasSize(6).allSatisfy(l -> assertThat(l).contains(" ok "));
        assertThat(uninstrumented(audit)).isEmpty();
    }
}
