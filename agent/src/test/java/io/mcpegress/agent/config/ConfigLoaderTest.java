package io.mcpegress.agent.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private static Properties props(String... kv) {
        Properties p = new Properties();
        for (int i = 0; i < kv.length; i += 2) {
            p.setProperty(kv[i], kv[i + 1]);
        }
        return p;
    }

    @Test
    void defaultsAreSafe() {
        AgentConfig c = ConfigLoader.load(null, props(), Map.of());
        assertThat(c.enabled()).isTrue();
        assertThat(c.proxy()).isEmpty();
        assertThat(c.bypass().isEmpty()).as("everything goes through the proxy by default").isTrue();
        assertThat(c.mode()).isEqualTo(AgentConfig.Mode.ENFORCE);
        assertThat(c.auditFile()).isEqualTo(Path.of("mcp-egress-audit.jsonl"));
        assertThat(c.onError()).isEqualTo(AgentConfig.OnError.EXIT);
    }

    @Test
    void precedenceIsArgsThenPropertiesThenEnvironmentThenFile() throws Exception {
        Path file = Files.writeString(dir.resolve("c.properties"),
                "proxy=http://file:1\nmode=monitor\nservice.name=file\naudit.file=file.jsonl\n");
        AgentConfig c = ConfigLoader.load("proxy=http://args:1",
                props("mcp.egress.config", file.toString(), "mcp.egress.proxy", "http://prop:1",
                        "mcp.egress.service.name", "prop"),
                Map.of("MCP_EGRESS_PROXY", "http://env:1", "MCP_EGRESS_SERVICE_NAME", "env",
                        "MCP_EGRESS_AUDIT_FILE", "env.jsonl"));
        assertThat(c.proxy().orElseThrow().host()).isEqualTo("args");
        assertThat(c.serviceName()).contains("prop");
        assertThat(c.auditFile()).isEqualTo(Path.of("env.jsonl"));
        assertThat(c.mode()).isEqualTo(AgentConfig.Mode.MONITOR);
    }

    @Test
    void yamlIsFlattenedAndListsBecomeCommaLists() throws Exception {
        Path file = Files.writeString(dir.resolve("c.yaml"), String.join("\n",
                "proxy: http://p.internal:3128",
                "proxy.bypass: [localhost, '*.svc', 10.0.0.0/8]",
                "audit:",
                "  queue:",
                "    capacity: 1024",
                ""));
        AgentConfig c = ConfigLoader.load(null, props("mcp.egress.config", file.toString()), Map.of());
        assertThat(c.proxy().orElseThrow().port()).isEqualTo(3128);
        assertThat(c.bypass().matches("api.svc")).isTrue();
        assertThat(c.bypass().matches("10.2.3.4")).isTrue();
        assertThat(c.queueCapacity()).isEqualTo(1024);
    }

    @Test
    void yamlSyntaxErrorNamesTheLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "proxy: http://p:1\naudit: [unclosed\n");
        assertThatThrownBy(() -> ConfigLoader.load(null, props("mcp.egress.config", file.toString()), Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("mcp.egress.config")
                .hasMessageContaining("line");
    }

    @Test
    void unknownKeysAreRejectedWithASuggestion() {
        assertThatThrownBy(() -> ConfigLoader.load(null, props("mcp.egress.audit.fiel", "x"), Map.of()))
                .hasMessageContaining("mcp.egress.audit.fiel")
                .hasMessageContaining("did you mean mcp.egress.audit.file?");
        assertThatThrownBy(() -> ConfigLoader.load(null, props(), Map.of("MCP_EGRESS_PROXXY", "x")))
                .hasMessageContaining("MCP_EGRESS_PROXXY");
        assertThatThrownBy(() -> ConfigLoader.load("nonsense", props(), Map.of()))
                .hasMessageContaining("key=value");
    }

    @Test
    void badValuesNameKeyValueAndExpectedForm() {
        assertThatThrownBy(() -> ConfigLoader.load(null, props("mcp.egress.proxy", "https://p:1"), Map.of()))
                .hasMessage("mcp.egress.proxy='https://p:1' is invalid: expected http://host:port");
        assertThatThrownBy(() -> ConfigLoader.load(null, props("mcp.egress.proxy", "http://p"), Map.of()))
                .hasMessageContaining("expected http://host:port");
        assertThatThrownBy(() -> ConfigLoader.load(null, props("mcp.egress.proxy.bypass", "ok.com,10.0.0.0/99"), Map.of()))
                .hasMessageContaining("mcp.egress.proxy.bypass");
        assertThatThrownBy(() -> ConfigLoader.load(null, props("mcp.egress.enabled", "yes"), Map.of()))
                .hasMessageContaining("expected true or false");
        assertThatThrownBy(() -> ConfigLoader.load(null, props("mcp.egress.audit.queue.capacity", "3"), Map.of()))
                .hasMessageContaining("integer 16..10000000");
    }
}
