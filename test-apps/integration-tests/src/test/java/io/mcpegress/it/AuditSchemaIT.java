package io.mcpegress.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.FreePorts;
import io.mcpegress.testkit.SquidProxy;
import io.mcpegress.testkit.TargetServer;
import io.mcpegress.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real events, from real calls under the real agent in child JVMs (allowed through the proxy,
 * denied, would-deny in monitor mode, a redirect, a failed connection, uninstrumented connections
 * caught by the socket guard, and the agent's own events), validated line by line against the
 * official definitions: ECS from the npm package {@code @elastic/ecs}, OCSF from the schema files
 * (vendored under src/test/resources/ocsf-schema, checked against ../shared/ocsf when present).
 * The same trails then pass {@code java -jar mcp-egress-agent.jar verify}.
 */
class AuditSchemaIT {

    static final Path OCSF_DIR = Path.of("src/test/resources/ocsf-schema").toAbsolutePath();

    static SquidProxy squid;
    static TargetServer target;
    static EcsSchema ecs;
    static OcsfSchema ocsf;

    @TempDir
    static Path dir;
    static final java.util.Map<String, Path> produced = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception {
        squid = SquidProxy.shared();
        target = TargetServer.start();
        ecs = EcsSchema.install();
        ocsf = new OcsfSchema(OCSF_DIR);
    }

    @AfterAll
    static void stop() {
        target.close();
    }

    @Test
    void vendoredOcsfSchemaIsTheSharedOne() throws Exception {
        assertThat(OCSF_DIR.resolve("LICENSE")).exists();
        assertThat(OCSF_DIR.resolve("NOTICE")).exists();
        Path repo = Path.of("../..").toAbsolutePath().normalize();
        for (Path p = repo.getParent(); p != null; p = p.getParent()) {
            Path shared = p.resolve("shared/ocsf/version.json");
            if (Files.isRegularFile(shared)) {
                assertThat(Files.readString(OCSF_DIR.resolve("version.json")))
                        .as("vendored OCSF schema version vs " + shared).isEqualTo(Files.readString(shared));
                return;
            }
        }
    }

    @Test
    void ecsEventsUseOnlyEcsFieldsOrOurNamespaces() throws Exception {
        assertThat(ecs.fieldCount()).as("EcsFlat of " + EcsSchema.PACKAGE).isGreaterThan(1000);
        Path audit = produce("ecs");
        List<String> errors = new ArrayList<>();
        for (JsonNode e : all(audit)) {
            ecs.validate(e).forEach(err -> errors.add(err + "   in " + e));
        }
        assertThat(errors).isEmpty();
        assertCoverage(audit, "mcp.egress.route", "http.response.status_code", "error.type");
        assertThat(verify(audit)).isZero();
    }

    @Test
    void ocsfEventsValidateAgainstTheOcsfSchema() throws Exception {
        Path audit = produce("ocsf");
        List<String> errors = new ArrayList<>();
        Set<String> classes = new TreeSet<>();
        for (JsonNode e : all(audit)) {
            classes.add(e.path("class_uid").asText());
            assertThat(e.path("metadata").path("version").asText()).isEqualTo(ocsf.version());
            ocsf.validate(e).forEach(err -> errors.add(err + "   in " + e));
        }
        assertThat(errors).isEmpty();
        assertThat(classes).containsExactly("4002", "6002");
        assertCoverage(audit, "unmapped.route", "http_response.code", "unmapped.error_type");
        List<JsonNode> events = AuditLog.read(audit).events();
        assertThat(events).extracting(e -> e.path("disposition").asText()).contains("Allowed", "Blocked", "Detected");
        assertThat(events).filteredOn(e -> "proxy".equals(AuditLog.text(e, "unmapped.route")))
                .allSatisfy(e -> assertThat(AuditLog.text(e, "proxy.port")).isEqualTo(String.valueOf(squid.port())));
        assertThat(verify(audit)).isZero();
    }

    @Test
    void theSchemaCheckersRejectWhatIsNotInTheSchema() throws Exception {
        // the validators are only worth something if they fail: one bad event per rule
        JsonNode good = all(produce("ocsf")).get(0);
        assertThat(ocsf.validate(good)).isEmpty();
        assertThat(ocsf.validate(edit(good, "{\"not_an_ocsf_attribute\":1}"))).singleElement().asString().contains("not an attribute");
        assertThat(ocsf.validate(edit(good, "{\"severity_id\":42}"))).singleElement().asString().contains("enum");
        assertThat(ocsf.validate(edit(good, "{\"time\":\"yesterday\"}"))).singleElement().asString().contains("timestamp_t");
        assertThat(ocsf.validate(edit(good, "{\"type_uid\":1}"))).singleElement().asString().contains("type_uid");
        assertThat(ocsf.validate(edit(good, "{\"metadata\":{\"product\":{\"vendor_name\":7}}}"))).isNotEmpty();
        JsonNode noProfiles = good.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) noProfiles.get("metadata")).putArray("profiles");
        assertThat(ocsf.validate(noProfiles)).as("actor and device belong to the host profile")
                .anySatisfy(err -> assertThat(err).startsWith("actor: belongs to profile host"));
        assertThat(ocsf.validate(edit(good, "{\"unmapped\":{\"anything\":{\"goes\":true}}}"))).isEmpty();
        JsonNode noTime = good.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) noTime).remove("time");
        assertThat(ocsf.validate(noTime)).singleElement().asString().contains("required");

        JsonNode ecsEvent = all(produce("ecs")).get(0);
        assertThat(ecs.validate(ecsEvent)).isEmpty();
        assertThat(ecs.validate(edit(ecsEvent, "{\"event\":{\"severity_label\":\"x\"}}"))).singleElement().asString().contains("not an ECS");
        assertThat(ecs.validate(edit(ecsEvent, "{\"process\":{\"pid\":\"12\"}}"))).singleElement().asString().contains("type long");
        assertThat(ecs.validate(edit(ecsEvent, "{\"event\":{\"kind\":\"mystery\"}}"))).singleElement().asString().contains("allowed value");
        assertThat(ecs.validate(edit(ecsEvent, "{\"mcp\":{\"anything\":[1,2]}}"))).isEmpty();
    }

    // --- helpers

    /** Appends three runs of the agent to one audit file: policy scenarios, monitor mode, the socket guard. */
    private static synchronized Path produce(String format) throws Exception {
        Path cached = produced.get(format);
        if (cached != null) {
            return cached;
        }
        Path audit = dir.resolve("audit-" + format + ".jsonl");
        String scenario = "schema-" + format;
        String ok = target.httpUrl("/s/" + scenario + "-ok/ok");
        String denied = "http://localhost:" + target.httpPort() + "/s/" + scenario + "-denied/ok";
        String redirect = target.httpUrl("/s/" + scenario + "-hop1/redirect-to?url=" + target.httpUrl("/s/" + scenario + "-hop2/ok"));
        String refused = "http://127.0.0.3:" + FreePorts.find() + "/s/" + scenario + "-refused/ok";
        child(audit, format, "io.mcpegress.apps.jdk.PolicyApp", new String[] {"mcp.egress.deny", "localhost",
                "mcp.egress.proxy.bypass", "127.0.0.3", "mcp.egress.block-private", "false"},
                dir.resolve("r1").toString(), ok, denied, redirect, refused);
        // monitor mode; slow calls so that heartbeats (every second) are written too
        child(audit, format, "io.mcpegress.apps.jdk.PolicyApp", new String[] {"mcp.egress.deny", "localhost",
                "mcp.egress.mode", "monitor", "mcp.egress.audit.heartbeat-interval", "1s"}, dir.resolve("r2").toString(),
                denied, target.httpUrl("/s/" + scenario + "-slow/delay/1300"));
        child(audit, format, "io.mcpegress.apps.jdk.SocketGuardApp", new String[] {"mcp.egress.socket-guard", "enforce"},
                dir.resolve("r3").toString(), TargetServer.HOST, String.valueOf(target.httpPort()));
        // the client contract with OkHttp 4: HTTPS, retries, timeouts, and library-instrumented events
        ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.proxy.bypass", "localhost")
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("mcp.egress.audit.format", format)
                .systemProperties(TestCertificates.get().trustStoreSystemProperties())
                .systemProperty("contract.http", "http://127.0.0.1:" + target.httpPort())
                .systemProperty("contract.https", "https://127.0.0.1:" + target.httpsPort())
                .systemProperty("contract.localhost", "http://localhost:" + target.httpPort())
                .systemProperty("contract.refused", "http://127.0.0.1:" + FreePorts.find())
                .systemProperty("contract.results", dir.resolve("contract-" + format + ".jsonl").toString())
                .systemProperty("contract.run", "schema-" + format)
                .classpath(TestApps.classpath("okhttp4"))
                .mainClass(io.mcpegress.contract.ContractRunner.class.getName())
                .timeout(java.time.Duration.ofMinutes(4))
                .run().assertSuccess();
        produced.put(format, audit);
        return audit;
    }

    private static void child(Path audit, String format, String main, String[] props, String... args) throws Exception {
        ChildJvm.Builder b = ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("mcp.egress.audit.format", format)
                .classpath(TestApps.classpath("jdk-clients"))
                .mainClass(main)
                .args(args);
        for (int i = 0; i < props.length; i += 2) {
            b.systemProperty(props[i], props[i + 1]);
        }
        b.run().assertSuccess();
    }

    /** The trail holds every kind of exchange and the agent's own start and shutdown events. */
    private static void assertCoverage(Path audit, String routeField, String statusField, String errorField) {
        AuditLog log = AuditLog.read(audit);
        assertThat(log.events()).extracting(e -> AuditLog.text(e, routeField)).contains("proxy", "blocked", "direct", "uninstrumented");
        assertThat(log.events()).extracting(e -> AuditLog.text(e, statusField)).contains("200", "302");
        assertThat(log.events()).extracting(e -> AuditLog.text(e, errorField)).contains("java.net.ConnectException");
        assertThat(log.agentEvents("agent-start")).hasSize(4);
        assertThat(log.agentEvents("agent-shutdown")).hasSize(4);
        assertThat(log.agentEvents("library-instrumented")).isNotEmpty();
        assertThat(log.agentEvents("agent-heartbeat")).isNotEmpty();
        List<JsonNode> firstOfRun = new ArrayList<>(log.agentEvents());
        firstOfRun.addAll(log.events());
        assertThat(firstOfRun).filteredOn(e -> "1".equals(AuditLog.text(e, "event.sequence")) || "1".equals(AuditLog.text(e, "metadata.sequence")))
                .as("every run begins with agent-start").hasSize(4).allSatisfy(e -> assertThat(AuditLog.action(e)).isEqualTo("agent-start"));
    }

    private static List<JsonNode> all(Path audit) {
        AuditLog log = AuditLog.read(audit);
        List<JsonNode> all = new ArrayList<>(log.agentEvents());
        all.addAll(log.events());
        assertThat(all).isNotEmpty();
        return all;
    }

    private static JsonNode edit(JsonNode event, String patch) throws Exception {
        com.fasterxml.jackson.databind.ObjectMapper m = new com.fasterxml.jackson.databind.ObjectMapper();
        return m.readerForUpdating(event.deepCopy()).readValue(patch);
    }

    /** {@code java -jar mcp-egress-agent.jar verify ...}: the exit status; the report goes to the test log. */
    static int verify(Path audit, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", TestApps.agentJar().toString(), "verify"));
        command.addAll(List.of(options));
        command.add(audit.toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println("verify " + audit + " -> " + p.exitValue() + "\n" + out);
        return p.exitValue();
    }
}
