package io.mcpegress.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpegress.testkit.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The tamper evidence end to end: the real agent writes a keyed (HMAC) trail that rotates every
 * few lines, and {@code java -jar mcp-egress-agent.jar verify} accepts it with the key, and
 * rejects it with the wrong key, without the key, and after a rotated file or a line is deleted.
 */
class AuditChainIT extends ProxiedTargetTest {

    static final String KEY_ENV = "IT_AUDIT_HMAC_KEY";
    static final String KEY = "it-secret-7f3a9c";

    @Test
    void aKeyedRotatedTrailVerifiesAndEveryTamperingIsCaught() throws Exception {
        Path audit = dir.resolve("audit.jsonl");
        List<String> urls = new ArrayList<>();
        urls.add(dir.resolve("results").toString());
        for (int i = 0; i < 4; i++) {
            urls.add(target.httpUrl("/s/chain-" + i + "/ok"));
        }
        ChildJvm.Result run = ChildJvm.builder()
                .agentJar(TestApps.agentJar())
                .env(KEY_ENV, KEY)
                .systemProperty("mcp.egress.proxy", squid.url())
                .systemProperty("mcp.egress.audit.file", audit.toString())
                .systemProperty("mcp.egress.audit.file.max-size", "2KB")
                .systemProperty("mcp.egress.audit.integrity.key-env", KEY_ENV)
                .classpath(TestApps.classpath("jdk-clients"))
                .mainClass("io.mcpegress.apps.jdk.PolicyApp")
                .args(urls.toArray(String[]::new))
                .run().assertSuccess();
        assertThat(run.output()).as("the key is never logged").doesNotContain(KEY);
        List<Path> rotated = rotated(audit);
        assertThat(rotated).as("the trail rotated").hasSizeGreaterThan(2);
        for (Path p : Stream.concat(rotated.stream(), Stream.of(audit)).toList()) {
            assertThat(Files.readString(p)).doesNotContain(KEY).contains("\"alg\":\"hmac-sha256\"");
        }

        assertThat(verify(audit, "--key-env", KEY_ENV).status).as("intact across rotated files").isZero();
        Path keyFile = Files.writeString(dir.resolve("key"), KEY + "\n");
        assertThat(verify(audit, "--key-file", keyFile.toString()).status).isZero();

        Verify wrongKey = verify(audit, "--key-file", Files.writeString(dir.resolve("wrong"), "not-the-key").toString());
        assertThat(wrongKey.status).isEqualTo(1);
        assertThat(wrongKey.out).contains("KEY: no line of this run matches its hash with the given key");

        Verify noKey = verify(audit);
        assertThat(noKey.status).isEqualTo(1);
        assertThat(noKey.out).contains("give the key with --key-env or --key-file");

        // delete a rotated file in the middle: the next file starts with a gap
        Path middle = rotated.get(1);
        byte[] saved = Files.readAllBytes(middle);
        Files.delete(middle);
        Verify gap = verify(audit, "--key-env", KEY_ENV);
        assertThat(gap.status).isEqualTo(1);
        assertThat(gap.out).contains(rotated.get(2) + ":1: run ").contains("DELETED");
        Files.write(middle, saved);

        // edit one line of the active file
        List<String> lines = Files.readAllLines(audit);
        String original = lines.get(0);
        lines.set(0, original.replace("\"pid\":", "\"pid\":1"));
        Files.write(audit, lines);
        Verify modified = verify(audit, "--key-env", KEY_ENV);
        assertThat(modified.status).isEqualTo(1);
        assertThat(modified.out).contains(audit + ":1: run ").contains("MODIFIED: content does not match its hash");
    }

    private static List<Path> rotated(Path audit) throws Exception {
        try (Stream<Path> s = Files.list(audit.getParent())) {
            return s.filter(p -> p.getFileName().toString().startsWith("audit.jsonl.")).sorted().toList();
        }
    }

    record Verify(int status, String out) {
    }

    static Verify verify(Path audit, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", TestApps.agentJar().toString(), "verify"));
        command.addAll(List.of(options));
        command.add(audit.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put(KEY_ENV, KEY);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        System.out.println("verify " + String.join(" ", options) + " -> " + p.exitValue() + "\n" + out);
        assertThat(out).doesNotContain(KEY);
        return new Verify(p.exitValue(), out);
    }
}
