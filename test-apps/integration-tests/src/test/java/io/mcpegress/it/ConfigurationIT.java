package io.mcpegress.it;

import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.SquidProxy;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Configuration as an operator meets it: the four sources and their precedence, and a bad value
 * stopping the JVM at start with one line that names the key, the value and the expected form.
 */
class ConfigurationIT extends ProxiedTargetTest {

    static final int CONFIG_ERROR_EXIT = 78;

    /** A JVM that makes one call to the target (through the proxy when routing is on). */
    private ChildJvm.Builder app(String scenario) {
        return ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .classpath(TestApps.classpath("jdk-clients"))
                .mainClass("io.mcpegress.apps.jdk.ExitApp")
                .args("return", "1", target.httpUrl("/s/" + scenario + "/ok"));
    }

    private static void assertStoppedWithOneLine(ChildJvm.Result r, String... mentions) {
        assertThat(r.exitCode()).as(r.output()).isEqualTo(CONFIG_ERROR_EXIT);
        List<String> agentLines = r.stderr().lines().filter(l -> l.startsWith("[mcp-egress-agent]")).toList();
        assertThat(agentLines).as(r.stderr()).hasSize(1);
        assertThat(agentLines.get(0)).contains(mentions);
        assertThat(r.stdout()).isEmpty();
    }

    @Test
    void malformedProxyUrlStopsTheJvm() {
        ChildJvm.Result r = app("cfg-proxy").systemProperty("mcp.egress.proxy", "htp:/proxy:3128")
                .systemProperty("mcp.egress.audit.file", dir.resolve("a.jsonl").toString()).run();
        assertStoppedWithOneLine(r, "mcp.egress.proxy", "htp:/proxy:3128", "http://host:port");
        assertThat(target.requestsFor("cfg-proxy")).as("the application never ran").isEmpty();
    }

    @Test
    void misspeltKeyStopsTheJvmWithASuggestion() {
        ChildJvm.Result r = app("cfg-typo").systemProperty("mcp.egress.prxy", squid.url())
                .systemProperty("mcp.egress.audit.file", dir.resolve("a.jsonl").toString()).run();
        assertStoppedWithOneLine(r, "mcp.egress.prxy", "did you mean mcp.egress.proxy?");
    }

    @Test
    void unwritableAuditFileStopsTheJvm() throws Exception {
        Path readOnlyDir = Files.createDirectory(dir.resolve("ro"));
        Path blocker = Files.writeString(readOnlyDir.resolve("not-a-dir"), "x");
        String path = blocker.resolve("audit.jsonl").toString(); // a file cannot be a directory, even for root
        ChildJvm.Result r = app("cfg-audit").systemProperty("mcp.egress.audit.file", path).run();
        assertStoppedWithOneLine(r, "mcp.egress.audit.file", path, "writable file path");
    }

    @Test
    void badEnvironmentValueNamesTheVariableKey() {
        ChildJvm.Result r = app("cfg-env").env("MCP_EGRESS_MODE", "block-everything")
                .systemProperty("mcp.egress.audit.file", dir.resolve("a.jsonl").toString()).run();
        assertStoppedWithOneLine(r, "mcp.egress.mode", "block-everything", "enforce or monitor");
    }

    @Test
    void operatorsCanOptToStartUnprotected() {
        ChildJvm.Result r = app("cfg-continue").systemProperty("mcp.egress.proxy", "not a url")
                .systemProperty("mcp.egress.startup.on-error", "continue").run();
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stderr()).contains("WITHOUT egress control").contains("mcp.egress.proxy");
        assertThat(target.requestsFor("cfg-continue")).hasSize(1);
    }

    @Test
    void yamlFileIsReadAndSystemPropertiesOverrideIt() throws Exception {
        Path fromFile = dir.resolve("from-file.jsonl");
        Path fromProperty = dir.resolve("from-property.jsonl");
        Path yaml = Files.writeString(dir.resolve("egress.yaml"), String.join("\n",
                "# operator's file",
                "proxy: " + squid.url(),
                "service:",
                "  name: yaml-service",
                "audit:",
                "  file: " + fromFile,
                ""));
        ChildJvm.Result r = app("cfg-yaml").systemProperty("mcp.egress.config", yaml.toString())
                .systemProperty("mcp.egress.audit.file", fromProperty.toString()).run();
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(fromFile).doesNotExist();
        var events = AuditLog.read(fromProperty).events();
        assertThat(events).hasSize(1);
        assertThat(AuditLog.text(events.get(0), "service.name")).isEqualTo("yaml-service");
        assertThat(AuditLog.text(events.get(0), "mcp.egress.route")).isEqualTo("proxy");
        assertThat(target.requestsFor("cfg-yaml").get(0).remoteAddress()).isEqualTo(SquidProxy.OUTGOING_ADDRESS);
    }

    @Test
    void agentArgumentsWinOverSystemPropertiesAndEnvironment() {
        Path fromArgs = dir.resolve("args.jsonl");
        ChildJvm.Result r = app("cfg-args")
                .agentArgs("audit.file=" + fromArgs + ";proxy=" + squid.url())
                .systemProperty("mcp.egress.audit.file", dir.resolve("prop.jsonl").toString())
                .env("MCP_EGRESS_SERVICE_NAME", "from-env")
                .run();
        assertThat(r.exitCode()).as(r.output()).isZero();
        var events = AuditLog.read(fromArgs).events();
        assertThat(events).hasSize(1);
        assertThat(AuditLog.text(events.get(0), "service.name")).isEqualTo("from-env");
        assertThat(r.stderr()).contains("proxy=" + squid.url());
    }

    @Test
    void killSwitchLoadsNothing() {
        ChildJvm.Result r = app("cfg-disabled").systemProperty("mcp.egress.enabled", "false")
                .systemProperty("mcp.egress.proxy", squid.url()).run();
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.stderr()).contains("disabled");
        assertThat(target.requestsFor("cfg-disabled").get(0).remoteAddress()).isEqualTo("127.0.0.1");
    }
}
