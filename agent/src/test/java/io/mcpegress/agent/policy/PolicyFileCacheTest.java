package io.mcpegress.agent.policy;

import io.mcpegress.agent.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyFileCacheTest {

    @TempDir
    Path dir;

    private static final String POLICY = "default: deny\nrulesets:\n- name: apis\n  rules:\n"
            + "  - name: github\n    action: allow\n    match: {hosts: [api.github.com], methods: [GET]}\n"
            + "    rate_limit: {requests: 5, per: 1s}\n"
            + "  - {name: 'null', action: allow, match: {hosts: ['*.example.com'], paths: [/v1/]}}\n";

    /** An in-memory start-up cache that counts what it is asked. */
    static final class MemoryStore implements PolicyFileCache.Store {
        final Map<String, byte[]> entries = new ConcurrentHashMap<>();
        int reads;

        @Override
        public byte[] read(String name) {
            reads++;
            byte[] b = entries.get(name);
            return b == null ? null : b.clone();
        }

        @Override
        public void write(String name, byte[] bytes) {
            entries.put(name, bytes.clone());
        }
    }

    private Path file(String text) throws Exception {
        return Files.writeString(dir.resolve("policy.yaml"), text);
    }

    private static boolean allowed(PolicyFile file, String method, String url) {
        Policy p = Policy.builder().policyFile(file).build();
        return p.decide(PolicyRequest.of(method, URI.create(url), null)).allowed();
    }

    @Test
    void aValidPolicyIsStoredAndTheNextLoadUsesTheStoredTreeWithTheSameMeaning() throws Exception {
        Path path = file(POLICY);
        MemoryStore store = new MemoryStore();
        PolicyFile parsed = PolicyFile.load(path, store);
        assertThat(store.entries).hasSize(1);

        byte[] bytes = Files.readAllBytes(path);
        PolicyTree stored = PolicyFileCache.lookup(store, bytes);
        assertThat(stored).as("the stored tree of exactly this file").isNotNull()
                .isEqualTo(PolicyFile.tree(POLICY, "p"));

        PolicyFile cached = PolicyFile.load(path, store);
        assertThat(cached.toString()).isEqualTo(parsed.toString());
        assertThat(cached.rules()).extracting(Rule::name).containsExactly("github", "null");
        for (PolicyFile f : List.of(parsed, cached)) {
            assertThat(allowed(f, "GET", "https://api.github.com/repos")).isTrue();
            assertThat(allowed(f, "POST", "https://api.github.com/repos")).isFalse();
            assertThat(allowed(f, "GET", "https://a.example.com/v1/x")).isTrue();
            assertThat(allowed(f, "GET", "https://a.example.com/v2/x")).isFalse();
        }
        RateLimit limit = cached.rules().get(0).rateLimit();
        assertThat(List.of(limit.requests(), limit.per(), limit.burst())).containsExactly(5, java.time.Duration.ofSeconds(1), 5);
    }

    @Test
    void aChangedFileIsParsedAgainAndStoredUnderItsOwnEntry() throws Exception {
        MemoryStore store = new MemoryStore();
        PolicyFile.load(file(POLICY), store);
        PolicyFile changed = PolicyFile.load(file(POLICY.replace("api.github.com", "uploads.github.com")), store);

        assertThat(store.entries).hasSize(2);
        assertThat(allowed(changed, "GET", "https://uploads.github.com/x")).isTrue();
        assertThat(allowed(changed, "GET", "https://api.github.com/x")).isFalse();
    }

    @Test
    void aDamagedEntryIsAMissAndTheFileIsParsedAgain() throws Exception {
        Path path = file(POLICY);
        MemoryStore store = new MemoryStore();
        PolicyFile.load(path, store);
        String name = store.entries.keySet().iterator().next();
        byte[] entry = store.entries.get(name);
        entry[entry.length / 2] ^= 0x20; // one flipped bit in the stored tree
        store.entries.put(name, entry);

        assertThat(PolicyFileCache.lookup(store, Files.readAllBytes(path))).isNull();
        PolicyFile reparsed = PolicyFile.load(path, store);
        assertThat(allowed(reparsed, "GET", "https://api.github.com/repos")).isTrue();
        assertThat(PolicyFileCache.lookup(store, Files.readAllBytes(path))).as("stored again, intact").isNotNull();
    }

    @Test
    void anInvalidPolicyIsNeverStored() throws Exception {
        MemoryStore store = new MemoryStore();
        Path path = file("default: deny\nrulesets:\n- name: a\n  rules:\n  - {name: r, action: maybe}\n");

        assertThatThrownBy(() -> PolicyFile.load(path, store)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("line 5: action 'maybe' is invalid");
        assertThat(store.entries).isEmpty();
    }

    @Test
    void aStoredTreeIsCheckedLikeAParsedOneWithItsLines() throws Exception {
        Path path = file(POLICY);
        byte[] bytes = Files.readAllBytes(path);
        MemoryStore store = new MemoryStore();
        // an entry for exactly this file whose tree says something invalid: the reader still refuses it
        PolicyFileCache.store(store, bytes, PolicyTree.mapping(1, List.of(
                PolicyTree.text(7, "default", true), PolicyTree.text(7, "sometimes", true))));

        assertThatThrownBy(() -> PolicyFile.load(path, store)).isInstanceOf(ConfigException.class)
                .hasMessage("mcp.egress.policy='" + path + "' line 7: default 'sometimes' is invalid: expected allow or deny");
    }

    @Test
    void theTreeRoundTripsThroughItsStoredForm() throws Exception {
        PolicyTree tree = PolicyFile.tree(POLICY + "# é ünïcode comment\n", "p");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        tree.writeTo(new DataOutputStream(bytes));
        PolicyTree back = PolicyTree.readFrom(new DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        assertThat(back).isEqualTo(tree);
        assertThat(back.children.get(0).line).isEqualTo(1);
        assertThat(back.children.get(3).children.get(0).line).as("the ruleset's line").isEqualTo(3);
    }

    @Test
    void aliasesThatReferToThemselvesOrExplodeAreRefusedWithTheirLine() {
        assertThatThrownBy(() -> PolicyFile.parse("default: deny\nx: &a [1, *a]\n", "p.yaml"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("mcp.egress.policy='p.yaml' line 2: the document expands to more than");
        StringBuilder bomb = new StringBuilder("default: deny\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for (int i = 1; i < 6; i++) {
            bomb.append('a').append(i).append(": &a").append(i).append(" [");
            for (int j = 0; j < 10; j++) {
                bomb.append(j == 0 ? "" : ", ").append("*a").append(i - 1);
            }
            bomb.append("]\n");
        }
        assertThatThrownBy(() -> PolicyFile.parse(bomb.toString(), "p.yaml")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("expected a policy of at most 100000 values");
    }

    @Test
    void anEntryNamesTheFilesLengthAndChecksum() {
        byte[] a = POLICY.getBytes(StandardCharsets.UTF_8);
        byte[] b = POLICY.replace('1', '2').getBytes(StandardCharsets.UTF_8);
        assertThat(PolicyFileCache.entryName(a)).matches("policy_[0-9a-f]+_[0-9a-f]+\\.tree")
                .isNotEqualTo(PolicyFileCache.entryName(b));
    }
}
