package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.SquidProxy;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.mcpegress.testkit.AuditLog.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The policy on the call path of the JDK clients: a denied call fails with the agent's
 * IOException before anything is sent (checked at the destination and at Squid), a redirect to a
 * denied destination fails the call, monitor mode lets calls through but says which rule would
 * have stopped them. Only loopback destinations are used.
 */
class EgressPolicyIT extends ProxiedTargetTest {

    private List<String> run(Path audit, String[] props, String... urls) throws Exception {
        Path results = dir.resolve("results.txt");
        String[] args = new String[urls.length + 1];
        args[0] = results.toString();
        System.arraycopy(urls, 0, args, 1, urls.length);
        ChildJvm.Builder b = ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .classpath(TestApps.classpath("jdk-clients"))
                .mainClass("io.mcpegress.apps.jdk.PolicyApp")
                .args(args);
        for (int i = 0; i < props.length; i += 2) {
            b.systemProperty(props[i], props[i + 1]);
        }
        b.run().assertSuccess();
        return Files.readAllLines(results);
    }

    @Test
    void deniedCallsFailBeforeAnythingIsSent() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        String denied = "http://localhost:" + target.httpPort() + "/s/pol-denied/ok";
        String allowed = "http://127.0.0.1:" + target.httpPort() + "/s/pol-allowed/ok";
        String ambiguous = "http://0177.0.0.1:" + target.httpPort() + "/s/pol-octal/ok";
        int squidLinesBefore = squid.accessLogLines().size();
        List<String> results = run(audit, new String[] {"mcp.egress.deny", "localhost"}, denied, allowed, ambiguous);

        assertThat(results).filteredOn(l -> l.contains("pol-denied")).hasSize(2).allSatisfy(l -> assertThat(l)
                .contains("io.mcpegress.bootstrap.EgressDeniedException")
                .contains("mcp-egress-agent denied GET " + denied)
                .contains("deny-list"));
        assertThat(results).filteredOn(l -> l.contains("pol-octal")).hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("EgressDeniedException").contains("ambiguous-ip-literal"));
        assertThat(results).filteredOn(l -> l.contains("pol-allowed")).hasSize(2)
                .allSatisfy(l -> assertThat(l).endsWith("status 200"));

        assertThat(target.requestsFor("pol-denied")).as("nothing reached the destination").isEmpty();
        assertThat(target.requestsFor("pol-octal")).isEmpty();
        assertThat(target.requestsFor("pol-allowed")).hasSize(2);
        assertThat(squid.accessLogLines().subList(squidLinesBefore, squid.accessLogLines().size()))
                .as("nothing reached the proxy either").noneMatch(l -> l.contains("pol-denied") || l.contains("pol-octal"));

        List<JsonNode> blocked = AuditLog.read(audit).events().stream()
                .filter(e -> "blocked".equals(text(e, "mcp.egress.route"))).toList();
        assertThat(blocked).hasSize(4);
        assertThat(blocked).allSatisfy(e -> {
            assertThat(e.path("event").path("type").toString()).contains("denied");
            assertThat(text(e, "event.outcome")).isEqualTo("failure");
            assertThat(text(e, "error.type")).isEqualTo("io.mcpegress.bootstrap.EgressDeniedException");
            assertThat(text(e, "rule.ruleset")).isNotNull();
            assertThat(text(e, "event.reason")).isIn("deny-list", "ambiguous-ip-literal");
        });
    }

    @Test
    void aRedirectToADeniedDestinationFailsTheCall() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        String deniedHop = "http://localhost:" + target.httpPort() + "/s/pol-hop2/ok";
        String first = target.httpUrl("/s/pol-hop1/redirect-to?url=" + deniedHop);
        List<String> results = run(audit, new String[] {"mcp.egress.deny", "localhost"}, first);
        assertThat(results).hasSize(2).allSatisfy(l -> assertThat(l).contains("EgressDeniedException"));
        assertThat(target.requestsFor("pol-hop1")).hasSize(2);
        assertThat(target.requestsFor("pol-hop2")).isEmpty();
        List<JsonNode> events = AuditLog.read(audit).events();
        assertThat(events).extracting(e -> text(e, "http.response.status_code") + " " + text(e, "mcp.egress.route"))
                .containsExactlyInAnyOrder("302 proxy", "null blocked", "302 proxy", "null blocked");
    }

    @Test
    void blockPrivateStopsLoopbackDestinations() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        String url = target.httpUrl("/s/pol-private/ok");
        List<String> results = run(audit, new String[] {"mcp.egress.block-private", "true"}, url);
        assertThat(results).allSatisfy(l -> assertThat(l).contains("EgressDeniedException").contains("private-address"));
        assertThat(target.requestsFor("pol-private")).isEmpty();
    }

    @Test
    void monitorModeLetsCallsThroughAndRecordsTheRuleThatWouldHaveDenied() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        String url = "http://localhost:" + target.httpPort() + "/s/pol-monitor/ok";
        List<String> results = run(audit, new String[] {"mcp.egress.deny", "localhost", "mcp.egress.mode", "monitor"}, url);
        assertThat(results).hasSize(2).allSatisfy(l -> assertThat(l).endsWith("status 200"));
        assertThat(target.requestsFor("pol-monitor")).hasSize(2)
                .allMatch(r -> r.remoteAddress().equals(SquidProxy.OUTGOING_ADDRESS));
        List<JsonNode> events = AuditLog.read(audit).events();
        assertThat(events).hasSize(2).allSatisfy(e -> {
            assertThat(e.path("event").path("type").toString()).contains("denied");
            assertThat(text(e, "mcp.egress.would_deny")).isEqualTo("true");
            assertThat(text(e, "mcp.egress.route")).isEqualTo("proxy");
            assertThat(text(e, "http.response.status_code")).isEqualTo("200");
            assertThat(text(e, "event.reason")).isEqualTo("deny-list");
        });
    }

    @Test
    void theDestinationCertificateIsStillVerifiedThroughTheTunnel() throws Exception {
        // no trust store for the test CA: through the CONNECT tunnel TLS is end to end, so the
        // client itself must reject the destination's certificate
        Path audit = dir.resolve("audit.jsonl");
        String url = target.httpsUrl("/s/pol-untrusted/ok");
        List<String> results = run(audit, new String[0], url);
        assertThat(results).hasSize(2).allSatisfy(l -> assertThat(l).containsIgnoringCase("SSL"));
        assertThat(target.requestsFor("pol-untrusted")).isEmpty();
        assertThat(AuditLog.read(audit).events()).hasSize(2).allSatisfy(e -> {
            assertThat(text(e, "error.type")).containsIgnoringCase("SSL");
            assertThat(text(e, "mcp.egress.route")).isEqualTo("proxy");
        });
    }
}
