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
 * No domain fronting past the proxy: a call to an allowed URL whose application-set {@code Host}
 * header names a denied host is denied before anything is sent (the proxy and TLS would only see
 * the URL's host; the server behind them routes by the header). A Host header naming the URL's own
 * host:port is fine. JDK HttpClient (with {@code jdk.httpclient.allowRestrictedHeaders=host}),
 * HttpURLConnection (with {@code sun.net.http.allowRestrictedHeaders=true}), OkHttp, Apache 4
 * classic and async, Apache 5 classic and async.
 */
class HostHeaderIT extends ProxiedTargetTest {

    @ParameterizedTest
    @ValueSource(strings = {"jdk-clients", "okhttp4", "apache4", "apache-async4", "apache5-latest"})
    void aHostHeaderNamingADeniedHostIsDenied(String app) throws Exception {
        target.clear();
        Path audit = dir.resolve("audit.jsonl");
        Path results = dir.resolve("results.txt");
        List<Path> classpath = new ArrayList<>(TestApps.classpath(app));
        classpath.add(testClasses());
        String own = "127.0.0.1:" + target.httpPort();
        ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.deny", "denied.test")
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("jdk.httpclient.allowRestrictedHeaders", "host")
                .systemProperty("sun.net.http.allowRestrictedHeaders", "true")
                .classpath(classpath)
                .mainClass(HostHeaderProbe.class.getName())
                .args(results.toString(), "http://" + own, "denied.test", own)
                .timeout(Duration.ofMinutes(2))
                .run()
                .assertSuccess();

        List<String> lines = Files.readAllLines(results);
        String all = String.join("\n", lines);
        List<String> fronted = lines.stream().filter(l -> l.contains(".fronted.")).toList();
        assertThat(fronted).as(all).isNotEmpty().allSatisfy(l -> assertThat(l)
                .contains("-> io.mcpegress.bootstrap.EgressDeniedException: ")
                .contains("with Host header 'denied.test'").contains("deny-list"));
        assertThat(lines.stream().filter(l -> l.contains(".own.")).toList()).as(all)
                .hasSameSizeAs(fronted).allSatisfy(l -> assertThat(l).endsWith("status 200"));

        assertThat(target.requests()).as("nothing fronted reached the destination")
                .noneMatch(r -> r.scenario() != null && r.scenario().contains(".fronted."));
        assertThat(target.requests()).as("the calls with their own Host header did arrive")
                .filteredOn(r -> r.scenario() != null && r.scenario().contains(".own.")).hasSameSizeAs(fronted);
        List<JsonNode> events = AuditLog.waitForCount(audit, lines.size(), Duration.ofSeconds(10)).events();
        List<JsonNode> denied = events.stream().filter(e -> text(e, "url.full").contains(".fronted.")).toList();
        assertThat(denied).as("one event per fronted call").hasSameSizeAs(fronted).allSatisfy(e -> {
            assertThat(text(e, "mcp.egress.route")).isEqualTo("blocked");
            assertThat(text(e, "event.reason")).isEqualTo("deny-list");
            assertThat(text(e, "rule.name")).isEqualTo("denied.test");
            assertThat(text(e, "error.message")).contains("Host header 'denied.test'");
        });
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(HostHeaderProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
