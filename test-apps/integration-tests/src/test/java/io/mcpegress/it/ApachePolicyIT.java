package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.mcpegress.testkit.AuditLog.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy on the Apache clients' call path, sync and async, in every app of the version matrix:
 * a denied call fails with the agent's exception before anything is sent, and leaves exactly one
 * "blocked" event, also where the library retries a failed idempotent request on its own.
 */
class ApachePolicyIT extends ProxiedTargetTest {

    @ParameterizedTest
    @ValueSource(strings = {"apache4", "apache4-oldest", "apache-async4", "apache5-1", "apache5-latest"})
    void deniedCallsFailBeforeAnythingIsSentWithOneEventEach(String app) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        Path results = dir.resolve("results.txt");
        List<Path> classpath = new ArrayList<>(TestApps.classpath(app));
        classpath.add(testClasses());
        ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.deny", "localhost")
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .classpath(classpath)
                .mainClass(ApacheDenialProbe.class.getName())
                .args(results.toString(), "http://localhost:" + target.httpPort())
                .timeout(Duration.ofMinutes(2))
                .run()
                .assertSuccess();

        List<String> lines = Files.readAllLines(results);
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l)
                .contains("io.mcpegress.bootstrap.EgressDeniedException: mcp-egress-agent denied GET http://localhost:")
                .contains("deny-list"));
        List<JsonNode> events = AuditLog.waitForCount(audit, lines.size(), Duration.ofSeconds(10)).events();
        assertThat(events).as("one event per denied call, library retries included").hasSize(lines.size())
                .allSatisfy(e -> assertThat(text(e, "mcp.egress.route")).isEqualTo("blocked"));
        assertThat(target.requests()).as("nothing reached the destination")
                .noneMatch(r -> r.scenario() != null && r.scenario().startsWith("policy."));
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(ApacheDenialProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
