package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.Jdks;
import io.mcpegress.testkit.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent reports in the audit trail which client libraries it wove (with the version from the
 * jar) and, loudly, a client it cannot instrument, and it starts and stops with events of its own.
 */
class LibraryEventsIT {

    static TargetServer target;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        target = TargetServer.start();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @Test
    void instrumentedAndUnsupportedLibrariesAreEventsOfTheirOwn() {
        Path audit = dir.resolve("audit.jsonl");
        ChildJvm.Result r = ChildJvm.builder()
                .javaHome(Jdks.current())
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .classpath(TestApps.classpath("apache4"))
                .mainClass("io.mcpegress.apps.apache4.MinimalClientApp")
                .args(target.httpUrl("/s/library-events/ok"))
                .timeout(Duration.ofSeconds(60))
                .run();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(r.stderr()).contains("default 200").contains("minimal 200")
                .contains("could not instrument org.apache.http.impl.client.MinimalHttpClient");

        AuditLog log = AuditLog.read(audit);
        List<JsonNode> agent = log.agentEvents();
        assertThat(agent.get(0).path("event").path("action").asText()).isEqualTo("agent-start");
        assertThat(AuditLog.text(agent.get(0), "mcp.egress.config_hash")).matches("[0-9a-f]{64}");
        assertThat(AuditLog.text(agent.get(0), "mcp.egress.modules")).contains("apache-httpclient-4");
        assertThat(agent.get(agent.size() - 1).path("event").path("action").asText()).isEqualTo("agent-shutdown");

        assertThat(log.agentEvents("library-instrumented"))
                .anySatisfy(e -> {
                    assertThat(AuditLog.text(e, "mcp.egress.library.name")).isEqualTo("apache-httpclient-4");
                    assertThat(AuditLog.text(e, "mcp.egress.library.version")).isEqualTo("4.5.14");
                });
        // a JVM that never starts an MCP server never has the MCP module's thread-hop JDK classes woven
        assertThat(log.agentEvents("library-instrumented"))
                .noneSatisfy(e -> assertThat(AuditLog.text(e, "mcp.egress.library.name")).isEqualTo("mcp-java-sdk"));
        assertThat(log.agentEvents("library-unsupported")).singleElement().satisfies(e -> {
            assertThat(AuditLog.text(e, "mcp.egress.library.class"))
                    .isEqualTo("org.apache.http.impl.client.MinimalHttpClient");
            assertThat(AuditLog.text(e, "mcp.egress.library.version")).isEqualTo("4.5.14");
            assertThat(AuditLog.text(e, "event.outcome")).isEqualTo("failure");
            assertThat(AuditLog.text(e, "message")).contains("NOT routed or audited");
        });
        // the supported client's call is audited; the minimal one's is not (that is the point of the warning)
        assertThat(log.events()).extracting(e -> AuditLog.text(e, "url.query")).containsExactly("client=default");
    }
}
