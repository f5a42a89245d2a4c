package io.mcpegress.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.RecordedRequest;
import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
import io.mcpegress.testkit.TestCertificates;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The README's first command: the stdio MCP example server ({@code examples/weather-stdio}) runs
 * under the agent, driven by the real MCP Inspector CLI; a real Squid is the egress proxy and a
 * loopback HTTPS server plays the weather API. Three tool calls: two that call the API, and one
 * where the "model" asks {@code fetch_url} for the cloud metadata endpoint (SSRF), which the agent
 * denies. Prints what the API saw (through Squid) and the audit trail, attributed to the tool calls.
 *
 * <p>Args: {@code <agent-jar> <weather-stdio-classpath> <inspector-cli-build-dir>}.
 */
public final class Demo {

    private Demo() {
    }

    public static void main(String[] args) throws Exception {
        Path agentJar = Path.of(args[0]).toAbsolutePath();
        String serverClasspath = args[1];
        Path inspector = Path.of(args[2]).toAbsolutePath();
        Path dir = Files.createTempDirectory("mcp-egress-demo");
        Path audit = dir.resolve("audit.jsonl");
        try (SquidProxy squid = SquidProxy.start(); TargetServer api = TargetServer.start()) {
            System.out.println("Squid (egress proxy) on " + squid.url() + ", its outgoing address " + SquidProxy.OUTGOING_ADDRESS
                    + "; the weather API on https://127.0.0.1:" + api.httpsPort() + "\n");
            ChildJvm.Builder server = ChildJvm.builder()
                    .agentJar(agentJar)
                    .systemProperty("mcp.egress.proxy", squid.url())
                    .systemProperty("mcp.egress.audit.file", audit.toString())
                    .systemProperty("mcp.egress.service.name", "weather-mcp")
                    .systemProperty("weather.api.base", "https://127.0.0.1:" + api.httpsPort())
                    .systemProperties(TestCertificates.get().trustStoreSystemProperties())
                    .classpath(serverClasspath)
                    .mainClass("io.mcpegress.examples.weather.WeatherServer");

            call(inspector, server, dir, "get_forecast", "city=Paris");
            call(inspector, server, dir, "get_alerts", "region=IDF");
            call(inspector, server, dir, "fetch_url", "url=http://169.254.169.254/latest/meta-data/iam/");

            System.out.println("\nWhat the weather API saw (the server's HttpClient asked for no proxy; everything came through Squid):");
            for (RecordedRequest r : api.requests()) {
                System.out.printf("  %-5s %-4s %-34s from %s%n", r.scheme(), r.method(), r.pathAndQuery(),
                        r.remoteAddress() + (r.viaProxy() ? " (Squid)" : " (direct!)"));
            }
            AuditLog log = AuditLog.read(audit);
            System.out.println("\nThe audit trail (" + audit + "): one event per outbound call, tied to the MCP tool call");
            System.out.printf("  %-13s %-3s %-4s %-58s %-6s %-8s %s%n", "tool", "id", "verb", "url", "status", "route", "rule");
            for (JsonNode e : log.events()) {
                System.out.printf("  %-13s %-3s %-4s %-58s %-6s %-8s %s%n", dash(AuditLog.text(e, "gen_ai.tool.name")),
                        dash(AuditLog.text(e, "jsonrpc.request.id")), AuditLog.text(e, "http.request.method"),
                        AuditLog.text(e, "url.full"), dash(AuditLog.text(e, "http.response.status_code")),
                        AuditLog.text(e, "mcp.egress.route"), dash(AuditLog.text(e, "rule.name")));
            }
            System.out.println("\nThe agent's own events: " + log.agentEvents().stream()
                    .map(e -> AuditLog.text(e, "event.action")).distinct().toList());
            JsonNode denied = log.events().stream().filter(e -> "blocked".equals(AuditLog.text(e, "mcp.egress.route")))
                    .findFirst().orElseThrow(() -> new IllegalStateException("the SSRF attempt was not denied"));
            System.out.println("\nThe denied SSRF attempt in full (ECS JSON):\n  " + denied);
            verify(agentJar, audit);
        }
    }

    /** The tamper evidence: the agent jar's own verifier checks the hash chain of every run in the file. */
    private static void verify(Path agentJar, Path audit) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(java.toString(), "-jar", agentJar.toString(), "verify", audit.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        int exit = p.waitFor();
        System.out.println("\njava -jar mcp-egress-agent.jar verify " + audit.getFileName() + "  (exit " + exit + "):\n  "
                + out.replace("\n", "\n  "));
    }

    /** One {@code tools/call} through the Inspector CLI, which starts the server as its stdio child. */
    private static void call(Path inspector, ChildJvm.Builder server, Path dir, String tool, String arg) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", inspector.resolve("index.js").toString()));
        command.addAll(server.command());
        command.addAll(List.of("--method", "tools/call", "--tool-name", tool, "--tool-arg", arg));
        Path out = dir.resolve(tool + ".out");
        Path err = dir.resolve(tool + ".err");
        // inspector-cli 1.0.3 finds its own package.json as ../package.json of the working directory
        Process p = new ProcessBuilder(command).directory(inspector.toFile()).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("inspector-cli failed for " + tool + ":\n" + Files.readString(out)
                    + Files.readString(err));
        }
        String result = Files.readString(out).replaceAll("\\s+", " ").trim();
        System.out.println("MCP client -> tools/call " + tool + " (" + arg + ")\n  result: "
                + (result.length() > 240 ? result.substring(0, 240) + " ..." : result));
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }
}
