package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
 * The connect-time check (DNS rebinding, names that resolve to private addresses): a call that goes
 * direct — its host is on the proxy bypass list, or there is no proxy — is judged again with the
 * address the socket really connects to. {@code rebind.test} resolves to 127.0.0.1 (through
 * {@code -Djdk.net.hosts.file}); with {@code block-private} on, every client family must fail the
 * call with the agent's exception before anything reaches the destination, and the exchange's own
 * event records the denial (no second, {@code uninstrumented} one). {@code exact.test} resolves to
 * the same address but a policy rule names it exactly, which lifts block-private: it arrives.
 */
class ConnectTimeCheckIT {

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
    void clear() {
        target.clear();
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    private List<String> run(String app, Path audit, boolean withProxy, String... urls) throws Exception {
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "127.0.0.1 rebind.test\n127.0.0.1 exact.test\n");
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, """
                default: allow
                rulesets:
                  - name: sidecars
                    rules:
                      - name: exact-sidecar
                        action: allow
                        match:
                          hosts: [exact.test]
                """);
        Path results = dir.resolve("results.txt");
        List<Path> classpath = new ArrayList<>(TestApps.classpath(app));
        classpath.add(testClasses());
        List<String> args = new ArrayList<>();
        args.add(results.toString());
        args.addAll(List.of(urls));
        ChildJvm.Builder b = ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .systemProperty("jdk.net.hosts.file", hosts.toString())
                .systemProperty("mcp.egress.block-private", "true")
                .systemProperty("mcp.egress.policy", policy.toString())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .classpath(classpath)
                .mainClass(PolicyProbe.class.getName())
                .args(args.toArray(String[]::new))
                .timeout(Duration.ofMinutes(2));
        if (withProxy) {
            b.systemProperty("mcp.egress.proxy", squid.url())
                    .systemProperty("mcp.egress.proxy.bypass", "rebind.test,exact.test");
        }
        b.run().assertSuccess();
        return Files.readAllLines(results);
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(PolicyProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    private String url(String host, String scenario) {
        return "http://" + host + ":" + target.httpPort() + "/s/" + scenario + ".{id}/ok";
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdk-clients", "okhttp4", "apache4", "apache-async4", "apache5-latest"})
    void aBypassedNameThatResolvesToAPrivateAddressIsDeniedAtConnectTime(String app) throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        List<String> results = run(app, audit, true, url("rebind.test", "ct-rebind"), url("exact.test", "ct-exact"));
        assertDeniedAtConnectTime(results, audit);
    }

    @Test
    void withoutAProxyTheDirectCallIsCheckedToo() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        List<String> results = run("jdk-clients", audit, false, url("rebind.test", "ct-rebind"), url("exact.test", "ct-exact"));
        assertDeniedAtConnectTime(results, audit);
    }

    private void assertDeniedAtConnectTime(List<String> results, Path audit) {
        List<String> rebind = results.stream().filter(l -> l.contains("ct-rebind")).toList();
        List<String> exact = results.stream().filter(l -> l.contains("ct-exact")).toList();
        assertThat(rebind).as(String.join("\n", results)).isNotEmpty().allSatisfy(l -> assertThat(l)
                .contains("-> io.mcpegress.bootstrap.EgressDeniedException: ")
                .doesNotContain("[cause")
                .contains("127.0.0.1:" + target.httpPort() + " (rebind.test) at connect time")
                .contains("private-address"));
        assertThat(exact).as(String.join("\n", results)).hasSameSizeAs(rebind)
                .allSatisfy(l -> assertThat(l).endsWith("status 200"));

        assertThat(target.requests()).as("nothing reached the destination through the rebound name")
                .noneMatch(r -> r.scenario() != null && r.scenario().startsWith("ct-rebind"));
        assertThat(target.requests()).filteredOn(r -> r.scenario() != null && r.scenario().startsWith("ct-exact"))
                .hasSameSizeAs(exact).allMatch(r -> r.remoteAddress().equals("127.0.0.1"));

        List<JsonNode> events = AuditLog.waitForCount(audit, rebind.size() + exact.size(), Duration.ofSeconds(10)).events();
        assertThat(events).as("no uninstrumented duplicate").noneMatch(e -> "uninstrumented".equals(text(e, "mcp.egress.route")));
        List<JsonNode> denied = events.stream().filter(e -> text(e, "url.full").contains("ct-rebind")).toList();
        assertThat(denied).as("one event per call, the exchange's own").hasSameSizeAs(rebind).allSatisfy(e -> {
            assertThat(text(e, "mcp.egress.route")).isEqualTo("blocked");
            assertThat(text(e, "event.reason")).isEqualTo("private-address");
            assertThat(text(e, "rule.name")).isEqualTo("block-private");
            assertThat(text(e, "rule.ruleset")).isEqualTo("builtin");
            assertThat(text(e, "event.outcome")).isEqualTo("failure");
            assertThat(text(e, "error.type")).isEqualTo("io.mcpegress.bootstrap.EgressDeniedException");
            assertThat(e.path("event").path("type").toString()).contains("denied");
        });
        assertThat(events).filteredOn(e -> text(e, "url.full").contains("ct-exact")).hasSameSizeAs(exact)
                .allSatisfy(e -> assertThat(text(e, "mcp.egress.route")).isEqualTo("direct"));
    }
}
