package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.SquidProxy;
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
 * A policy file's rate limit, end to end through Squid: the rule allows 4 calls per hour to the
 * destination; of 12 calls (every client of the app, blocking and async) the first 4 arrive and
 * the other 8 fail with the agent's exception, reason {@code rate-limit}, before anything is sent
 * — checked at the destination, in Squid's access log and in the audit events.
 */
class RateLimitIT extends ProxiedTargetTest {

    @ParameterizedTest
    @ValueSource(strings = {"jdk-clients", "apache5-latest"})
    void callsOverThePerDestinationLimitAreDeniedAndNeverArrive(String app) throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                default: deny
                rulesets:
                  - name: budget
                    rules:
                      - name: target-limited
                        action: allow
                        match:
                          hosts: ["127.0.0.1"]
                        rate_limit: {requests: 4, per: 1h}
                """);
        Path audit = dir.resolve("audit.jsonl");
        Path results = dir.resolve("results.txt");
        List<Path> classpath = new ArrayList<>(TestApps.classpath(app));
        classpath.add(testClasses());
        String run = "rl-" + app;
        int squidBefore = squid.accessLogLines().size();
        ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.policy", policy.toString())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .classpath(classpath)
                .mainClass(PolicyProbe.class.getName())
                .args(results.toString(), target.httpUrl("/s/" + run + ".a.{id}/ok"),
                        target.httpUrl("/s/" + run + ".b.{id}/ok"), target.httpUrl("/s/" + run + ".c.{id}/ok"))
                .timeout(Duration.ofMinutes(2))
                .run()
                .assertSuccess();

        List<String> lines = Files.readAllLines(results);
        assertThat(lines).hasSize(12);
        assertThat(lines.subList(0, 4)).as("within the budget").allSatisfy(l -> assertThat(l).endsWith("status 200"));
        assertThat(lines.subList(4, 12)).as("over the budget").allSatisfy(l -> assertThat(l)
                .contains("-> io.mcpegress.bootstrap.EgressDeniedException: mcp-egress-agent denied GET")
                .contains("rule 'target-limited'").contains("reason rate-limit"));

        List<String> arrived = target.requests().stream().map(r -> r.scenario())
                .filter(s -> s != null && s.startsWith(run + ".")).toList();
        assertThat(arrived).as("only the calls within the budget reached the destination").hasSize(4);
        assertThat(target.requests()).filteredOn(r -> r.scenario() != null && r.scenario().startsWith(run + "."))
                .allMatch(r -> r.remoteAddress().equals(SquidProxy.OUTGOING_ADDRESS), "through Squid");
        List<String> squidLines = squid.accessLogLines().subList(squidBefore, squid.accessLogLines().size())
                .stream().filter(l -> l.contains("/s/" + run + ".")).toList();
        assertThat(squidLines).as("the proxy saw only those").hasSize(4);

        List<JsonNode> events = AuditLog.waitForCount(audit, 12, Duration.ofSeconds(10)).events();
        assertThat(events).hasSize(12);
        assertThat(events).filteredOn(e -> "proxy".equals(text(e, "mcp.egress.route"))).hasSize(4).allSatisfy(e -> {
            assertThat(text(e, "rule.name")).isEqualTo("target-limited");
            assertThat(text(e, "event.reason")).isEqualTo("rule");
            assertThat(text(e, "http.response.status_code")).isEqualTo("200");
        });
        assertThat(events).filteredOn(e -> "blocked".equals(text(e, "mcp.egress.route"))).hasSize(8).allSatisfy(e -> {
            assertThat(text(e, "rule.name")).isEqualTo("target-limited");
            assertThat(text(e, "rule.ruleset")).isEqualTo("budget");
            assertThat(text(e, "event.reason")).isEqualTo("rate-limit");
            assertThat(text(e, "event.outcome")).isEqualTo("failure");
            assertThat(e.path("event").path("type").toString()).contains("denied");
        });
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(PolicyProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @org.junit.jupiter.api.Test
    void aPerToolLimitGivesEachToolItsOwnBudget() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                version: 1
                default: deny
                rulesets:
                  - name: budget
                    rules:
                      - name: per-tool
                        action: allow
                        match:
                          hosts: ["127.0.0.1"]
                          tools: ["*"]
                        rate_limit: {requests: 2, per: 1h, per_tool: true}
                """);
        Path audit = dir.resolve("audit.jsonl");
        Path results = dir.resolve("results.txt");
        List<Path> classpath = new ArrayList<>(TestApps.classpath("jdk-clients"));
        classpath.add(testClasses());
        ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.policy", policy.toString())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("probe.adapter", "httpurlconnection")
                .classpath(classpath)
                .mainClass(ToolRateLimitProbe.class.getName())
                .args(results.toString(), "http://127.0.0.1:" + target.httpPort(), "rlt", "alpha", "beta")
                .timeout(Duration.ofMinutes(2))
                .run()
                .assertSuccess();

        List<String> lines = Files.readAllLines(results);
        assertThat(lines).containsExactly(
                "alpha 1 -> status 200", "alpha 2 -> status 200", lines.get(2),
                "beta 1 -> status 200", "beta 2 -> status 200", lines.get(5));
        assertThat(List.of(lines.get(2), lines.get(5))).allSatisfy(l -> assertThat(l)
                .contains("-> io.mcpegress.bootstrap.EgressDeniedException: ").contains("reason rate-limit"));
        assertThat(target.requests()).filteredOn(r -> r.scenario() != null && r.scenario().startsWith("rlt."))
                .extracting(r -> r.scenario()).containsExactlyInAnyOrder(
                        "rlt.alpha.1", "rlt.alpha.2", "rlt.beta.1", "rlt.beta.2");
        List<JsonNode> events = AuditLog.waitForCount(audit, 6, Duration.ofSeconds(10)).events();
        assertThat(events).filteredOn(e -> "rate-limit".equals(text(e, "event.reason")))
                .extracting(e -> text(e, "url.path"))
                .containsExactlyInAnyOrder("/s/rlt.alpha.3/ok", "/s/rlt.beta.3/ok");
        assertThat(events).filteredOn(e -> "rate-limit".equals(text(e, "event.reason")))
                .allSatisfy(e -> assertThat(e.toString()).containsAnyOf("\"alpha\"", "\"beta\""));
    }
}
