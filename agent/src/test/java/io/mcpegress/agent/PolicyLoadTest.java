package io.mcpegress.agent;

import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigLoader;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.policy.PolicyRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyLoadTest {

    @TempDir
    Path dir;

    private static AgentConfig config(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return ConfigLoader.load(null, p, Map.of());
    }

    @Test
    void aPolicyFileIsReadOnItsOwnThreadAndAwaitedWithItsRules() throws Exception {
        Path file = Files.writeString(dir.resolve("p.yaml"), "default: deny\nrulesets:\n- name: a\n  rules:\n"
                + "  - {name: api, action: allow, match: {hosts: [api.example.com]}}\n");
        PolicyLoad load = PolicyLoad.start(config("mcp.egress.policy", file.toString()), null);

        Policy policy = load.await();

        assertThat(policy.decide(PolicyRequest.of("GET", URI.create("https://api.example.com/"), null)).allowed()).isTrue();
        assertThat(policy.decide(PolicyRequest.of("GET", URI.create("https://other.example.com/"), null)).allowed()).isFalse();
    }

    @Test
    void anInvalidPolicyFileFailsAtAwaitWithTheSameOneLineError() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.yaml"), "default: deny\ndefualt: allow\n");
        PolicyLoad load = PolicyLoad.start(config("mcp.egress.policy", file.toString()), null);

        assertThatThrownBy(load::await).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("mcp.egress.policy='" + file + "' line 2: unknown field 'defualt'");
    }

    @Test
    void withoutAPolicyFileThePolicyIsBuiltAtOnceAndListErrorsAreThrownByAwait() {
        Policy policy = PolicyLoad.start(config("mcp.egress.deny", "evil.example"), null).await();
        assertThat(policy.decide(PolicyRequest.of("GET", URI.create("https://evil.example/"), null)).allowed()).isFalse();

        PolicyLoad invalid = PolicyLoad.start(config("mcp.egress.deny", "not a host"), null);
        assertThatThrownBy(invalid::await).isInstanceOf(ConfigException.class).hasMessageContaining("mcp.egress.deny");
    }
}
