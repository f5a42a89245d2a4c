package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.Jdks;
import io.mcpegress.testkit.SquidProxy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A start that finds the JDK classes woven by an earlier start of the same agent on the same JDK uses
 * them without loading ByteBuddy, and they route and audit exactly like freshly woven ones; a
 * damaged cache or one others may write to costs only the start-up time.
 */
class WeaveCacheIT extends ProxiedTargetTest {

    static final int CALLS = 4;
    /** The agent's advice inliner: loaded whenever a class is woven, never by a start served from the cache. */
    static final String ADVICE_CLASS = "io.mcpegress.instrumentation.api.weave.AdvisedMethod ";
    /** ByteBuddy's Advice and type pool: the agent reads class files and inlines advice itself, so no start loads them. */
    static final List<String> BYTEBUDDY_WEAVING_CLASSES = List.of("io.mcpegress.shaded.net.bytebuddy.asm.Advice ",
            "io.mcpegress.shaded.net.bytebuddy.pool.TypePool ", "io.mcpegress.shaded.net.bytebuddy.matcher.ElementMatchers ");
    /** What every module's method and type matchers are built with: not built by a start served from the cache. */
    static final String MATCHERS_CLASS = "io.mcpegress.instrumentation.api.match.Matchers ";
    static final List<String> JDK_CLIENT_CLASSES = List.of("jdk.internal.net.http.HttpClientImpl",
            "jdk.internal.net.http.Exchange", "sun.net.www.protocol.http.HttpURLConnection");

    static Stream<Path> jdks() {
        return Jdks.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aSecondStartUsesTheWovenJdkClassesOfTheFirstWithoutByteBuddy(Path jdk) throws Exception {
        Path cache = dir.resolve("cache");
        // The socket guard's classes that some JDKs load before the agent (java.net.Socket on 25)
        // are retransformed: the JVM reconstitutes their class files, not always to the same bytes
        // (a miss, woven again and stored as a second variant). Off here, so "never weaves" holds.
        socketGuard = "off";

        Run first = run(jdk, cache, "first");
        assertThat(first.output()).doesNotContain("(from the weave cache)");
        assertThat(first.loadedClasses()).contains(ADVICE_CLASS);
        for (String byteBuddy : BYTEBUDDY_WEAVING_CLASSES) {
            assertThat(first.loadedClasses()).as("woven without ByteBuddy's type pool, matchers and Advice").doesNotContain(byteBuddy);
        }
        for (String c : JDK_CLIENT_CLASSES) {
            assertThat(first.output()).contains("instrumented " + c + "\n");
        }

        Run second = run(jdk, cache, "second");
        for (String c : JDK_CLIENT_CLASSES) {
            assertThat(second.output()).contains("instrumented " + c + " (from the weave cache)");
        }
        assertThat(second.loadedClasses()).as("nothing is woven; output:\n" + second.output()).doesNotContain(ADVICE_CLASS);
        assertThat(second.loadedClasses()).as("the modules' matchers are not built").doesNotContain(MATCHERS_CLASS);
        assertThat(second.output()).doesNotContain("weaver warm-up");
        second.assertEveryCallRoutedAndAudited();
        // the library events of the cached classes are still written
        assertThat(second.events("library-instrumented")).extracting(e -> AuditLog.text(e, "mcp.egress.library.name"))
                .contains("jdk-httpclient", "httpurlconnection");
    }

    /**
     * OkHttp's classes come from a jar in the local Maven repository: held under that jar's path,
     * size and time, and checked against the whole client contract when they come from the cache.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void libraryClassesFromAJarAreServedFromTheCacheToo(Path jdk) throws Exception {
        Path cache = dir.resolve("cache");
        String first = contract(jdk, cache, "okhttp4", "first");
        assertThat(first).contains("instrumented okhttp3.").doesNotContain("(from the weave cache)");

        String second = contract(jdk, cache, "okhttp4", "second");
        List<String> instrumented = second.lines().filter(l -> l.contains("DEBUG instrumented ")).toList();
        assertThat(instrumented).as(second).anyMatch(l -> l.contains("instrumented okhttp3."))
                .allMatch(l -> l.endsWith("(from the weave cache)"));
        assertThat(Files.readString(dir.resolve("second-classes.txt"))).as("nothing is woven").doesNotContain(ADVICE_CLASS);
    }

    /**
     * The policy file's parsed form is kept too: a second start with the same file never loads
     * SnakeYAML's parser, and its rules decide exactly as the parsed ones did.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void anUnchangedPolicyFileIsReadFromTheCacheWithoutParsingYaml(Path jdk) throws Exception {
        Path cache = dir.resolve("cache");
        policy = Files.writeString(dir.resolve("policy.yaml"), """
                default: deny
                rulesets:
                  - name: it
                    rules:
                      - name: target-allowed
                        action: allow
                        match:
                          hosts: ["127.0.0.1"]
                          paths: ["/s/"]
                """);

        Run first = run(jdk, cache, "policy-first");
        assertThat(first.loadedClasses()).contains(YAML_SCANNER);
        try (Stream<Path> files = Files.walk(cache)) {
            assertThat(files.map(f -> f.getFileName().toString())).anyMatch(n -> n.startsWith("policy_") && n.endsWith(".tree"));
        }

        Run second = run(jdk, cache, "policy-second");
        assertThat(second.loadedClasses()).as("SnakeYAML's parser is not loaded; output:\n" + second.output())
                .doesNotContain(YAML_SCANNER).doesNotContain("snakeyaml.composer.Composer ");
        second.assertEveryCallRoutedAndAudited();
        for (Run run : List.of(first, second)) {
            assertThat(run.audit().events()).allSatisfy(e -> {
                assertThat(AuditLog.text(e, "rule.name")).isEqualTo("target-allowed");
                assertThat(AuditLog.text(e, "rule.ruleset")).isEqualTo("it");
            });
        }
    }

    /**
     * A Spring Boot fat jar (Spring AI MCP servers ship as one): OkHttp is loaded from a jar nested
     * in {@code BOOT-INF/lib}, held under the fat jar's identity, and a second start passes the
     * client contract from the cache without ByteBuddy.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void classesFromJarsNestedInASpringBootFatJarAreServedFromTheCache(Path jdk) throws Exception {
        Path cache = dir.resolve("cache");
        Path fat = SpringBootFatJar.build(dir.resolve("mcp-server.jar"), TestApps.classpath("okhttp4"),
                "io.mcpegress.contract.ContractRunner");

        String first = contract(jdk, cache, "okhttp4", "fat-first", List.of(fat), SpringBootFatJar.LAUNCHER);
        assertThat(first).contains("instrumented okhttp3.").doesNotContain("(from the weave cache)");
        assertThat(Files.readString(dir.resolve("fat-first-classes.txt")))
                .as("OkHttp came from the nested jar").contains("okhttp3.OkHttpClient source: jar:nested:");

        String second = contract(jdk, cache, "okhttp4", "fat-second", List.of(fat), SpringBootFatJar.LAUNCHER);
        List<String> instrumented = second.lines().filter(l -> l.contains("DEBUG instrumented ")).toList();
        assertThat(instrumented).as(second).anyMatch(l -> l.contains("instrumented okhttp3."))
                .allMatch(l -> l.endsWith("(from the weave cache)"));
        assertThat(Files.readString(dir.resolve("fat-second-classes.txt"))).as("nothing is woven").doesNotContain(ADVICE_CLASS);

        // a rebuilt fat jar (same path, other contents) is woven afresh, never served stale bytes
        SpringBootFatJar.build(fat, TestApps.classpath("okhttp4"), "io.mcpegress.contract.ContractRunner");
        Files.setLastModifiedTime(fat, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        String rebuilt = contract(jdk, cache, "okhttp4", "fat-rebuilt", List.of(fat), SpringBootFatJar.LAUNCHER);
        assertThat(rebuilt).contains("instrumented okhttp3.").doesNotContain("(from the weave cache)");
    }

    static final String YAML_SCANNER = "io.mcpegress.shaded.org.yaml.snakeyaml.scanner.ScannerImpl ";

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void damagedEntriesAreWovenAgainAndReplaced(Path jdk) throws Exception {
        Path cache = dir.resolve("cache");
        run(jdk, cache, "fill");
        List<Path> entries;
        try (Stream<Path> all = Files.walk(cache)) {
            entries = all.filter(p -> p.toString().endsWith(".woven")).toList();
        }
        assertThat(entries).isNotEmpty();
        for (Path entry : entries) {
            byte[] bytes = Files.readAllBytes(entry);
            bytes[bytes.length - 20] ^= 0x55; // inside the woven class file
            Files.write(entry, bytes);
        }

        Run damaged = run(jdk, cache, "damaged");
        for (String c : JDK_CLIENT_CLASSES) {
            assertThat(damaged.output()).contains("instrumented " + c + "\n");
        }
        damaged.assertEveryCallRoutedAndAudited();

        Run repaired = run(jdk, cache, "repaired");
        assertThat(repaired.output()).contains("instrumented " + JDK_CLIENT_CLASSES.get(0) + " (from the weave cache)");
        repaired.assertEveryCallRoutedAndAudited();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("jdks")
    void aCacheDirectoryOthersMayWriteToIsIgnoredWithAWarning(Path jdk) throws Exception {
        Path cache = Files.createDirectory(dir.resolve("shared-cache"));
        Files.setPosixFilePermissions(cache, PosixFilePermissions.fromString("rwxrwxrwx"));

        Run run = run(jdk, cache, "shared");
        assertThat(run.output()).contains("weave cache " + cache + " not used: it belongs to another user or others may write to it");
        run.assertEveryCallRoutedAndAudited();
        try (Stream<Path> files = Files.list(cache)) {
            assertThat(files).as("nothing stored where others could change it").isEmpty();
        }
    }

    private String socketGuard = "enforce";
    private Path policy;

    private Run run(Path jdk, Path cache, String name) throws Exception {
        String scenario = "weave-cache-" + name + "-" + Jdks.featureVersion(jdk) + "-" + cache.getFileName();
        Path audit = dir.resolve(name + ".jsonl");
        Path classes = dir.resolve(name + "-classes.txt");
        ChildJvm.Builder jvm = ChildJvm.builder();
        if (policy != null) {
            jvm.systemProperty("mcp.egress.policy", policy.toString());
        }
        ChildJvm.Result r = jvm
                .javaHome(jdk)
                .agentJar(TestApps.agentJar())
                .jvmArg("-Xlog:class+load=info:file=" + classes)
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("mcp.egress.weave-cache", cache.toString())
                .systemProperty("mcp.egress.socket-guard", socketGuard)
                .systemProperty("mcp.egress.debug", "true")
                .classpath(TestApps.classpath("jdk-clients"))
                .mainClass("io.mcpegress.apps.jdk.ExitApp")
                .args("return", String.valueOf(CALLS), target.httpUrl("/s/" + scenario + "/ok"), dir.resolve(name + ".ready").toString())
                .run();
        assertThat(r.exitCode()).as(r.output()).isZero();
        return new Run(scenario, r.output(), Files.readString(classes), AuditLog.read(audit));
    }

    /** Runs the client contract's plain scenarios with {@code module}'s clients; checks each; returns the output. */
    private String contract(Path jdk, Path cache, String module, String name) throws Exception {
        return contract(jdk, cache, module, name, TestApps.classpath(module), "io.mcpegress.contract.ContractRunner");
    }

    private String contract(Path jdk, Path cache, String module, String name, List<Path> classpath, String mainClass)
            throws Exception {
        String run = "weave-cache-" + name + "-" + Jdks.featureVersion(jdk);
        Path audit = dir.resolve(name + ".jsonl");
        Path results = dir.resolve(name + "-results.jsonl");
        ChildJvm.Result r = contractRunner(run, "get-http,get-https,post-body,status-404", results)
                .javaHome(jdk)
                .agentJar(TestApps.agentJar())
                .jvmArg("-Xlog:class+load=info:file=" + dir.resolve(name + "-classes.txt"))
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("mcp.egress.weave-cache", cache.toString())
                .systemProperty("mcp.egress.socket-guard", "off") // as above: only fresh classes
                .systemProperty("mcp.egress.service.name", "contract-" + module)
                .systemProperty("mcp.egress.debug", "true")
                .classpath(classpath)
                .mainClass(mainClass)
                .run();
        assertThat(r.exitCode()).as(r.output()).isZero();
        AuditLog log = AuditLog.read(audit);
        List<String> lines = Files.readAllLines(results).stream().filter(l -> l.contains("\"id\"")).toList();
        assertThat(lines).as(r.output()).hasSize(4);
        for (String line : lines) {
            JsonNode result = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
            String id = result.get("id").asText();
            ScenarioExpectations.check(result, ClientContractIT.eventsOf(log, id), target.requestsFor(id));
        }
        return r.output();
    }

    private record Run(String scenario, String output, String loadedClasses, AuditLog audit) {

        List<JsonNode> events(String agentAction) {
            return audit.agentEvents(agentAction);
        }

        /** Checked at the destination: every call came through Squid, and each has its exchange event. */
        void assertEveryCallRoutedAndAudited() {
            assertThat(target.requestsFor(scenario)).hasSize(CALLS)
                    .allMatch(q -> q.remoteAddress().equals(SquidProxy.OUTGOING_ADDRESS));
            assertThat(audit.events()).as(output).hasSize(CALLS)
                    .extracting(e -> AuditLog.text(e, "mcp.egress.client").split("/")[0])
                    .containsOnly("jdk-httpclient", "httpurlconnection");
        }
    }
}
