package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.Jdks;
import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.mcpegress.testkit.AuditLog.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.DynamicContainer.dynamicContainer;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

/**
 * The weather-http example (an MCP server on the streamable HTTP transport, and on the stateless
 * one, built with the official MCP Java SDK's servlet transport in Jetty; tools on OkHttp and Apache
 * HttpClient 5 async) under the agent and Squid, on every JDK of {@link Jdks}. One server JVM per
 * (transport, JDK) runs all its scenarios:
 * <ul>
 *   <li>the real MCP Inspector CLI ({@code --transport http}) makes tool calls through a small
 *       recording reverse proxy (how the test learns the ids and the session the client used): each
 *       event names the tool, the JSON-RPC id, the session and the trace of the call that caused it;</li>
 *   <li>50 interleaved concurrent {@code tools/call} on ONE session (raw JSON-RPC over HTTP, ids
 *       chosen by the test): no event carries another call's context;</li>
 *   <li>a tool that hops through {@code CompletableFuture.supplyAsync}, a {@code ForkJoinPool}, a
 *       virtual thread (JDK 21+) and a scheduled executor: every hop keeps the tool call;</li>
 *   <li>background calls outside any tool call, on the very pools the tools used: no MCP fields.</li>
 * </ul>
 * Routing is checked at the destination: the target sees Squid's outgoing address.
 */
class McpHttpIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE_ID + "-00f067aa0ba902b7-01";
    private static final Pattern LISTENING = Pattern.compile("weather-http listening on (http://\\S+)");

    static SquidProxy squid;
    static TargetServer target;
    static Path inspectorBuild;
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        squid = SquidProxy.shared();
        target = TargetServer.start();
        inspectorBuild = InspectorCli.install();
        dir = Files.createTempDirectory("mcp-http-it-");
    }

    @AfterAll
    static void stop() {
        if (target != null) {
            target.close();
        }
    }

    /** Every JDK with the SDK the example is built with, and the newest JDK with the newest SDK line too. */
    private static Stream<Setup> setups(String transport) {
        List<Path> jdks = Jdks.all();
        Stream<Setup> built = jdks.stream().map(jdk -> new Setup(jdk, transport, false));
        return Stream.concat(built, Stream.of(new Setup(jdks.get(jdks.size() - 1), transport, true)));
    }

    @TestFactory
    Stream<DynamicNode> streamableHttp() {
        return setups("streamable").map(setup -> {
            String run = setup.runId();
            Lazy server = new Lazy(setup);
            Path jdk = setup.jdk();
            return dynamicContainer("streamable HTTP, " + setup, Stream.of(
                    dynamicTest("inspector-cli: each event names the tool call that caused it",
                            () -> inspectorToolCalls(server.get(), run)),
                    dynamicTest("inspector-cli: fetch_url to a denied host fails with the agent's denial",
                            () -> deniedFetchUrl(server.get(), run)),
                    dynamicTest("50 interleaved tool calls on one session never mix contexts",
                            () -> concurrentCallsOnOneSession(server.get(), run)),
                    dynamicTest("thread hops inside a tool keep its context",
                            () -> threadHops(server.get(), run, jdk, true)),
                    dynamicTest("calls outside any tool call carry no MCP fields",
                            () -> backgroundCallsHaveNoContext(server.get())),
                    dynamicTest("stop", server::close)));
        });
    }

    @TestFactory
    Stream<DynamicContainer> statelessHttp() {
        return setups("stateless").map(setup -> {
            String run = setup.runId();
            Lazy server = new Lazy(setup);
            return dynamicContainer("stateless HTTP, " + setup, Stream.of(
                    dynamicTest("a tool call and its thread hops are attributed, without a session",
                            () -> threadHops(server.get(), run, setup.jdk(), false)),
                    dynamicTest("stop", server::close)));
        });
    }

    /** One server JVM: JDK, transport, and whether the newest SDK line replaces the built one. */
    private record Setup(Path jdk, String transport, boolean latestSdk) {
        String runId() {
            return ("stateless".equals(transport) ? "s" : "h") + Jdks.featureVersion(jdk) + (latestSdk ? "x" : "");
        }

        @Override
        public String toString() {
            return "JDK " + Jdks.featureVersion(jdk) + ", MCP SDK " + (latestSdk ? "latest line" : "as built");
        }
    }

    // ---- scenarios

    private void inspectorToolCalls(WeatherHttp server, String run) throws Exception {
        try (RecordingProxy proxy = RecordingProxy.start(server.endpoint)) {
            String city = "Paris-" + run;
            String out = inspect(proxy, "--method", "tools/call", "--tool-name", "get_forecast",
                    "--tool-arg", "city=" + city, "--tool-metadata", "traceparent=" + TRACEPARENT);
            assertThat(out).contains("mcp-forecast").contains("status 200").doesNotContain("\"isError\": true");
            JsonNode forecastCall = proxy.toolCall("get_forecast", city);
            JsonNode f = server.awaitEvent(e -> text(e, "url.path").contains("mcp-forecast")
                    && ("city=" + city).equals(text(e, "url.query")));
            assertToolEvent(f, "get_forecast", forecastCall.get("id").asText(), proxy.sessionOf(forecastCall), "inspector-cli");
            assertThat(text(f, "mcp.egress.client")).startsWith("okhttp/");
            assertThat(text(f, "trace.id")).isEqualTo(TRACE_ID);
            assertThat(text(f, "span.id")).isEqualTo("00f067aa0ba902b7");
            assertThat(text(f, "mcp.egress.route")).isEqualTo("proxy");
            assertThat(text(f, "http.response.status_code")).isEqualTo("200");

            String region = "CA-" + run;
            out = inspect(proxy, "--method", "tools/call", "--tool-name", "get_alerts", "--tool-arg", "region=" + region);
            assertThat(out).contains("status 200").doesNotContain("\"isError\": true");
            JsonNode alertsCall = proxy.toolCall("get_alerts", region);
            JsonNode a = server.awaitEvent(e -> text(e, "url.path").contains("mcp-alerts")
                    && ("region=" + region).equals(text(e, "url.query")));
            assertToolEvent(a, "get_alerts", alertsCall.get("id").asText(), proxy.sessionOf(alertsCall), "inspector-cli");
            assertThat(text(a, "mcp.egress.client")).startsWith("apache-httpclient5-async/");
            assertThat(text(a, "trace.id")).as("no traceparent sent").isNull();
            assertThat(proxy.sessionOf(alertsCall)).as("each CLI run is its own session")
                    .isNotEqualTo(proxy.sessionOf(forecastCall));

            assertThat(target.requestsFor("mcp-forecast")).filteredOn(r -> ("city=" + city).equals(r.query())).hasSize(1)
                    .allMatch(r -> SquidProxy.OUTGOING_ADDRESS.equals(r.remoteAddress()));
            assertThat(target.requestsFor("mcp-alerts")).filteredOn(r -> ("region=" + region).equals(r.query())).hasSize(1)
                    .allMatch(r -> SquidProxy.OUTGOING_ADDRESS.equals(r.remoteAddress()));
        }
    }

    private void deniedFetchUrl(WeatherHttp server, String run) throws Exception {
        try (RecordingProxy proxy = RecordingProxy.start(server.endpoint)) {
            String denied = "http://localhost:" + target.httpPort() + "/s/mcp-ssrf/ok?run=" + run;
            String out = inspect(proxy, "--method", "tools/call", "--tool-name", "fetch_url", "--tool-arg", "url=" + denied);
            assertThat(out).contains("\"isError\": true")
                    .contains("io.mcpegress.bootstrap.EgressDeniedException")
                    .contains("mcp-egress-agent denied GET " + denied);
            JsonNode call = proxy.toolCall("fetch_url", denied);
            JsonNode e = server.awaitEvent(ev -> text(ev, "url.path").contains("mcp-ssrf")
                    && ("run=" + run).equals(text(ev, "url.query")));
            assertToolEvent(e, "fetch_url", call.get("id").asText(), proxy.sessionOf(call), "inspector-cli");
            assertThat(text(e, "mcp.egress.client")).startsWith("apache-httpclient5-async/");
            assertThat(text(e, "mcp.egress.route")).isEqualTo("blocked");
            assertThat(text(e, "event.reason")).isEqualTo("deny-list");
            assertThat(target.requestsFor("mcp-ssrf")).as("nothing reached the destination")
                    .noneMatch(r -> ("run=" + run).equals(r.query()));
        }
    }

    private void concurrentCallsOnOneSession(WeatherHttp server, String run) throws Exception {
        RawClient client = new RawClient(server.endpoint);
        client.initialize();
        assertThat(client.sessionId).isNotBlank();
        int n = 50;
        List<CompletableFuture<JsonNode>> calls = new ArrayList<>();
        Map<String, String> toolOf = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String id = run + "-call-" + i;
            String value = run + "-c" + i;
            boolean forecast = i % 2 == 0;
            toolOf.put(value, forecast ? "get_forecast" : "get_alerts");
            calls.add(client.callAsync(id, forecast ? "get_forecast" : "get_alerts", forecast ? "city" : "region", value));
        }
        for (CompletableFuture<JsonNode> call : calls) {
            JsonNode response = call.get(120, TimeUnit.SECONDS);
            assertThat(response.path("result").path("isError").asBoolean(true)).as("%s", response).isFalse();
        }
        List<JsonNode> events = server.awaitEvents(e -> text(e, "url.query") != null
                && text(e, "url.query").matches("(city|region)=" + run + "-c\\d+"), n);
        assertThat(events).hasSize(n);
        for (JsonNode e : events) {
            String value = text(e, "url.query").substring(text(e, "url.query").indexOf('=') + 1);
            String i = value.substring((run + "-c").length());
            assertToolEvent(e, toolOf.get(value), run + "-call-" + i, client.sessionId, "mcp-http-it");
            assertThat(text(e, "mcp.egress.route")).isEqualTo("proxy");
        }
        assertThat(maxOverlap(events)).as("the calls really ran at the same time").isGreaterThan(1);
        assertThat(target.requests()).filteredOn(r -> r.query() != null && r.query().matches("(city|region)=" + run + "-c\\d+"))
                .hasSize(n).allMatch(r -> SquidProxy.OUTGOING_ADDRESS.equals(r.remoteAddress()));
    }

    /** The most exchanges in flight at once, from the events' start and end. */
    private static int maxOverlap(List<JsonNode> events) {
        List<long[]> points = new ArrayList<>();
        for (JsonNode e : events) {
            points.add(new long[] {nanos(text(e, "event.start")), 1});
            points.add(new long[] {nanos(text(e, "event.end")), -1});
        }
        points.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(a[1], b[1]));
        int current = 0;
        int max = 0;
        for (long[] p : points) {
            current += (int) p[1];
            max = Math.max(max, current);
        }
        return max;
    }

    private static long nanos(String timestamp) {
        java.time.Instant i = java.time.Instant.parse(timestamp);
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    private void threadHops(WeatherHttp server, String run, Path jdk, boolean stateful) throws Exception {
        RawClient client = new RawClient(server.endpoint);
        client.initialize();
        assertThat(client.sessionId != null).as("session id iff stateful").isEqualTo(stateful);
        String city = "Outlook-" + run;
        JsonNode response = client.call(run + "-outlook", "get_outlook", "city", city);
        assertThat(response.path("result").path("isError").asBoolean(true)).as("%s", response).isFalse();
        List<String> hops = List.of("mcp-hop-cf", "mcp-hop-fj", "mcp-hop-vt", "mcp-hop-sched", "mcp-hop-then");
        for (String hop : hops) {
            JsonNode e = server.awaitEvent(ev -> text(ev, "url.path").contains(hop) && ("city=" + city).equals(text(ev, "url.query")));
            assertToolEvent(e, "get_outlook", run + "-outlook", client.sessionId, stateful ? "mcp-http-it" : null);
        }
        // a forecast too, the plain path of this transport
        String other = "Plain-" + run;
        client.call(run + "-plain", "get_forecast", "city", other);
        assertToolEvent(server.awaitEvent(ev -> ("city=" + other).equals(text(ev, "url.query"))), "get_forecast",
                run + "-plain", client.sessionId, stateful ? "mcp-http-it" : null);
        if (Jdks.featureVersion(jdk) >= 21) {
            assertThat(server.log()).doesNotContain("could not instrument java.lang.VirtualThread");
        }
    }

    private void backgroundCallsHaveNoContext(WeatherHttp server) throws IOException {
        // the refresh runs every 200 ms on the pools the tools used; wait for runs after the tool calls above
        int before = server.events(e -> text(e, "url.path").contains("mcp-refresh-fj")).size();
        server.awaitEvents(e -> text(e, "url.path").contains("mcp-refresh-fj"), before + 3);
        List<JsonNode> background = server.events(e -> text(e, "url.path").contains("mcp-refresh"));
        assertThat(background).extracting(e -> text(e, "url.path"))
                .anyMatch(p -> p.contains("mcp-refresh-cf")).anyMatch(p -> p.contains("mcp-refresh-fj"));
        assertThat(background).allSatisfy(e -> {
            assertThat(e.has("gen_ai")).as("background event carries no tool: %s", e).isFalse();
            assertThat(e.has("jsonrpc")).as("%s", e).isFalse();
            assertThat(e.path("mcp").has("method")).as("%s", e).isFalse();
            assertThat(e.path("mcp").has("session")).as("%s", e).isFalse();
        });
        assertThat(server.log()).doesNotContain("could not instrument");
    }

    private static void assertToolEvent(JsonNode e, String tool, String requestId, String sessionId, String clientName) {
        assertThat(text(e, "gen_ai.tool.name")).as("tool of %s", e).isEqualTo(tool);
        assertThat(text(e, "gen_ai.operation.name")).isEqualTo("execute_tool");
        assertThat(text(e, "jsonrpc.request.id")).as("request id of %s", e).isEqualTo(requestId);
        assertThat(text(e, "mcp.method.name")).isEqualTo("tools/call");
        assertThat(text(e, "mcp.session.id")).as("session of %s", e).isEqualTo(sessionId);
        assertThat(text(e, "mcp.client.name")).as("client of %s", e).isEqualTo(clientName);
        assertThat(text(e, "mcp.server.name")).isEqualTo("weather-http");
        assertThat(text(e, "mcp.server.version")).isEqualTo("1.0.0");
    }

    /** One Inspector CLI run ({@code --transport http}) against the server, through the recording proxy. */
    private static String inspect(RecordingProxy proxy, String... cliArgs) throws Exception {
        List<String> command = new ArrayList<>(List.of("node", inspectorBuild.resolve("index.js").toString(),
                proxy.endpoint().toString(), "--transport", "http"));
        command.addAll(List.of(cliArgs));
        Path runDir = Files.createTempDirectory(dir, "cli-");
        Path out = runDir.resolve("stdout.txt");
        Path err = runDir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).directory(inspectorBuild.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("MCP Inspector CLI did not finish: " + command);
        }
        String stdout = Files.readString(out);
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as("client exit code; stdout:\n%s\nstderr:\n%s", stdout, stderr).isZero();
        return stdout + "\n" + stderr;
    }

    // ---- the server under test

    /** Starts the server of one (transport, JDK) on first use; the container's last test stops it. */
    private static final class Lazy implements AutoCloseable {
        private final Setup setup;
        private WeatherHttp server;

        Lazy(Setup setup) {
            this.setup = setup;
        }

        synchronized WeatherHttp get() throws Exception {
            if (server == null) {
                server = WeatherHttp.start(setup);
            }
            return server;
        }

        @Override
        public synchronized void close() {
            if (server != null) {
                server.close();
                server = null;
            }
        }
    }

    private static final class WeatherHttp implements AutoCloseable {
        final Process process;
        final Path audit;
        final Path log;
        final URI endpoint;

        private WeatherHttp(Process process, Path audit, Path log, URI endpoint) {
            this.process = process;
            this.audit = audit;
            this.log = log;
            this.endpoint = endpoint;
        }

        static WeatherHttp start(Setup setup) throws Exception {
            Path runDir = Files.createTempDirectory(dir, "server-" + setup.runId() + "-");
            Path audit = runDir.resolve("audit.jsonl");
            Path log = runDir.resolve("server.log");
            List<String> command = ChildJvm.builder()
                    .javaHome(setup.jdk())
                    .agentJar(TestApps.agentJar())
                    .systemProperty("mcp.egress.proxy", squid.url())
                    .systemProperty("mcp.egress.audit.file", audit.toString())
                    .systemProperty("mcp.egress.deny", "localhost")
                    .systemProperty("weather.api.base", "http://127.0.0.1:" + target.httpPort())
                    .systemProperty("weather.api.delay.millis", "50")
                    .systemProperty("weather.cache.refresh.millis", "200")
                    .systemProperty("weather.http.port", "0")
                    .systemProperty("weather.transport", setup.transport())
                    .classpath(exampleClasspath(setup.latestSdk()))
                    .mainClass("io.mcpegress.examples.weatherhttp.WeatherHttpServer")
                    .command();
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
            while (true) {
                Matcher m = LISTENING.matcher(Files.readString(log));
                if (m.find()) {
                    return new WeatherHttp(p, audit, log, URI.create(m.group(1)));
                }
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new AssertionError("weather-http did not start: " + command + "\n" + Files.readString(log));
                }
                Thread.sleep(100);
            }
        }

        String log() throws IOException {
            return Files.readString(log);
        }

        List<JsonNode> events(Predicate<JsonNode> matcher) {
            if (!Files.exists(audit)) {
                return List.of();
            }
            return AuditLog.read(audit).events().stream().filter(e -> text(e, "url.path") != null).filter(matcher).toList();
        }

        /** Exactly one matching event (the writer flushes on its own schedule: poll). */
        JsonNode awaitEvent(Predicate<JsonNode> matcher) {
            List<JsonNode> found = awaitEvents(matcher, 1);
            assertThat(found).as("one event per call").hasSize(1);
            return found.get(0);
        }

        List<JsonNode> awaitEvents(Predicate<JsonNode> matcher, int count) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (true) {
                List<JsonNode> found = events(matcher);
                if (found.size() >= count) {
                    return found;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("expected " + count + " matching audit events, found " + found.size()
                            + " in " + audit);
                }
                try {
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }

        @Override
        public void close() {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** The example's class path; with {@code latestSdk}, the newest SDK line's jars instead of the built ones. */
        private static List<Path> exampleClasspath(boolean latestSdk) throws IOException {
            Path module = Path.of(System.getProperty("mcp.egress.it.appsDir", "..")).resolve("../examples/weather-http")
                    .toAbsolutePath().normalize();
            List<Path> cp = new ArrayList<>();
            cp.add(module.resolve("target/classes"));
            try {
                for (String entry : Files.readString(module.resolve("target/app-classpath.txt")).trim().split(File.pathSeparator)) {
                    if (!entry.isEmpty() && !(latestSdk && entry.contains("io/modelcontextprotocol/sdk/"))) {
                        cp.add(Path.of(entry));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("weather-http example not built (mvn install from the repository root)", e);
            }
            if (latestSdk) {
                try (Stream<Path> jars = Files.list(module.resolve("target/mcp-sdk-latest"))) {
                    List<Path> sdk = jars.filter(j -> j.toString().endsWith(".jar")).toList();
                    assertThat(sdk).as("mcp, mcp-core, mcp-json-jackson3 of the newest line").hasSize(3);
                    cp.addAll(sdk);
                }
            }
            return cp;
        }
    }

    // ---- clients

    /** JSON-RPC over streamable HTTP, ids chosen by the caller. */
    private static final class RawClient {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private final URI endpoint;
        String sessionId;

        RawClient(URI endpoint) {
            this.endpoint = endpoint;
        }

        void initialize() throws Exception {
            ObjectNode params = JSON.createObjectNode().put("protocolVersion", "2025-06-18");
            params.putObject("capabilities");
            params.putObject("clientInfo").put("name", "mcp-http-it").put("version", "1.0");
            HttpResponse<String> response = http.send(request(message("init", "initialize", params)),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            sessionId = response.headers().firstValue("Mcp-Session-Id").orElse(null);
            ObjectNode initialized = JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized");
            HttpResponse<String> ack = http.send(request(initialized), HttpResponse.BodyHandlers.ofString());
            assertThat(ack.statusCode()).as(ack.body()).isBetween(200, 299);
        }

        JsonNode call(String id, String tool, String argument, String value) throws Exception {
            return callAsync(id, tool, argument, value).get(120, TimeUnit.SECONDS);
        }

        CompletableFuture<JsonNode> callAsync(String id, String tool, String argument, String value) {
            ObjectNode params = JSON.createObjectNode().put("name", tool);
            params.putObject("arguments").put(argument, value);
            return http.sendAsync(request(message(id, "tools/call", params)), HttpResponse.BodyHandlers.ofString())
                    .thenApply(r -> {
                        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                        return response(r.body(), id);
                    });
        }

        private HttpRequest request(JsonNode message) {
            HttpRequest.Builder b = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json, text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(message.toString()));
            if (sessionId != null) {
                b.header("Mcp-Session-Id", sessionId);
            }
            return b.build();
        }

        private static ObjectNode message(String id, String method, JsonNode params) {
            ObjectNode m = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id).put("method", method);
            m.set("params", params);
            return m;
        }

        /** The response with this id from a JSON body or an SSE stream of messages. */
        private static JsonNode response(String body, String id) {
            try {
                List<String> candidates = new ArrayList<>();
                if (body.trim().startsWith("{")) {
                    candidates.add(body);
                } else {
                    for (String line : body.split("\r?\n")) {
                        if (line.startsWith("data:")) {
                            candidates.add(line.substring(5).trim());
                        }
                    }
                }
                for (String c : candidates) {
                    JsonNode node = JSON.readTree(c);
                    if (id.equals(node.path("id").asText()) && (node.has("result") || node.has("error"))) {
                        return node;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new AssertionError("no response to " + id + " in: " + body);
        }
    }

    /**
     * A reverse proxy between the Inspector CLI and the server that records every JSON-RPC message
     * the client POSTs (and its session header). GET (the optional server-to-client stream) is
     * answered 405, which the streamable HTTP client accepts.
     */
    private static final class RecordingProxy implements AutoCloseable {
        private final HttpServer server;
        private final ExecutorService executor = Executors.newCachedThreadPool();
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        private final URI upstream;
        private final List<JsonNode> posted = Collections.synchronizedList(new ArrayList<>());
        private final Map<JsonNode, String> sessions = Collections.synchronizedMap(new java.util.IdentityHashMap<>());

        private RecordingProxy(URI upstream) throws IOException {
            this.upstream = upstream;
            this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", this::handle);
            server.setExecutor(executor);
            server.start();
        }

        static RecordingProxy start(URI upstream) throws IOException {
            return new RecordingProxy(upstream);
        }

        URI endpoint() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + upstream.getPath());
        }

        JsonNode toolCall(String tool, String argumentValue) {
            synchronized (posted) {
                for (JsonNode m : posted) {
                    if ("tools/call".equals(m.path("method").asText()) && tool.equals(m.path("params").path("name").asText())) {
                        for (JsonNode value : m.path("params").path("arguments")) {
                            if (argumentValue.equals(value.asText())) {
                                return m;
                            }
                        }
                    }
                }
                throw new AssertionError("client sent no tools/call " + tool + " " + argumentValue + ": " + posted);
            }
        }

        String sessionOf(JsonNode message) {
            return sessions.get(message);
        }

        private void handle(HttpExchange exchange) throws IOException {
            try (exchange) {
                String method = exchange.getRequestMethod();
                if ("GET".equals(method)) {
                    exchange.sendResponseHeaders(405, -1);
                    return;
                }
                byte[] body = exchange.getRequestBody().readAllBytes();
                String session = exchange.getRequestHeaders().getFirst("Mcp-Session-Id");
                if (body.length > 0) {
                    JsonNode message = JSON.readTree(body);
                    for (JsonNode m : message.isArray() ? iterable(message) : List.of(message)) {
                        if (session != null) {
                            sessions.put(m, session);
                        }
                        posted.add(m);
                    }
                }
                HttpRequest.Builder forward = HttpRequest.newBuilder(upstream).timeout(Duration.ofSeconds(120))
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body));
                for (String header : List.of("Content-Type", "Accept", "Mcp-Session-Id", "Mcp-Protocol-Version")) {
                    String value = exchange.getRequestHeaders().getFirst(header);
                    if (value != null) {
                        forward.header(header, value);
                    }
                }
                HttpResponse<InputStream> response = http.send(forward.build(), HttpResponse.BodyHandlers.ofInputStream());
                for (String header : List.of("Content-Type", "Mcp-Session-Id")) {
                    response.headers().firstValue(header).ifPresent(v -> exchange.getResponseHeaders().add(header, v));
                }
                int status = response.statusCode();
                try (InputStream in = response.body()) {
                    boolean empty = status == 202 || status == 204;
                    exchange.sendResponseHeaders(status, empty ? -1 : 0);
                    if (!empty) {
                        try (OutputStream out = exchange.getResponseBody()) {
                            in.transferTo(out);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private static List<JsonNode> iterable(JsonNode array) {
            List<JsonNode> list = new ArrayList<>();
            array.forEach(list::add);
            return list;
        }

        @Override
        public void close() {
            server.stop(0);
            executor.shutdownNow();
        }
    }
}
