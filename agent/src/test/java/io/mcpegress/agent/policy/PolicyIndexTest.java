package io.mcpegress.agent.policy;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-host rule index must never change a decision: each case decides the same calls with an
 * indexed policy and with one that tests every rule in order (the plain scan), both built from the
 * same parsed file (so the same Rule and Decision objects) and the same clock, and requires the very
 * same Decision back from decide, decideResolved and decideUncounted, rate limits included (list
 * entries are parsed per policy: those decisions must be equal in every field).
 * Random rule sets and hosts from a fixed seed, so a failure is reproducible.
 */
class PolicyIndexTest {

    private static final String[] NAMES = {
            "api.example.com", "example.com", "a.b.example.com", "svc.corp.example.net", "corp.example.net",
            "metadata.google.internal", "localhost", "db.internal", "x.internal", "github.com", "api.github.com",
            "raw.githubusercontent.com", "foo.localhost", "api.openai.com"};
    private static final String[] SUFFIXES = {"example.com", "corp.example.net", "internal", "githubusercontent.com", "com"};
    private static final String[] IPS = {
            "10.1.2.3", "10.20.0.7", "10.200.3.4", "192.168.1.10", "127.0.0.1", "169.254.169.254", "8.8.8.8",
            "1.2.3.4", "2001:db8::1", "2001:db8:1::5", "::1", "fe80::1", "64:ff9b::a01:203", "2002:a01:203::1",
            "::ffff:10.1.2.3", "fd00::7"};
    private static final String[] CIDRS = {
            "10.0.0.0/8", "10.1.0.0/16", "10.20.0.0/24", "192.168.0.0/16", "127.0.0.0/8", "0.0.0.0/0", "1.2.3.4/32",
            "2001:db8::/32", "2001:db8:1::/48", "::/0", "fd00::/8", "169.254.0.0/16"};
    private static final String[] TOOLS = {"search", "fetch", "deploy"};

    @Test
    void indexedDecisionsAreThoseOfThePlainScan() throws Exception {
        Random random = new Random(20261124L);
        for (int c = 0; c < 250; c++) {
            runCase(random, c);
        }
    }

    private static void runCase(Random random, int caseNo) throws Exception {
        PolicyFile file = PolicyFile.parse(randomPolicy(random), "case-" + caseNo + ".yaml");
        AtomicLong now = new AtomicLong(1_000_000_000L);
        boolean blockMetadata = random.nextBoolean();
        boolean blockPrivate = random.nextInt(3) == 0;
        String allow = random.nextInt(4) == 0 ? String.join(",", pick(random, allEntries(), 1 + random.nextInt(4))) : null;
        String deny = random.nextInt(4) == 0 ? String.join(",", pick(random, allEntries(), 1 + random.nextInt(3))) : null;
        Policy indexed = policy(file, now, blockMetadata, blockPrivate, allow, deny, true);
        Policy linear = policy(file, now, blockMetadata, blockPrivate, allow, deny, false);
        for (int i = 0; i < 300; i++) {
            if (i == 150 && random.nextBoolean()) {
                PolicyFile reloaded = PolicyFile.parse(randomPolicy(random), "case-" + caseNo + "-reloaded.yaml");
                indexed.replacePolicyFile(reloaded);
                linear.replacePolicyFile(reloaded);
            }
            now.addAndGet(random.nextInt(50_000_000));
            PolicyRequest r = randomRequest(random);
            String what = "case " + caseNo + " call " + i + ": " + r;
            switch (random.nextInt(4)) {
                case 0:
                    InetAddress resolved = InetAddress.getByName(IPS[random.nextInt(IPS.length)]);
                    same(indexed.decideResolved(r, resolved), linear.decideResolved(r, resolved), what + " resolved " + resolved);
                    break;
                case 1:
                    same(indexed.decideUncounted(r), linear.decideUncounted(r), what);
                    break;
                case 2:
                    PolicyRequest withAddress = r.withAddress(InetAddress.getByName(IPS[random.nextInt(IPS.length)]));
                    same(indexed.decide(withAddress), linear.decide(withAddress), what);
                    break;
                default:
                    same(indexed.decide(r), linear.decide(r), what);
            }
        }
    }

    @Test
    void hostsBeyondTheCacheAreDecidedByTheScanAndKeepNoIndex() throws UnknownHostException {
        PolicyFile file = PolicyFile.parse("""
                default: deny
                rulesets:
                  - name: s
                    rules:
                      - name: wide
                        action: allow
                        match:
                          hosts: ["*.example.com"]
                      - name: net
                        action: allow
                        match:
                          hosts: [10.0.0.0/8]
                """, "flood.yaml");
        AtomicLong now = new AtomicLong();
        Policy indexed = policy(file, now, true, false, null, null, true);
        Policy linear = policy(file, now, true, false, null, null, false);
        int n = Policy.HOST_CACHE_SIZE * 3;
        List<CanonicalHost> seen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String host = (i % 2 == 0 ? "h" + i + ".example.com" : "h" + i + ".example.org");
            PolicyRequest r = PolicyRequest.builder().scheme("https").host(host).build();
            same(indexed.decide(r), linear.decide(r), host);
            if (i % 3 == 0) {
                InetAddress a = InetAddress.getByAddress(new byte[] {10, (byte) i, (byte) (i >> 8), 1});
                same(indexed.decideResolved(r, a), linear.decideResolved(r, a), host);
            }
            if (i >= Policy.HOST_CACHE_SIZE + 10 && i < Policy.HOST_CACHE_SIZE + 20) {
                seen.add(indexed.canonicalHost(host));
            }
        }
        // past the cap every call canonicalizes afresh: nothing about those hosts is kept
        assertThat(seen).allSatisfy(h -> assertThat(h.ruleIndex()).isNull());
        assertThat(indexed.canonicalHost("h0.example.com").ruleIndex()).isNotNull();
        // hosts with the same candidate rules share one list: no copy of the rules per host
        assertThat(indexed.canonicalHost("h2.example.com").ruleIndex().ownAddress)
                .isSameAs(indexed.canonicalHost("h4.example.com").ruleIndex().ownAddress);
        assertThat(indexed.canonicalHost("h1.example.org").ruleIndex().ownAddress)
                .isSameAs(indexed.canonicalHost("h3.example.org").ruleIndex().ownAddress).isEmpty();
    }

    @Test
    void aReloadIsNotDecidedByTheOldFilesIndex() {
        AtomicLong now = new AtomicLong();
        Policy policy = policy(PolicyFile.parse("""
                default: deny
                rulesets:
                  - name: s
                    rules:
                      - name: first
                        action: allow
                        match:
                          hosts: [api.example.com]
                """, "v1.yaml"), now, true, false, null, null, true);
        PolicyRequest r = PolicyRequest.builder().scheme("https").host("api.example.com").build();
        assertThat(policy.decide(r).rule()).isEqualTo("first");
        policy.replacePolicyFile(PolicyFile.parse("""
                default: allow
                rulesets:
                  - name: s
                    rules:
                      - name: other
                        action: allow
                        match:
                          hosts: [other.example.com]
                      - name: second
                        action: deny
                        match:
                          hosts: ["*.example.com"]
                """, "v2.yaml"));
        assertThat(policy.decide(r).rule()).isEqualTo("second");
    }

    private static void same(Decision indexed, Decision linear, String what) {
        if (indexed != linear) {
            assertThat(linear.ruleset()).as(what + ": only list entries are separate objects").isEqualTo(Decision.CONFIG);
            assertThat(indexed).as(what).hasToString(linear.toString());
            assertThat(indexed.reason()).as(what).isEqualTo(linear.reason());
        }
    }

    private static Policy policy(PolicyFile file, AtomicLong now, boolean blockMetadata, boolean blockPrivate,
                                 String allow, String deny, boolean index) {
        return Policy.builder().blockMetadata(blockMetadata).blockPrivate(blockPrivate).allow(allow).deny(deny)
                .policyFile(file).nanoClock(now::get).indexRules(index).build();
    }

    private static List<String> allEntries() {
        List<String> all = new ArrayList<>();
        for (String n : NAMES) {
            all.add(n);
        }
        for (String s : SUFFIXES) {
            all.add("*." + s);
        }
        for (String ip : IPS) {
            all.add(ip.indexOf(':') >= 0 ? ip : ip);
        }
        for (String c : CIDRS) {
            all.add(c);
        }
        return all;
    }

    private static List<String> pick(Random random, List<String> from, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(from.get(random.nextInt(from.size())));
        }
        return out;
    }

    private static String hostEntry(Random random) {
        List<String> all = allEntries();
        String e = all.get(random.nextInt(all.size()));
        if (random.nextInt(5) == 0) {
            String port = random.nextBoolean() ? String.valueOf(random.nextBoolean() ? 443 : 8443) : "8000-9000";
            e = e.indexOf(':') >= 0 ? "[" + e + "]:" + port : e + ":" + port;
            if (e.startsWith("[") && e.contains("/")) {
                e = all.get(0); // no bracketed CIDR with a port
            }
        }
        return "\"" + e + "\"";
    }

    private static String randomPolicy(Random random) {
        StringBuilder y = new StringBuilder("version: 1\ndefault: ").append(random.nextBoolean() ? "allow" : "deny")
                .append("\nrulesets:\n");
        int sets = 1 + random.nextInt(3);
        int ruleNo = 0;
        for (int s = 0; s < sets; s++) {
            y.append("  - name: set").append(s).append("\n    rules:\n");
            int rules = random.nextInt(25);
            for (int i = 0; i < rules; i++) {
                boolean allow = random.nextInt(3) > 0;
                y.append("      - name: r").append(ruleNo++).append('\n');
                y.append("        action: ").append(allow ? "allow" : "deny").append('\n');
                StringBuilder m = new StringBuilder();
                if (random.nextInt(6) > 0) {
                    List<String> hosts = new ArrayList<>();
                    int n = 1 + random.nextInt(3);
                    for (int h = 0; h < n; h++) {
                        hosts.add(hostEntry(random));
                    }
                    m.append("          hosts: ").append(hosts).append('\n');
                }
                if (random.nextInt(6) == 0) {
                    m.append("          ports: [").append(random.nextBoolean() ? "443" : "80, 8000-9000").append("]\n");
                }
                if (random.nextInt(6) == 0) {
                    m.append("          schemes: [").append(random.nextBoolean() ? "https" : "http").append("]\n");
                }
                if (random.nextInt(6) == 0) {
                    m.append("          methods: [").append(random.nextBoolean() ? "GET" : "POST, PUT").append("]\n");
                }
                if (random.nextInt(6) == 0) {
                    m.append("          paths: [").append(random.nextBoolean() ? "/v1" : "/admin/").append("]\n");
                }
                if (random.nextInt(5) == 0) {
                    m.append("          tools: [\"").append(random.nextInt(3) == 0 ? "*" : TOOLS[random.nextInt(TOOLS.length)])
                            .append("\"]\n");
                }
                if (m.length() > 0) {
                    y.append("        match:\n").append(m);
                }
                if (allow && random.nextInt(4) == 0) {
                    y.append("        rate_limit: {requests: ").append(1 + random.nextInt(3)).append(", per: ")
                            .append(random.nextBoolean() ? "1s" : "200ms").append(", burst: ").append(1 + random.nextInt(3))
                            .append(", per_tool: ").append(random.nextBoolean()).append("}\n");
                }
            }
        }
        return y.toString();
    }

    private static PolicyRequest randomRequest(Random random) {
        String host;
        switch (random.nextInt(6)) {
            case 0:
                String ip = IPS[random.nextInt(IPS.length)];
                host = ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip;
                break;
            case 1:
                host = NAMES[random.nextInt(NAMES.length)].toUpperCase() + (random.nextBoolean() ? "." : "");
                break;
            case 2:
                host = "n" + random.nextInt(5) + "." + SUFFIXES[random.nextInt(SUFFIXES.length)];
                break;
            case 3:
                host = random.nextInt(4) == 0 ? "0177.0.0.1" : random.nextInt(3) == 0 ? "bad host" : "10.1.2.3";
                break;
            default:
                host = NAMES[random.nextInt(NAMES.length)];
        }
        String[] schemes = {"https", "http", "wss", null};
        String[] methods = {"GET", "POST", "PUT", "CONNECT", null};
        String[] paths = {"/", "/v1/x", "/admin/users", null, "/v10"};
        int[] ports = {-1, -1, 443, 80, 8443, 8500};
        return PolicyRequest.builder()
                .scheme(schemes[random.nextInt(schemes.length)])
                .host(host)
                .port(ports[random.nextInt(ports.length)])
                .method(methods[random.nextInt(methods.length)])
                .path(paths[random.nextInt(paths.length)])
                .tool(random.nextInt(3) == 0 ? null : TOOLS[random.nextInt(TOOLS.length)])
                .build();
    }
}
