package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.Jdks;
import io.mcpegress.testkit.SquidProxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail survives the ways a JVM ends, and the agent never changes what the application
 * sees, even when the agent itself fails at every step.
 */
class AgentLifecycleIT extends ProxiedTargetTest {

    static final int CALLS = 8;

    static Stream<Arguments> exitModes() {
        return Jdks.stream().flatMap(jdk -> Stream.of("return", "exit", "sigterm").map(m -> Arguments.of(jdk, m)));
    }

    @ParameterizedTest(name = "{1} on {0}")
    @MethodSource("exitModes")
    void everyCallIsAuditedWhateverWayTheJvmEnds(Path jdk, String mode) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        Path ready = dir.resolve("ready");
        String scenario = "exit-" + mode + "-" + Jdks.featureVersion(jdk);
        ChildJvm.Builder child = ChildJvm.builder()
                .javaHome(jdk)
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .classpath(TestApps.classpath("jdk-clients"))
                .mainClass("io.mcpegress.apps.jdk.ExitApp")
                .args(mode, String.valueOf(CALLS), target.httpUrl("/s/" + scenario + "/ok"), ready.toString())
                .timeout(Duration.ofSeconds(90));
        if (mode.equals("sigterm")) {
            Process p = new ProcessBuilder(child.command()).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("out.txt").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.exists(ready) && System.nanoTime() < deadline && p.isAlive()) {
                Thread.sleep(20);
            }
            assertThat(ready).as(Files.readString(dir.resolve("out.txt"))).exists();
            p.destroy(); // SIGTERM: shutdown hooks run
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } else {
            ChildJvm.Result r = child.run();
            assertThat(r.exitCode()).as(r.output()).isZero();
        }
        List<JsonNode> events = AuditLog.read(audit).events();
        assertThat(events).hasSize(CALLS);
        assertThat(target.requestsFor(scenario)).hasSize(CALLS)
                .allMatch(r -> r.remoteAddress().equals(SquidProxy.OUTGOING_ADDRESS));
        assertThat(events.stream().map(e -> AuditLog.text(e, "mcp.egress.client").split("/")[0]).distinct())
                .containsExactlyInAnyOrder("jdk-httpclient", "httpurlconnection");
    }

    @Test
    void applicationCallsSucceedWhenEveryAgentHookFails() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        Path results = dir.resolve("results.jsonl");
        ChildJvm.Result r = contractRunner("faults", "get-http,get-https,post-body,redirect-1,status-404,async-https", results)
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("mcp.egress.debug.inject-faults", "true")
                .classpath(TestApps.classpath("jdk-clients"))
                .run();
        assertThat(r.exitCode()).as(r.output()).isZero();
        List<String> lines = Files.readAllLines(results);
        assertThat(lines).hasSize(2 * 6 + 1);
        for (String line : lines.subList(0, lines.size() - 1)) {
            assertThat(line).as("the call behaves as without the agent").contains("\"error\":null");
            assertThat(line).containsAnyOf("\"status\":200", "\"status\":404");
        }
        long suppressed = Long.parseLong(lines.get(lines.size() - 1).replaceAll("\\D+", " ").trim());
        assertThat(suppressed).as("every injected fault was swallowed and counted").isPositive();
        assertThat(target.requests().stream().filter(q -> q.scenario() != null && q.scenario().startsWith("faults."))
                .count()).isEqualTo(2 * 7);
    }

    @Test
    void httpUrlConnectionBehavesExactlyAsWithoutTheAgent() throws Exception {
        String base = target.httpUrl("/s/huc-semantics");
        Path with = dir.resolve("with.txt");
        Path without = dir.resolve("without.txt");
        ChildJvm.builder().classpath(TestApps.classpath("jdk-clients"))
                .mainClass("io.mcpegress.apps.jdk.HucSemanticsApp").args(base, without.toString()).run().assertSuccess();
        ChildJvm.builder().agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", dir.resolve("audit.jsonl").toString())
                .classpath(TestApps.classpath("jdk-clients"))
                .mainClass("io.mcpegress.apps.jdk.HucSemanticsApp").args(base, with.toString()).run().assertSuccess();
        assertThat(Files.readAllLines(with)).isEqualTo(Files.readAllLines(without))
                .anyMatch(l -> l.startsWith("implicit-post method=POST status=200 echo=POST"));
        List<JsonNode> events = AuditLog.read(dir.resolve("audit.jsonl")).events();
        // one exchange each: POST, 404, 500, the unfollowed 302, the 200
        assertThat(events).extracting(e -> AuditLog.text(e, "http.request.method") + " "
                        + AuditLog.text(e, "http.response.status_code"))
                .containsExactly("POST 200", "GET 404", "GET 500", "GET 302", "GET 200");
    }
}
