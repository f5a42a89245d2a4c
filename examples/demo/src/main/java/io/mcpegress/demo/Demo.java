package io.mcpegress.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.RecordedRequest;
import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
import io.mcpegress.testkit.TestCertificates;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts a real Squid and a loopback HTTPS/HTTP server, runs {@link DemoApp} under the agent, then
 * shows what the destination saw and what the audit trail says.
 * Args: {@code <agent-jar> <demo-classpath>}.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path agentJar = Path.of(args[0]);
        Path dir = Files.createTempDirectory("mcp-egress-demo");
        Path audit = dir.resolve("audit.jsonl");
        try (SquidProxy squid = SquidProxy.start(); TargetServer target = TargetServer.start()) {
            System.out.println("Squid proxy on " + squid.url() + " (its outgoing address is " + SquidProxy.OUTGOING_ADDRESS
                    + "), destination server on 127.0.0.1\n");
            ChildJvm.Result run = ChildJvm.builder()
                    .agentJar(agentJar)
                    .systemProperty("mcp.egress.proxy", squid.url())
                    .systemProperty("mcp.egress.audit.file", audit.toString())
                    .systemProperty("mcp.egress.service.name", "demo-app")
                    .systemProperties(TestCertificates.get().trustStoreSystemProperties())
                    .classpath(args[1])
                    .mainClass(DemoApp.class.getName())
                    .args("http://127.0.0.1:" + target.httpPort(), "https://127.0.0.1:" + target.httpsPort())
                    .timeout(Duration.ofSeconds(60))
                    .run();
            System.out.println("The app's JVM said on stderr:\n  " + run.stderr().strip().replace("\n", "\n  ") + "\n");
            if (run.exitCode() != 0) {
                throw new IllegalStateException("demo app failed: " + run.output());
            }
            System.out.println("What the destination saw (the app asked for NO proxy; every request came through Squid):");
            for (RecordedRequest r : target.requests()) {
                System.out.printf("  %-5s %-6s %-22s %-9s from %s%n", r.scheme(), r.method(), r.path(), r.protocol(),
                        r.remoteAddress() + (r.viaProxy() ? " (Squid)" : " (direct!)"));
            }
            AuditLog log = AuditLog.read(audit);
            System.out.println("\nThe audit trail (" + audit + "), one event per exchange:");
            for (JsonNode e : log.events()) {
                System.out.printf("  %-4s %-60s %-4s http/%-3s route=%s client=%s%n", AuditLog.text(e, "http.request.method"),
                        AuditLog.text(e, "url.full"), nullToDash(AuditLog.text(e, "http.response.status_code")),
                        nullToDash(AuditLog.text(e, "http.version")), AuditLog.text(e, "mcp.egress.route"),
                        AuditLog.text(e, "mcp.egress.client"));
            }
            System.out.println("\nThe first event in full (ECS JSON; note the redacted api_key):\n  "
                    + Files.readAllLines(audit).get(0));
        }
    }

    private static String nullToDash(String s) {
        return s == null ? "-" : s;
    }
}
