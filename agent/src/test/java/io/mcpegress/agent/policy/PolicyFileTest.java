package io.mcpegress.agent.policy;

import io.mcpegress.agent.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyFileTest {

    private static final String VALID = String.join("\n",
            "# egress policy of the search server",
            "version: 1",
            "default: deny",
            "rulesets:",
            "  - name: github",
            "    description: read-only GitHub API for the repo tools",
            "    rules:",
            "      - name: github-read",
            "        action: allow",
            "        match:",
            "          hosts: [api.github.com, \"*.githubusercontent.com\"]",
            "          schemes: [https]",
            "          methods: [GET, HEAD]",
            "          tools: [search_code, read_file]",
            "        rate_limit: {requests: 10, per: 1s, burst: 20}",
            "  - name: internal",
            "    rules:",
            "      - name: no-lan",
            "        action: deny",
            "        match:",
            "          hosts: [10.0.0.0/8, \"[fd00::/8]\"]",
            "      - name: status-page",
            "        action: allow",
            "        match:",
            "          hosts: status.example.com:443",
            "          ports: 443",
            "          paths: /api/v2/",
            "");

    @Test
    void aValidFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, VALID);

        PolicyFile policy = PolicyFile.load(file);

        assertThat(policy.defaultAction()).isEqualTo(Action.DENY);
        assertThat(policy.rulesetNames()).containsExactly("github", "internal");
        assertThat(policy.ruleCount()).isEqualTo(3);
        assertThat(policy.source()).isEqualTo(file.toString());
        Policy p = Policy.builder().policyFile(policy).build();
        Decision d = p.decide(PolicyRequest.of("GET", URI.create("https://raw.githubusercontent.com/a/b"), "read_file"));
        assertThat(d.allowed()).isTrue();
        assertThat(d.rule()).isEqualTo("github-read");
        assertThat(p.decide(PolicyRequest.of("GET", URI.create("https://status.example.com/api/v2/x"), null)).allowed()).isTrue();
        assertThat(p.decide(PolicyRequest.of("GET", URI.create("http://10.1.1.1/"), null)).rule()).isEqualTo("no-lan");
    }

    @Test
    void aSyntaxErrorNamesKeyFileAndLine() {
        String yaml = "default: deny\nrulesets:\n  - name: a\n    rules: [\n      - name: x\n";

        assertThatThrownBy(() -> PolicyFile.parse(yaml, "/etc/mcp/policy.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("mcp.egress.policy='/etc/mcp/policy.yaml' line 5: ")
                .hasMessageEndingWith(": expected valid YAML")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void badIndentationIsASyntaxError() {
        String yaml = "default: deny\nrulesets:\n  - name: a\n   rules: []\n";

        assertThatThrownBy(() -> PolicyFile.parse(yaml, "p.yaml"))
                .hasMessageStartingWith("mcp.egress.policy='p.yaml' line 4: ")
                .hasMessageEndingWith("expected valid YAML");
    }

    @Test
    void anUnknownFieldNamesItsLine() {
        String yaml = VALID.replace("          schemes: [https]", "          hostz: [x.example]");

        assertThatThrownBy(() -> PolicyFile.parse(yaml, "p.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("mcp.egress.policy='p.yaml' line 12: unknown field 'hostz' in match (did you mean 'hosts'?):"
                        + " expected one of hosts, ports, schemes, methods, paths, tools");
    }

    @Test
    void anUnknownTopLevelFieldNamesItsLine() {
        assertThatThrownBy(() -> PolicyFile.parse("default: deny\ndefualt_action: allow\n", "p.yaml"))
                .hasMessageStartingWith("mcp.egress.policy='p.yaml' line 2: unknown field 'defualt_action' in the policy");
    }

    @Test
    void anUnknownActionNamesItsLine() {
        String yaml = VALID.replace("        action: deny", "        action: block");

        assertThatThrownBy(() -> PolicyFile.parse(yaml, "p.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("mcp.egress.policy='p.yaml' line 19: action 'block' is invalid: expected allow or deny");
    }

    @Test
    void otherMistakesEachNameTheirLine() {
        assertError("rulesets: []\n", "line 1: missing 'default'");
        assertError("default: maybe\n", "line 1: default 'maybe' is invalid: expected allow or deny");
        assertError("", "line 1: the file is empty");
        assertError("default: deny\ndefault: allow\n", "line 2: field 'default' appears twice");
        assertError("version: 2\ndefault: deny\n", "line 1: version '2' is not supported");
        assertError("default: deny\nrulesets:\n- rules: []\n", "line 3: a ruleset has no 'name'");
        assertError("default: deny\nrulesets:\n- name: a\n- name: a\n", "line 4: ruleset name 'a' is used twice");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    match: {}\n",
                "line 5: rule 'r' has no 'action'");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - {name: r, action: allow}\n  - {name: r, action: deny}\n",
                "line 6: rule name 'r' is used twice in ruleset 'a'");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n    match:\n      - hosts: x\n",
                "line 8: match is a list: expected a mapping of hosts");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n    match:\n"
                + "      hosts: [ok.example, 'bad host']\n", "line 8: hosts entry 'bad host' is invalid");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n    match:\n"
                + "      hosts: [*.example.com]\n", "line 8: ");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n    match:\n"
                + "      ports: [0]\n", "line 8: ports entry '0' is invalid");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n    match:\n"
                + "      paths: [api]\n", "line 8: paths entry 'api' is invalid: expected a path prefix starting with '/'");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n    match:\n"
                + "      hosts: []\n", "line 8: 'hosts' is empty");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: deny\n"
                + "    rate_limit: {requests: 1, per: 1s}\n", "line 7: rate_limit on deny rule 'r': expected rate_limit only on allow rules");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n"
                + "    rate_limit: {requests: 1, per: 1 second}\n", "line 7: per '1 second' is invalid");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n"
                + "    rate_limit: {requests: 1, per: 25h}\n", "line 7: per '25h' is too long: expected a duration of at most 24h");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n"
                + "    rate_limit:\n      requests: 0\n      per: 1s\n", "line 8: requests '0' is invalid");
        assertError("default: deny\nrulesets:\n- name: a\n  rules:\n  - name: r\n    action: allow\n"
                + "    rate_limit: {requests: 1, per: 1s, brust: 2}\n", "line 7: unknown field 'brust' in rate_limit (did you mean 'burst'?)");
    }

    @Test
    void yamlNullIsAnEmptyValueButQuotedItIsText() {
        assertError("default: ~\n", "line 1: 'default' is empty: expected a value");
        assertError("default: deny\nrulesets:\n- name: null\n", "line 3: 'name' is empty: expected a value");
        PolicyFile quoted = PolicyFile.parse("default: deny\nrulesets:\n- name: 'null'\n  rules:\n"
                + "  - {name: \"~\", action: allow, match: {hosts: [api.example.com], ports: [443]}}\n", "p.yaml");
        assertThat(quoted.rulesetNames()).containsExactly("null");
        assertThat(quoted.rules().get(0).name()).isEqualTo("~");
    }

    @Test
    void theUndefinedAliasHintSaysToQuote() {
        assertThatThrownBy(() -> PolicyFile.parse("default: deny\nrulesets:\n- name: a\n  rules:\n"
                + "  - {name: r, action: allow, match: {hosts: [*.x.com]}}\n", "p.yaml"))
                .hasMessageContaining("expected a quoted pattern such as \"*.example.com\"");
    }

    @Test
    void everyExampleInTheDocsParses() throws Exception {
        Path doc = Path.of(System.getProperty("user.dir")).resolve("../docs/policy.md").normalize();
        String text = Files.readString(doc);
        Matcher m = Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL).matcher(text);
        List<String> examples = new ArrayList<>();
        while (m.find()) {
            examples.add(m.group(1));
        }

        assertThat(examples).hasSizeGreaterThanOrEqualTo(3);
        for (String example : examples) {
            if (example.contains("default:")) {
                assertThat(PolicyFile.parse(example, "docs/policy.md")).as(example).isNotNull();
            }
        }
    }

    private static void assertError(String yaml, String expected) {
        assertThatThrownBy(() -> PolicyFile.parse(yaml, "p.yaml"))
                .as(yaml)
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("mcp.egress.policy='p.yaml' ")
                .hasMessageContaining(expected)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
