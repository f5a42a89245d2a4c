package io.mcpegress.agent.policy;

import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigLoader;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyTest {

    static PolicyRequest get(String url) {
        return PolicyRequest.of("GET", URI.create(url), null);
    }

    static PolicyRequest inTool(String tool, String url) {
        return PolicyRequest.of("GET", URI.create(url), tool);
    }

    static Policy file(String yaml) {
        return Policy.builder().policyFile(PolicyFile.parse(yaml, "test.yaml")).build();
    }

    @Nested
    class Defaults {
        @Test
        void withNothingConfiguredEverythingButMetadataIsAllowed() {
            Policy policy = Policy.builder().build();

            Decision d = policy.decide(get("https://api.example.com/v1"));
            assertThat(d.allowed()).isTrue();
            assertThat(d.reason()).isEqualTo(Decision.Reason.DEFAULT);
            assertThat(policy.decide(get("http://127.0.0.1:8080/")).allowed()).isTrue();
            assertThat(policy.decide(get("http://169.254.169.254/latest/meta-data/")).reason())
                    .isEqualTo(Decision.Reason.METADATA);
        }

        @Test
        void ambiguousLiteralsAreDeniedEvenWithEveryProtectionOff() {
            Policy policy = Policy.builder().blockMetadata(false).blockPrivate(false).build();

            Decision d = policy.decide(PolicyRequest.builder().scheme("http").host("0177.0.0.1").build());

            assertThat(d.denied()).isTrue();
            assertThat(d.reason().wireName()).isEqualTo("ambiguous-ip-literal");
            assertThat(d.ruleset()).isEqualTo(Decision.BUILTIN);
        }

        @Test
        void blockMetadataCanBeSwitchedOff() {
            Policy policy = Policy.builder().blockMetadata(false).build();

            assertThat(policy.decide(get("http://169.254.169.254/")).allowed()).isTrue();
        }

        @Test
        void theDefaultOfThePolicyFileApplies() {
            assertThat(file("default: deny").decide(get("https://a.example/")).reason()).isEqualTo(Decision.Reason.DEFAULT);
            assertThat(file("default: deny").decide(get("https://a.example/")).denied()).isTrue();
            assertThat(file("default: allow").decide(get("https://a.example/")).allowed()).isTrue();
        }
    }

    @Nested
    class Lists {
        @Test
        void denyWinsOverAllowForAHostOnBoth() {
            Policy policy = Policy.builder().allow("api.example.com, other.example").deny("api.example.com").build();

            Decision d = policy.decide(get("https://api.example.com/"));

            assertThat(d.denied()).isTrue();
            assertThat(d.reason().wireName()).isEqualTo("deny-list");
            assertThat(d.rule()).isEqualTo("api.example.com");
            assertThat(d.ruleset()).isEqualTo("config");
            assertThat(policy.decide(get("https://other.example/")).reason().wireName()).isEqualTo("allow-list");
        }

        @Test
        void anAllowListDeniesEverythingElse() {
            Policy policy = Policy.builder().allow("api.example.com").build();

            Decision other = policy.decide(get("https://www.example.com/"));

            assertThat(other.denied()).isTrue();
            assertThat(other.reason()).isEqualTo(Decision.Reason.DEFAULT);
            assertThat(other.ruleset()).isEqualTo("config");
            assertThat(other.message()).contains("mcp.egress.allow");
            assertThat(policy.decide(get("https://api.example.com/")).allowed()).isTrue();
        }

        @Test
        void aDenyListAloneDeniesOnlyWhatIsOnIt() {
            Policy policy = Policy.builder().deny("*.evil.example, 203.0.113.0/24").build();

            assertThat(policy.decide(get("https://x.evil.example/")).denied()).isTrue();
            assertThat(policy.decide(get("https://evil.example/")).allowed()).as("apex is not a subdomain").isTrue();
            assertThat(policy.decide(get("https://203.0.113.9/")).denied()).isTrue();
            assertThat(policy.decide(get("https://198.51.100.1/")).allowed()).isTrue();
        }

        @Test
        void entriesMayCarryAPortOrRange() {
            Policy policy = Policy.builder().allow("api.example.com:443, 10.0.0.0/8:8000-8999, [2001:db8::1]:8443").build();

            assertThat(policy.decide(get("https://api.example.com/")).allowed()).isTrue();
            assertThat(policy.decide(get("http://api.example.com/")).denied()).as("port 80").isTrue();
            assertThat(policy.decide(get("http://10.1.2.3:8080/")).allowed()).isTrue();
            assertThat(policy.decide(get("http://10.1.2.3:9000/")).denied()).isTrue();
            assertThat(policy.decide(get("https://[2001:db8::1]:8443/")).allowed()).isTrue();
            assertThat(policy.decide(get("https://[2001:db8::1]/")).denied()).isTrue();
        }

        @Test
        void badEntriesNameTheKey() {
            assertThatThrownBy(() -> Policy.builder().allow("ok.example, bad host"))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("mcp.egress.allow entry 'bad host' is invalid: expected comma list");
            assertThatThrownBy(() -> Policy.builder().deny("10.0.0.0/33"))
                    .isInstanceOf(ConfigException.class).hasMessageContaining("mcp.egress.deny");
            assertThatThrownBy(() -> Policy.builder().deny("10/8"))
                    .as("a short network would silently mean 0.0.0.10/8").isInstanceOf(ConfigException.class);
            assertThatThrownBy(() -> Policy.builder().deny("0177.0.0.1"))
                    .as("ambiguous in a pattern too").isInstanceOf(ConfigException.class);
            assertThatThrownBy(() -> Policy.builder().allow("example.com:0")).isInstanceOf(ConfigException.class);
        }

        @Test
        void embeddedIpv4OnlyEverDeniesMore() {
            Policy deny = Policy.builder().deny("10.0.0.0/8").build();
            assertThat(deny.decide(get("http://[64:ff9b::10.0.0.1]/")).reason().wireName()).isEqualTo("deny-list");
            assertThat(deny.decide(get("http://[2002:a00:1::1]/")).reason().wireName()).isEqualTo("deny-list");

            Policy allow = Policy.builder().allow("8.8.8.8").build();
            assertThat(allow.decide(get("http://[::ffff:8.8.8.8]/")).allowed()).as("the same address").isTrue();
            assertThat(allow.decide(get("http://[64:ff9b::8.8.8.8]/")).denied()).as("a translator, not the host").isTrue();
        }

        @Test
        void anIpv6BlockDoesNotCoverIpv4() {
            Policy policy = Policy.builder().deny("::/0").build();

            assertThat(policy.decide(get("http://[2001:db8::1]/")).denied()).isTrue();
            assertThat(policy.decide(get("http://192.0.2.1/")).allowed()).isTrue();
        }
    }

    @Nested
    class Rules {
        @Test
        void theFirstMatchingRuleWins() {
            String allowFirst = "default: deny\nrulesets:\n- name: s\n  rules:\n"
                    + "  - {name: a, action: allow, match: {hosts: [api.example.com]}}\n"
                    + "  - {name: d, action: deny, match: {hosts: ['*.example.com']}}\n";
            String denyFirst = "default: allow\nrulesets:\n- name: s\n  rules:\n"
                    + "  - {name: d, action: deny, match: {hosts: ['*.example.com']}}\n"
                    + "  - {name: a, action: allow, match: {hosts: [api.example.com]}}\n";

            Decision allowed = file(allowFirst).decide(get("https://api.example.com/"));
            Decision denied = file(denyFirst).decide(get("https://api.example.com/"));

            assertThat(allowed.allowed()).isTrue();
            assertThat(allowed.rule()).isEqualTo("a");
            assertThat(allowed.ruleset()).isEqualTo("s");
            assertThat(allowed.reason()).isEqualTo(Decision.Reason.RULE);
            assertThat(denied.denied()).isTrue();
            assertThat(denied.rule()).isEqualTo("d");
            assertThat(file(allowFirst).decide(get("https://www.example.com/")).rule()).isEqualTo("d");
        }

        @Test
        void rulesAcrossRulesetsAreTriedInFileOrder() {
            Policy policy = file("default: deny\nrulesets:\n"
                    + "- name: first\n  rules:\n  - {name: r1, action: deny, match: {methods: [DELETE]}}\n"
                    + "- name: second\n  rules:\n  - {name: r2, action: allow}\n");

            assertThat(policy.decide(PolicyRequest.builder().scheme("https").host("x.example").method("delete").build())
                    .rule()).isEqualTo("r1");
            assertThat(policy.decide(get("https://x.example/")).ruleset()).isEqualTo("second");
        }

        @Test
        void toolRulesMatchOnlyInsideThatTool() {
            Policy policy = file("default: deny\nrulesets:\n- name: tools\n  rules:\n"
                    + "  - {name: search, action: allow, match: {hosts: [api.search.example], tools: [web_search]}}\n"
                    + "  - {name: any-tool, action: allow, match: {hosts: [cdn.example], tools: ['*']}}\n"
                    + "  - {name: everyone, action: allow, match: {hosts: [status.example]}}\n");

            assertThat(policy.decide(inTool("web_search", "https://api.search.example/q")).rule()).isEqualTo("search");
            assertThat(policy.decide(inTool("fetch", "https://api.search.example/q")).denied()).isTrue();
            assertThat(policy.decide(get("https://api.search.example/q")).denied()).as("outside any tool").isTrue();
            assertThat(policy.decide(inTool("fetch", "https://cdn.example/")).allowed()).isTrue();
            assertThat(policy.decide(get("https://cdn.example/")).denied()).isTrue();
            assertThat(policy.decide(get("https://status.example/")).allowed()).isTrue();
            assertThat(policy.decide(inTool("fetch", "https://status.example/")).allowed()).isTrue();
        }

        @Test
        void everyConditionMustHold() {
            Policy policy = file("default: deny\nrulesets:\n- name: s\n  rules:\n"
                    + "  - name: read-repos\n    action: allow\n    match:\n"
                    + "      hosts: [api.github.com]\n      ports: [443]\n      schemes: [https]\n"
                    + "      methods: [GET, HEAD]\n      paths: [/repos, /user/]\n");

            assertThat(policy.decide(get("https://api.github.com/repos/a/b")).allowed()).isTrue();
            assertThat(policy.decide(get("https://api.github.com/repos")).allowed()).isTrue();
            assertThat(policy.decide(get("https://api.github.com/user/x")).allowed()).isTrue();
            assertThat(policy.decide(get("https://api.github.com/reposx")).denied()).as("segment-wise prefix").isTrue();
            assertThat(policy.decide(get("https://api.github.com/user")).denied()).as("/user/ needs the slash").isTrue();
            assertThat(policy.decide(get("http://api.github.com:443/repos")).denied()).as("scheme").isTrue();
            assertThat(policy.decide(get("https://api.github.com:8443/repos")).denied()).as("port").isTrue();
            assertThat(policy.decide(PolicyRequest.of("POST", URI.create("https://api.github.com/repos"), null)).denied())
                    .as("method").isTrue();
            assertThat(policy.decide(get("https://api.github.com/repos/../admin")).denied()).as("dot segments").isTrue();
            assertThat(policy.decide(get("https://api.github.com/%72epos/x")).allowed()).as("escaped letter").isTrue();
        }

        @Test
        void pathDenyRulesSeeThroughDotSegmentsAndEscapes() {
            Policy policy = file("default: allow\nrulesets:\n- name: s\n  rules:\n"
                    + "  - {name: no-admin, action: deny, match: {paths: [/admin]}}\n");

            for (String path : new String[] {"/admin", "/admin/x", "//admin", "/./admin", "/x/../admin", "/%61dmin",
                    "/x/%2e%2e/admin", "/admin?x=1", "\\admin"}) {
                PolicyRequest r = PolicyRequest.builder().scheme("https").host("h.example").path(path).build();
                assertThat(policy.decide(r).denied()).as(path).isTrue();
            }
            assertThat(policy.decide(get("https://h.example/administrator")).allowed()).isTrue();
        }

        @Test
        void ipAndCidrRulesApplyToTheResolvedAddressOfANamedHost() throws Exception {
            Policy policy = file("default: allow\nrulesets:\n- name: s\n  rules:\n"
                    + "  - {name: no-internal, action: deny, match: {hosts: ['10.0.0.0/8']}}\n");
            PolicyRequest r = get("https://internal.example/");

            assertThat(policy.decide(r).allowed()).as("before resolution the address is unknown").isTrue();
            assertThat(policy.decideResolved(r, InetAddress.getByName("10.1.2.3")).rule()).isEqualTo("no-internal");
            assertThat(policy.decide(r.withAddress(InetAddress.getByName("10.1.2.3"))).denied()).isTrue();
            assertThat(policy.decideResolved(r, InetAddress.getByName("192.0.2.1")).allowed()).isTrue();
        }
    }

    @Nested
    class BuiltIns {
        @Test
        void anExactAllowLiftsBlockPrivateButACidrDoesNot() {
            Policy exact = Policy.builder().blockPrivate(true).allow("10.1.2.3, db.internal").build();
            Policy cidr = Policy.builder().blockPrivate(true).allow("10.0.0.0/8, *.internal").build();

            assertThat(exact.decide(get("http://10.1.2.3/")).reason().wireName()).isEqualTo("allow-list");
            assertThat(cidr.decide(get("http://10.1.2.3/")).reason().wireName()).isEqualTo("private-address");
            assertThat(exact.decideResolved(get("http://db.internal/"), ip("10.9.9.9")).allowed())
                    .as("the exact name lifts it for whatever it resolves to").isTrue();
            assertThat(cidr.decideResolved(get("http://db.internal/"), ip("10.9.9.9")).reason().wireName())
                    .isEqualTo("private-address");
        }

        @Test
        void anExactAllowRuleInTheFileLiftsBlockPrivate() {
            Policy policy = Policy.builder().blockPrivate(true).policyFile(PolicyFile.parse("default: deny\nrulesets:\n"
                    + "- name: local\n  rules:\n"
                    + "  - {name: sidecar, action: allow, match: {hosts: ['127.0.0.1:15000']}}\n"
                    + "  - {name: lan, action: allow, match: {hosts: ['192.168.0.0/16']}}\n", "t.yaml")).build();

            assertThat(policy.decide(get("http://127.0.0.1:15000/")).rule()).isEqualTo("sidecar");
            assertThat(policy.decide(get("http://[::ffff:127.0.0.1]:15000/")).allowed()).as("same address").isTrue();
            assertThat(policy.decide(get("http://127.0.0.1:15001/")).reason()).isEqualTo(Decision.Reason.PRIVATE_ADDRESS);
            assertThat(policy.decide(get("http://192.168.1.1/")).reason()).isEqualTo(Decision.Reason.PRIVATE_ADDRESS);
        }

        @Test
        void nothingLiftsBlockMetadata() {
            Policy policy = Policy.builder().allow("169.254.169.254, metadata.google.internal")
                    .policyFile(PolicyFile.parse("default: allow\nrulesets:\n- name: s\n  rules:\n"
                            + "  - {name: imds, action: allow, match: {hosts: [169.254.169.254]}}\n", "t.yaml"))
                    .build();

            assertThat(policy.decide(get("http://169.254.169.254/")).reason()).isEqualTo(Decision.Reason.METADATA);
            assertThat(policy.decide(get("http://metadata.google.internal/")).reason()).isEqualTo(Decision.Reason.METADATA);
        }

        @Test
        void builtInsComeBeforeUserRules() {
            Policy policy = Policy.builder().blockPrivate(true).deny("127.0.0.1").build();

            Decision d = policy.decide(get("http://127.0.0.1/"));

            assertThat(d.reason()).isEqualTo(Decision.Reason.PRIVATE_ADDRESS);
            assertThat(d.rule()).isEqualTo("block-private");
            assertThat(d.message()).contains("mcp.egress.block-private");
        }
    }

    @Nested
    class RateLimits {
        private final AtomicLong now = new AtomicLong(1_000_000_000L);

        private Policy limited(String limit) {
            return Policy.builder().nanoClock(now::get).policyFile(PolicyFile.parse("default: deny\nrulesets:\n"
                    + "- name: apis\n  rules:\n"
                    + "  - name: search\n    action: allow\n    match: {hosts: ['*.example.com']}\n"
                    + "    rate_limit: " + limit + "\n", "t.yaml")).build();
        }

        @Test
        void aBurstThenTheSteadyRate() {
            Policy policy = limited("{requests: 2, per: 1s, burst: 3}");
            PolicyRequest r = get("https://a.example.com/");

            for (int i = 0; i < 3; i++) {
                assertThat(policy.decide(r).allowed()).as("burst call " + i).isTrue();
            }
            Decision over = policy.decide(r);
            assertThat(over.denied()).isTrue();
            assertThat(over.reason().wireName()).isEqualTo("rate-limit");
            assertThat(over.rule()).isEqualTo("search");
            assertThat(over.message()).contains("2 per 1s, burst 3");

            now.addAndGet(499_000_000L);
            assertThat(policy.decide(r).denied()).as("not yet a new token").isTrue();
            now.addAndGet(1_000_000L);
            assertThat(policy.decide(r).allowed()).as("one token after 500ms").isTrue();
            assertThat(policy.decide(r).denied()).isTrue();

            now.addAndGet(60_000_000_000L);
            for (int i = 0; i < 3; i++) {
                assertThat(policy.decide(r).allowed()).as("refilled to burst, no further").isTrue();
            }
            assertThat(policy.decide(r).denied()).isTrue();
        }

        @Test
        void extremeLimitsDoNotOverflow() {
            Policy policy = limited("{requests: 1, per: 24h, burst: 1000000000}");
            now.set(Long.MAX_VALUE - 1_000_000L); // nanoTime may be anywhere, even about to wrap

            for (int i = 0; i < 1000; i++) {
                assertThat(policy.decide(get("https://a.example.com/")).allowed()).isTrue();
                now.addAndGet(1_000L);
            }
        }

        @Test
        void eachHostHasItsOwnBucket() {
            Policy policy = limited("{requests: 1, per: 1m}");

            assertThat(policy.decide(get("https://a.example.com/")).allowed()).isTrue();
            assertThat(policy.decide(get("https://A.EXAMPLE.COM./")).denied()).as("same host, other spelling").isTrue();
            assertThat(policy.decide(get("https://b.example.com/")).allowed()).isTrue();
        }

        @Test
        void perToolBucketsWhenAsked() {
            Policy shared = limited("{requests: 1, per: 1h}");
            Policy perTool = limited("{requests: 1, per: 1h, per_tool: true}");

            assertThat(shared.decide(inTool("a", "https://x.example.com/")).allowed()).isTrue();
            assertThat(shared.decide(inTool("b", "https://x.example.com/")).denied()).isTrue();
            assertThat(perTool.decide(inTool("a", "https://x.example.com/")).allowed()).isTrue();
            assertThat(perTool.decide(inTool("b", "https://x.example.com/")).allowed()).isTrue();
            assertThat(perTool.decide(get("https://x.example.com/")).allowed()).as("outside any tool").isTrue();
            assertThat(perTool.decide(inTool("a", "https://x.example.com/")).denied()).isTrue();
        }

        @Test
        void theConnectTimeCheckTakesNoToken() throws Exception {
            Policy policy = limited("{requests: 1, per: 1h}");
            PolicyRequest r = get("https://a.example.com/");

            assertThat(policy.decide(r).allowed()).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(policy.decideResolved(r, ip("192.0.2.1")).allowed()).isTrue();
            }
        }

        @Test
        void concurrentCallersNeverGetMoreThanTheBurst() throws Exception {
            Policy policy = limited("{requests: 1, per: 1h, burst: 100}");
            PolicyRequest r = get("https://a.example.com/");
            AtomicInteger allowed = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            CountDownLatch start = new CountDownLatch(1);
            try {
                for (int t = 0; t < 8; t++) {
                    pool.execute(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < 1000; i++) {
                            if (policy.decide(r).allowed()) {
                                allowed.incrementAndGet();
                            }
                        }
                    });
                }
                start.countDown();
            } finally {
                pool.shutdown();
                assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(allowed.get()).isEqualTo(100);
        }
    }

    @Nested
    class FromConfig {
        @TempDir
        Path dir;

        @Test
        void readsItsKeys() throws Exception {
            Path policyFile = dir.resolve("policy.yaml");
            Files.writeString(policyFile, "default: allow\nrulesets:\n- name: s\n  rules:\n"
                    + "  - {name: no-delete, action: deny, match: {methods: [DELETE]}}\n");
            Map<String, String> raw = new HashMap<>();
            raw.put("mcp.egress.allow", "api.example.com, 10.1.2.3");
            raw.put("mcp.egress.deny", "bad.example.com");
            raw.put("mcp.egress.policy", policyFile.toString());
            raw.put("mcp.egress.block-private", "TRUE");

            Policy policy = Policy.fromConfig(AgentConfig.from(raw));

            assertThat(policy.blocksPrivate()).isTrue();
            assertThat(policy.blocksMetadata()).isTrue();
            assertThat(policy.decide(get("https://api.example.com/")).allowed()).isTrue();
            assertThat(policy.decide(get("http://10.1.2.3/")).allowed()).as("exact allow lifts block-private").isTrue();
            assertThat(policy.decide(PolicyRequest.of("DELETE", URI.create("https://api.example.com/x"), null)).rule())
                    .isEqualTo("no-delete");
            assertThat(policy.describe()).contains("allow list", "policy file", "no-delete");
        }

        @Test
        void theConfigLoaderKnowsTheKeys() {
            Properties props = new Properties();
            props.setProperty("mcp.egress.deny", "*.evil.example");
            props.setProperty("mcp.egress.block-metadata", "false");

            Policy policy = Policy.fromConfig(ConfigLoader.load(null, props, Map.of()));

            assertThat(policy.blocksMetadata()).isFalse();
            assertThat(policy.decide(get("https://x.evil.example/")).denied()).isTrue();
        }

        @Test
        void badValuesNameTheKey() {
            assertThatThrownBy(() -> Policy.fromConfig(AgentConfig.from(Map.of("mcp.egress.block-private", "yes"))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessage("mcp.egress.block-private='yes' is invalid: expected boolean");
            assertThatThrownBy(() -> Policy.fromConfig(AgentConfig.from(Map.of("mcp.egress.policy", dir.resolve("nope.yaml").toString()))))
                    .isInstanceOf(ConfigException.class)
                    .hasMessageStartingWith("mcp.egress.policy='" + dir.resolve("nope.yaml") + "' is invalid: expected path to a readable YAML");
        }
    }

    @Test
    void decidingAKnownHostAllocatesNothing() {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        Policy policy = Policy.builder().blockPrivate(true).deny("*.evil.example, 203.0.113.0/24")
                .policyFile(PolicyFile.parse("default: deny\nrulesets:\n- name: s\n  rules:\n"
                        + "  - {name: gh, action: allow, match: {hosts: [api.github.com], methods: [GET], paths: [/repos]},"
                        + " rate_limit: {requests: 1000000, per: 1s}}\n"
                        + "  - {name: ip, action: allow, match: {hosts: ['198.51.100.0/24'], tools: [t]}}\n", "t.yaml"))
                .build();
        PolicyRequest[] requests = {
            get("https://api.github.com/repos/a/b"),
            inTool("t", "https://198.51.100.7/x"),
            get("https://127.0.0.1/"),
            get("https://x.evil.example/"),
        };
        InetAddress resolved = ip("140.82.112.6");
        for (int i = 0; i < 20_000; i++) { // warm up, fill the host cache and the buckets
            for (PolicyRequest r : requests) {
                policy.decide(r);
                policy.decideResolved(r, resolved);
            }
        }
        long before = threads.getCurrentThreadAllocatedBytes();
        int allowed = 0;
        for (int i = 0; i < 10_000; i++) {
            for (PolicyRequest r : requests) {
                allowed += policy.decide(r).allowed() ? 1 : 0;
                allowed += policy.decideResolved(r, resolved).allowed() ? 1 : 0;
            }
        }
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;

        assertThat(allowed).isPositive();
        assertThat(allocated).as("bytes allocated by 80,000 decisions").isLessThan(4096);
    }

    static InetAddress ip(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
