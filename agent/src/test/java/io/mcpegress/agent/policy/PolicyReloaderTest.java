package io.mcpegress.agent.policy;

import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.EcsEncoder;
import io.mcpegress.agent.audit.ProcessIdentity;
import io.mcpegress.agent.audit.sink.RotatingFileSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyReloaderTest {

    @TempDir
    Path dir;

    private static String denying(String host) {
        return String.join("\n",
                "version: 1",
                "default: allow",
                "rulesets:",
                "  - name: team",
                "    rules:",
                "      - name: no-" + host.replace('.', '-'),
                "        action: deny",
                "        match:",
                "          hosts: [" + host + "]",
                "");
    }

    private static boolean allowed(Policy p, String host) {
        return p.decide(PolicyRequest.of("GET", URI.create("https://" + host + "/"), null)).allowed();
    }

    @Test
    void aChangedFileIsAppliedAndABrokenOneLeavesTheRulesInForceBothReported() throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, denying("a.example"));
        Policy policy = Policy.builder().policyFile(PolicyFile.load(file)).build();
        Path audit = dir.resolve("audit.jsonl");
        AuditPipeline pipeline = new AuditPipeline(64, new EcsEncoder(new ProcessIdentity("s", "v")),
                RotatingFileSink.builder(audit).open());
        PolicyReloader reloader = new PolicyReloader(policy, file, 1_000, pipeline);

        reloader.checkOnce();
        assertThat(allowed(policy, "a.example")).as("unchanged file: no reload").isFalse();

        Files.writeString(file, denying("b.example"));
        reloader.checkOnce();
        assertThat(allowed(policy, "a.example")).isTrue();
        assertThat(allowed(policy, "b.example")).isFalse();

        Files.writeString(file, "version: 1\ndefault: allow\nrulesets:\n  - name: x\n    rulez: []\n");
        reloader.checkOnce();
        reloader.checkOnce(); // reported once
        assertThat(allowed(policy, "b.example")).as("the previous rules stay in force").isFalse();

        pipeline.close();
        List<String> reloads = Files.readAllLines(audit).stream()
                .filter(l -> l.contains("\"action\":\"config-reload\"")).toList();
        assertThat(reloads).hasSize(2);
        assertThat(reloads.get(0)).contains("\"outcome\":\"success\"").contains("reloaded")
                .containsPattern("\"config_hash\":\"[0-9a-f]{64}\"");
        assertThat(reloads.get(1)).contains("\"outcome\":\"failure\"").contains("previous rules stay in force")
                .contains("line 5");
    }
}
