package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static io.mcpegress.testkit.AuditLog.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The weather example (an MCP server on the stdio transport, built with the official MCP Java SDK)
 * under the agent and Squid, driven by a real MCP client: the MCP Inspector CLI
 * ({@code @modelcontextprotocol/inspector-cli} from npm, installed under {@code target/} on first
 * use). Every audit event of an HTTP call made inside a tool call names that tool and the JSON-RPC
 * id of the {@code tools/call} that caused it; calls outside any tool call carry no MCP context;
 * the stdio stream stays pure JSON-RPC; a denied {@code fetch_url} (the SSRF case) fails with the
 * agent's denial as the tool's error.
 *
 * <p>The server's stdin and stdout are recorded with {@code tee} (the client starts
 * {@code sh -c "tee in | java ... | tee out"}), which is how the test learns the ids the client used
 * and checks that nothing but JSON-RPC reached stdout.
 */
class McpStdioIT {

    private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-b7ad6b7169203331-01";
    private static final ObjectMapper JSON = new ObjectMapper();

    static SquidProxy squid;
    static TargetServer target;
    static Path inspectorBuild;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() throws Exception {
        squid = SquidProxy.shared();
        target = TargetServer.start();
        inspectorBuild = installInspector();
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    @Test
    void toolsListReturnsTheToolsAndWritesOnlyJsonRpcToStdout() throws Exception {
        Session s = inspect(Map.of(), "--method", "tools/list");
        assertThat(s.clientOutput).contains("get_forecast", "get_alerts", "fetch_url");
        s.assertStdoutIsPureJsonRpc();
        assertThat(s.requestId("tools/list", null)).isNotNull();
    }

    @Test
    void eachEventNamesTheToolCallThatCausedIt() throws Exception {
        Map<String, String> props = Map.of("weather.cache.refresh.millis", "100");

        Session forecast = inspect(props, "--method", "tools/call", "--tool-name", "get_forecast",
                "--tool-arg", "city=Paris", "--tool-metadata", "traceparent=" + TRACEPARENT);
        forecast.assertStdoutIsPureJsonRpc();
        assertThat(forecast.clientOutput).contains("mcp-forecast").contains("status 200").doesNotContain("\"isError\": true");
        JsonNode f = forecast.awaitEvent(e -> text(e, "url.path").contains("mcp-forecast"));
        assertToolEvent(f, "get_forecast", forecast.requestId("tools/call", "get_forecast"));
        assertThat(text(f, "trace.id")).isEqualTo(TRACE_ID);
        assertThat(text(f, "span.id")).isEqualTo("b7ad6b7169203331");
        assertThat(text(f, "mcp.egress.route")).isEqualTo("proxy");
        assertThat(text(f, "http.response.status_code")).isEqualTo("200");

        Session alerts = inspect(props, "--method", "tools/call", "--tool-name", "get_alerts", "--tool-arg", "region=CA");
        alerts.assertStdoutIsPureJsonRpc();
        JsonNode a = alerts.awaitEvent(e -> text(e, "url.path").contains("mcp-alerts"));
        assertToolEvent(a, "get_alerts", alerts.requestId("tools/call", "get_alerts"));
        assertThat(text(a, "trace.id")).as("no traceparent sent").isNull();

        // the target is shared by the tests of this class: tell the calls apart by their arguments
        assertThat(target.requestsFor("mcp-forecast")).filteredOn(r -> "city=Paris".equals(r.query())).hasSize(1)
                .allMatch(r -> SquidProxy.OUTGOING_ADDRESS.equals(r.remoteAddress()));
        assertThat(target.requestsFor("mcp-alerts")).filteredOn(r -> "region=CA".equals(r.query())).hasSize(1)
                .allMatch(r -> SquidProxy.OUTGOING_ADDRESS.equals(r.remoteAddress()));

        // the background refresh runs on the same bounded-elastic threads as the sync tools, outside any tool call
        assertThat(forecast.events().size() + alerts.events().size()).as("the refresh ran").isGreaterThan(2);
        for (Session s : List.of(forecast, alerts)) {
            List<JsonNode> events = s.events();
            assertThat(events).filteredOn(e -> text(e, "url.path").contains("mcp-refresh")).allSatisfy(e -> {
                assertThat(e.has("gen_ai")).as("refresh event carries no tool: %s", e).isFalse();
                assertThat(e.has("jsonrpc")).isFalse();
                assertThat(e.path("mcp").has("method")).isFalse();
            });
            assertThat(events).filteredOn(e -> !text(e, "url.path").contains("mcp-refresh")).hasSize(1);
        }
    }

    @Test
    void toolCallEventsValidateAgainstEcsAndOcsf() throws Exception {
        // AuditSchemaIT validates every other kind of event; this adds the MCP-attributed fields
        EcsSchema ecs = EcsSchema.install();
        OcsfSchema ocsf = new OcsfSchema(AuditSchemaIT.OCSF_DIR);
        for (String format : List.of("ecs", "ocsf")) {
            Session s = inspect(Map.of("mcp.egress.audit.format", format), "--method", "tools/call", "--tool-name", "get_forecast",
                    "--tool-arg", "city=Lyon", "--tool-metadata", "traceparent=" + TRACEPARENT);
            s.assertStdoutIsPureJsonRpc();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (AuditLog.read(s.audit).agentEvents("agent-shutdown").isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            AuditLog log = AuditLog.read(s.audit);
            JsonNode tool = log.events().stream().filter(e -> "get_forecast".equals(text(e,
                    format.equals("ecs") ? "gen_ai.tool.name" : "unmapped.mcp.tool_name"))).findFirst().orElseThrow();
            List<String> errors = new ArrayList<>();
            for (JsonNode e : java.util.stream.Stream.concat(log.events().stream(), log.agentEvents().stream()).toList()) {
                (format.equals("ecs") ? ecs.validate(e) : ocsf.validate(e)).forEach(err -> errors.add(err + "   in " + e));
            }
            assertThat(errors).as(format).isEmpty();
            if (format.equals("ecs")) {
                // the thread-hop JDK classes are woven when the server's first session starts (deferred weaving)
                assertThat(log.agentEvents("library-instrumented")).anySatisfy(e -> {
                    assertThat(text(e, "mcp.egress.library.name")).isEqualTo("mcp-java-sdk");
                    // one event per module and location: the first of ThreadPoolExecutor, CompletableFuture, ...
                    assertThat(text(e, "mcp.egress.library.class")).startsWith("java.util.concurrent.");
                });
            }
            if (format.equals("ocsf")) {
                assertThat(text(tool, "actor.invoked_by")).isEqualTo("mcp tool get_forecast");
                assertThat(text(tool, "trace.uid")).isEqualTo(TRACE_ID);
            }
            assertThat(AuditSchemaIT.verify(s.audit)).isZero();
        }
    }

    @Test
    void fetchUrlToADeniedDestinationFailsWithTheAgentsDenialAsTheToolError() throws Exception {
        String denied = "http://localhost:" + target.httpPort() + "/s/mcp-ssrf/ok";
        Session s = inspect(Map.of("mcp.egress.deny", "localhost"),
                "--method", "tools/call", "--tool-name", "fetch_url", "--tool-arg", "url=" + denied);
        s.assertStdoutIsPureJsonRpc();
        assertThat(s.clientOutput).contains("\"isError\": true")
                .contains("io.mcpegress.bootstrap.EgressDeniedException")
                .contains("mcp-egress-agent denied GET " + denied);
        JsonNode e = s.awaitEvent(ev -> text(ev, "url.path").contains("mcp-ssrf"));
        assertToolEvent(e, "fetch_url", s.requestId("tools/call", "fetch_url"));
        assertThat(text(e, "mcp.egress.route")).isEqualTo("blocked");
        assertThat(e.path("event").path("type").toString()).contains("denied");
        assertThat(text(e, "event.reason")).isEqualTo("deny-list");
        assertThat(text(e, "error.type")).isEqualTo("io.mcpegress.bootstrap.EgressDeniedException");
        assertThat(target.requestsFor("mcp-ssrf")).as("nothing reached the destination").isEmpty();
    }

    @Test
    void aPerToolPolicyRuleLimitsGetForecastToOneHost() throws Exception {
        Path policy = dir.resolve("policy.yaml");
        Files.writeString(policy, String.join("\n",
                "version: 1",
                "default: allow",
                "rulesets:",
                "  - name: weather",
                "    rules:",
                "      - name: forecast-api-only",
                "        action: allow",
                "        match:",
                "          tools: [get_forecast]",
                "          hosts: [127.0.0.1]",
                "      - name: forecast-nothing-else",
                "        action: deny",
                "        match:",
                "          tools: [get_forecast]",
                ""));
        // the API base names the same loopback target by another name: not the host the rule allows
        Map<String, String> props = new LinkedHashMap<>();
        props.put("mcp.egress.policy", policy.toString());
        props.put("weather.api.base", "http://localhost:" + target.httpPort());
        Session viaOtherHost = inspect(props, "--method", "tools/call", "--tool-name", "get_forecast", "--tool-arg", "city=Oslo");
        assertThat(viaOtherHost.clientOutput).contains("\"isError\": true").contains("forecast-nothing-else");
        JsonNode denied = viaOtherHost.awaitEvent(e -> text(e, "url.path").contains("mcp-forecast"));
        assertToolEvent(denied, "get_forecast", viaOtherHost.requestId("tools/call", "get_forecast"));
        assertThat(text(denied, "rule.name")).isEqualTo("forecast-nothing-else");
        assertThat(text(denied, "mcp.egress.route")).isEqualTo("blocked");

        // the same host from another tool is allowed (the rules are per tool)
        Session otherTool = inspect(props, "--method", "tools/call", "--tool-name", "get_alerts", "--tool-arg", "region=NO");
        assertThat(otherTool.clientOutput).doesNotContain("\"isError\": true");
        JsonNode allowed = otherTool.awaitEvent(e -> text(e, "url.path").contains("mcp-alerts"));
        assertThat(text(allowed, "mcp.egress.route")).isEqualTo("proxy");
        assertThat(text(allowed, "gen_ai.tool.name")).isEqualTo("get_alerts");
    }

    private static void assertToolEvent(JsonNode e, String tool, String requestId) {
        assertThat(text(e, "gen_ai.tool.name")).as("tool of %s", e).isEqualTo(tool);
        assertThat(text(e, "gen_ai.operation.name")).isEqualTo("execute_tool");
        assertThat(text(e, "jsonrpc.request.id")).as("request id of %s", e).isEqualTo(requestId);
        assertThat(text(e, "mcp.method.name")).isEqualTo("tools/call");
        assertThat(text(e, "mcp.session.id")).isNotBlank();
        assertThat(text(e, "mcp.client.name")).isEqualTo("inspector-cli");
        assertThat(text(e, "mcp.client.version")).isNotBlank();
        assertThat(text(e, "mcp.server.name")).isEqualTo("weather-stdio");
        assertThat(text(e, "mcp.server.version")).isEqualTo("1.0.0");
        assertThat(text(e, "mcp.egress.client")).startsWith("jdk-httpclient/");
    }

    /** One client session: the Inspector CLI starts the server, makes one call, and closes. */
    private Session inspect(Map<String, String> serverProps, String... cliArgs) throws Exception {
        Path run = Files.createTempDirectory(dir, "session-");
        Path audit = run.resolve("audit.jsonl");
        Path in = run.resolve("stdin.jsonl");
        Path out = run.resolve("stdout.jsonl");
        ChildJvm.Builder server = ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("weather.api.base", "http://127.0.0.1:" + target.httpPort())
                .classpath(exampleClasspath())
                .mainClass("io.mcpegress.examples.weather.WeatherServer");
        serverProps.forEach(server::systemProperty);
        String serverCommand = server.command().stream().map(McpStdioIT::shellQuote).collect(Collectors.joining(" "));

        List<String> command = new ArrayList<>(List.of("node", inspectorBuild.resolve("index.js").toString(),
                "sh", "-c", "tee -a " + shellQuote(in.toString()) + " | " + serverCommand
                        + " | tee -a " + shellQuote(out.toString())));
        command.addAll(List.of(cliArgs));
        Path clientOut = run.resolve("client-stdout.txt");
        Path clientErr = run.resolve("client-stderr.txt");
        // the CLI finds its own package.json through "../package.json" relative to the working directory
        Process p = new ProcessBuilder(command).directory(inspectorBuild.toFile())
                .redirectOutput(clientOut.toFile()).redirectError(clientErr.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("MCP Inspector CLI did not finish: " + command);
        }
        String stdout = Files.readString(clientOut);
        String stderr = Files.readString(clientErr);
        assertThat(p.exitValue()).as("client exit code; stdout:\n%s\nstderr:\n%s", stdout, stderr).isZero();
        // the server's stderr reaches the client's stderr: the agent reported no class it could not instrument
        assertThat(stderr).doesNotContain("could not instrument");
        return new Session(stdout + "\n" + stderr, audit, in, out);
    }

    private static List<Path> exampleClasspath() {
        Path module = Path.of(System.getProperty("mcp.egress.it.appsDir", "..")).resolve("../examples/weather-stdio")
                .toAbsolutePath().normalize();
        List<Path> cp = new ArrayList<>();
        cp.add(module.resolve("target/classes"));
        try {
            for (String entry : Files.readString(module.resolve("target/app-classpath.txt")).trim().split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    cp.add(Path.of(entry));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("weather-stdio example not built (mvn install from the repository root)", e);
        }
        return cp;
    }

    private static String shellQuote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** Installs the Inspector CLI under target/ once; returns its build directory. */
    private static Path installInspector() throws Exception {
        return InspectorCli.install();
    }

    private static final class Session {
        final String clientOutput;
        final Path audit;
        final Path in;
        final Path out;

        Session(String clientOutput, Path audit, Path in, Path out) {
            this.clientOutput = clientOutput;
            this.audit = audit;
            this.in = in;
            this.out = out;
        }

        List<JsonNode> events() {
            return AuditLog.read(audit).events();
        }

        /** The server JVM may still be flushing after the client exits: poll. */
        JsonNode awaitEvent(Predicate<JsonNode> matcher) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                List<JsonNode> found = events().stream().filter(e -> text(e, "url.path") != null).filter(matcher).toList();
                if (!found.isEmpty()) {
                    assertThat(found).as("one event per call").hasSize(1);
                    return found.get(0);
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no matching audit event in " + audit + ":\n" + AuditLog.read(audit)
                            + "\nclient output:\n" + clientOutput);
                }
                sleep();
            }
        }

        /** The id the client gave its request with this method (and, for tools/call, this tool). */
        String requestId(String method, String tool) throws IOException {
            for (JsonNode m : lines(in)) {
                if (method.equals(m.path("method").asText()) && m.has("id")
                        && (tool == null || tool.equals(m.path("params").path("name").asText()))) {
                    return m.get("id").asText();
                }
            }
            throw new AssertionError("client sent no " + method + " " + tool + " request: " + Files.readString(in));
        }

        /** Every line the server wrote to stdout is a JSON-RPC 2.0 message: the agent added nothing. */
        void assertStdoutIsPureJsonRpc() throws IOException {
            List<JsonNode> messages = lines(out);
            assertThat(messages).isNotEmpty().allSatisfy(m -> assertThat(m.path("jsonrpc").asText()).isEqualTo("2.0"));
        }

        private static List<JsonNode> lines(Path file) throws IOException {
            List<JsonNode> nodes = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank()) {
                    continue;
                }
                try {
                    nodes.add(JSON.readTree(line));
                } catch (IOException e) {
                    throw new AssertionError("not JSON-RPC on the stdio stream of " + file + ": " + line, e);
                }
            }
            return nodes;
        }

        private static void sleep() {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
