package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpegress.contract.ContractRunner;
import io.mcpegress.contract.Scenario;
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
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.mcpegress.testkit.AuditLog.number;
import static io.mcpegress.testkit.AuditLog.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shared client contract: every adapter of an app runs every {@link Scenario} in ONE child JVM
 * per JDK, with the real agent jar, a real Squid in front and a loopback target behind. Then each
 * scenario is checked three ways: what the application saw, what the destination saw (which address
 * the connection came from: 127.0.0.2 is Squid, 127.0.0.1 is direct) and what the audit trail says.
 *
 * <p>Subclasses name the test app (its module) whose adapters run; the JDK clients run here.
 */
class ClientContractIT {

    static final String PROXIED_FROM = SquidProxy.OUTGOING_ADDRESS;
    static final String DIRECT_FROM = "127.0.0.1";

    static SquidProxy squid;
    static TargetServer target;
    static Path workDir;

    @BeforeAll
    static void startInfrastructure() throws IOException {
        squid = SquidProxy.shared();
        target = TargetServer.start();
        workDir = Files.createTempDirectory("contract-it");
    }

    @AfterAll
    static void stopTarget() {
        if (target != null) {
            target.close();
        }
    }

    String appModule() {
        return "jdk-clients";
    }

    @TestFactory
    Stream<DynamicNode> contract() {
        return Jdks.stream().map(jdk -> DynamicContainer.dynamicContainer("JDK " + Jdks.featureVersion(jdk),
                runContract(jdk)));
    }

    private Stream<DynamicNode> runContract(Path jdk) {
        int feature = Jdks.featureVersion(jdk);
        Path audit = workDir.resolve(appModule() + "-jdk" + feature + "-audit.jsonl");
        Path results = workDir.resolve(appModule() + "-jdk" + feature + "-results.jsonl");
        int refusedPort = FreePorts.find();
        ChildJvm.Result run = ChildJvm.builder()
                .javaHome(jdk)
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.proxy.bypass", "localhost")
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("mcp.egress.service.name", "contract-" + appModule())
                .systemProperties(TestCertificates.get().trustStoreSystemProperties())
                .systemProperty("contract.http", "http://127.0.0.1:" + target.httpPort())
                .systemProperty("contract.https", "https://127.0.0.1:" + target.httpsPort())
                .systemProperty("contract.localhost", "http://localhost:" + target.httpPort())
                .systemProperty("contract.refused", "http://127.0.0.1:" + refusedPort)
                .systemProperty("contract.results", results.toString())
                .systemProperty("contract.run", "jdk" + feature)
                .classpath(TestApps.classpath(appModule()))
                .mainClass(ContractRunner.class.getName())
                .timeout(Duration.ofMinutes(4))
                .run();

        List<DynamicNode> tests = new ArrayList<>();
        tests.add(DynamicTest.dynamicTest("the run completes and writes nothing to stdout", () -> {
            assertThat(run.exitCode()).as(run.output()).isZero();
            assertThat(run.stdout()).as("stdout must stay clean for MCP stdio servers").isEmpty();
            assertThat(run.stderr()).contains("[mcp-egress-agent]").contains("started");
        }));
        List<JsonNode> lines = readLines(results);
        AuditLog log = AuditLog.read(audit);
        for (JsonNode line : lines) {
            if (line.has("summary")) {
                tests.add(DynamicTest.dynamicTest("the agent swallowed no internal error",
                        () -> assertThat(line.get("suppressedErrors").asLong()).isZero()));
                continue;
            }
            String id = line.get("id").asText();
            tests.add(DynamicTest.dynamicTest(id, () -> ScenarioExpectations.check(line, eventsOf(log, id),
                    target.requestsFor(id))));
        }
        tests.add(DynamicTest.dynamicTest("every request the target received has exactly one audit event", () -> {
            String prefix = "/s/" + appModule();
            long received = target.requests().stream().filter(r -> isFromThisRun(r, lines)).count();
            long audited = log.events().stream().filter(e -> path(e).startsWith("/s/")).count();
            assertThat(audited).isEqualTo(received + refusedEvents(log)).as(prefix);
        }));
        tests.add(DynamicTest.dynamicTest("no secret reaches the audit log", () -> {
            String raw = Files.readString(audit);
            assertThat(raw).doesNotContain(Scenario.SECRET_QUERY).doesNotContain(Scenario.SECRET_HEADER);
        }));
        return tests.stream();
    }

    private static boolean isFromThisRun(RecordedRequest r, List<JsonNode> lines) {
        return r.scenario() != null && lines.stream().anyMatch(l -> l.has("id") && l.get("id").asText().equals(r.scenario()));
    }

    /** The proxy answers for a destination that refuses: those events have no target request. */
    private static long refusedEvents(AuditLog log) {
        return log.events().stream().filter(e -> path(e).contains(".refused/")).count();
    }

    static List<JsonNode> eventsOf(AuditLog log, String id) {
        String prefix = "/s/" + id + "/";
        return log.events().stream().filter(e -> path(e).startsWith(prefix)).collect(Collectors.toList());
    }

    private static String path(JsonNode event) {
        String p = text(event, "url.path");
        return p == null ? "" : p;
    }

    private static List<JsonNode> readLines(Path file) {
        ObjectMapper mapper = new ObjectMapper();
        try {
            List<JsonNode> out = new ArrayList<>();
            for (String l : Files.readAllLines(file)) {
                if (!l.isBlank()) {
                    out.add(mapper.readTree(l));
                }
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("the contract runner wrote no results to " + file, e);
        }
    }

    static long status(JsonNode event) {
        return number(event, "http.response.status_code");
    }
}
