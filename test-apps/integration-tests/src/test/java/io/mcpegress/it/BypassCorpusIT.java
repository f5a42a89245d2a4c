package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.Jdks;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.mcpegress.testkit.AuditLog.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bypass corpus (acceptance): in enforce mode, with Squid as the proxy and
 * {@code block-private} on, every client family tries every spelling of the loopback target and of
 * the cloud metadata endpoints ({@link BypassCorpusProbe#CORPUS}: decimal, hex, octal-looking,
 * short forms, IPv4-mapped and NAT64 IPv6, trailing dots, mixed case, userinfo, percent-encoding),
 * plus raw sockets and channels (also {@code AsynchronousSocketChannel}), a raw SSL socket, a custom SSLSocketFactory and reflection into a
 * built client's proxy field. One child JVM per test app per JDK.
 *
 * <p>Nothing reaches the destination (the target server records every request) nor the proxy
 * (Squid's access log), and every attempt either was denied by the agent — the application saw
 * {@code EgressDeniedException} and there is a denied event for it — or was refused by the client
 * library itself before any connection (a URL it cannot parse, a name it cannot resolve).
 */
class BypassCorpusIT extends ProxiedTargetTest {

    static final List<String> APPS = List.of("jdk-clients", "okhttp3", "okhttp4", "okhttp5", "apache4", "apache-async4", "apache5-latest",
            "jetty-client");

    static Stream<Arguments> appsAndJdks() {
        return APPS.stream().flatMap(app -> Jdks.all().stream().map(jdk -> Arguments.of(app, jdk)));
    }

    @ParameterizedTest(name = "{0} on {1}")
    @MethodSource("appsAndJdks")
    void noTrickReachesTheDestinationOrTheProxyAndEveryAttemptIsDeniedWithAnEvent(String app, Path jdk) throws Exception {
        target.clear();
        Path audit = dir.resolve("audit.jsonl");
        Path results = dir.resolve("results.txt");
        List<Path> classpath = new ArrayList<>(TestApps.classpath(app));
        classpath.add(testClasses());
        int squidBefore = squid.accessLogLines().size();
        ChildJvm.builder()
                .javaHome(jdk)
                .agentJar(TestApps.agentJar())
                .jvmArg("--add-opens=java.net.http/jdk.internal.net.http=ALL-UNNAMED") // the reflection trick
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.mode", "enforce")
                .systemProperty("mcp.egress.block-private", "true")
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .classpath(classpath)
                .mainClass(BypassCorpusProbe.class.getName())
                .args(results.toString(), String.valueOf(target.httpPort()), String.valueOf(target.httpsPort()))
                .timeout(Duration.ofMinutes(3))
                .run()
                .assertSuccess();

        List<String> lines = Files.readAllLines(results);
        String all = String.join("\n", lines);
        List<String> denied = lines.stream().filter(l -> l.contains("EgressDeniedException")).toList();
        List<String> refusedByClient = lines.stream().filter(l -> !l.contains("EgressDeniedException")).toList();
        assertThat(denied).as(all).hasSizeGreaterThanOrEqualTo(30);
        assertThat(refusedByClient).as("anything not denied by the agent failed in the client before connecting:\n" + all)
                .allSatisfy(l -> assertThat(l).containsAnyOf("java.net.UnknownHostException", "IllegalArgumentException",
                        "URISyntaxException", "MalformedURLException", "UnresolvedAddressException",
                        "Invalid URL host", "unexpected host", "Invalid host", "Invalid URI host", "unsupported URI"))
                .noneMatch(l -> l.contains("status "));

        assertThat(target.requests()).as("nothing reached the destination")
                .noneMatch(r -> r.scenario() != null && r.scenario().startsWith("bp."));
        assertThat(target.requests()).as("no raw connection arrived either").isEmpty();
        List<String> squidLines = squid.accessLogLines().subList(squidBefore, squid.accessLogLines().size());
        assertThat(squidLines).as("nothing reached the proxy")
                .noneMatch(l -> l.contains("/s/bp.") || l.contains(":" + target.httpPort()) || l.contains(":" + target.httpsPort())
                        || l.contains("169.254.") || l.contains("metadata"));

        List<JsonNode> events = AuditLog.waitForCount(audit, denied.size(), Duration.ofSeconds(10)).events();
        assertThat(events).as("every event is a denial").allSatisfy(e -> {
            assertThat(e.path("event").path("type").toString()).contains("denied");
            assertThat(text(e, "event.outcome")).isEqualTo("failure");
            assertThat(text(e, "mcp.egress.route")).isIn("blocked", "uninstrumented");
        });
        List<JsonNode> uninstrumented = events.stream().filter(e -> "uninstrumented".equals(text(e, "mcp.egress.route"))).toList();
        int deniedUninstrumented = 0;
        for (String line : denied) {
            String id = line.substring(0, line.indexOf(' '));
            List<JsonNode> own = events.stream().filter(e -> String.valueOf(text(e, "url.full")).contains("/s/" + id + "/")).toList();
            if (own.isEmpty()) {
                deniedUninstrumented++; // a raw connection or an uninstrumented client: the guard's event
            } else {
                assertThat(own).as("one denied event for " + line).hasSize(1);
            }
        }
        assertThat(uninstrumented).as("a guard event for each attempt no client instrumentation saw")
                .hasSizeGreaterThanOrEqualTo(deniedUninstrumented);
        if (app.equals("jdk-clients")) {
            assertThat(lines).filteredOn(l -> l.startsWith("bp.raw.async-channel")).hasSize(2)
                    .allSatisfy(l -> assertThat(l).contains("-> io.mcpegress.bootstrap.EgressDeniedException: "));
            assertThat(uninstrumented).as("AsynchronousSocketChannel meets the socket guard")
                    .filteredOn(e -> "async-socket-channel".equals(text(e, "mcp.egress.client"))).hasSize(2);
        }
        if (app.equals("jetty-client")) {
            assertThat(uninstrumented).as("the uninstrumented Jetty client meets the socket guard").isNotEmpty()
                    .allSatisfy(e -> assertThat(text(e, "mcp.egress.client")).isEqualTo("socket-channel"));
        }
    }

    private static Path testClasses() throws URISyntaxException {
        return Path.of(BypassCorpusProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
