package io.mcpegress.agent.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.mcpegress.agent.audit.ChainVerifier.Kind;
import io.mcpegress.agent.audit.ChainVerifier.Report;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tamper-evidence acceptance items: each kind of tampering is found and named. */
class ChainVerifierTest {

    private static final byte[] KEY = "correct horse battery staple".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void anUntouchedTrailIsIntact() throws IOException {
        Path file = write("audit.jsonl", run(null, 5));
        Report r = verify(null, file);
        assertThat(r.problems()).isEmpty();
        assertThat(r.intact(true)).isTrue();
        assertThat(r.runs()).singleElement().asString().contains("7 lines", "ended with agent-shutdown");
    }

    @Test
    void bothSchemasChainTheSameWay() throws IOException {
        Path file = write("audit.jsonl", run(new OcsfEncoder(identity()), KEY, 3));
        assertThat(verify(KEY, file).problems()).isEmpty();
    }

    @Test
    void aDeletedLineInTheMiddleIsAGap() throws IOException {
        List<String> lines = run(null, 5);
        lines.remove(3); // sequence 4
        Report r = verify(null, write("audit.jsonl", lines));
        assertThat(r.intact(false)).isFalse();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.DELETED);
            assertThat(p.sequence()).isEqualTo(5);
            assertThat(p.line()).isEqualTo(4);
            assertThat(p.detail()).contains("sequence 4 missing");
        });
    }

    @Test
    void deletedLinesAtTheStartAreAGap() throws IOException {
        List<String> lines = run(null, 5);
        lines.subList(0, 2).clear();
        Report r = verify(null, write("audit.jsonl", lines));
        assertThat(r.problems()).extracting(ChainVerifier.Problem::kind).containsExactly(Kind.DELETED);
        assertThat(r.problems().get(0).detail()).contains("sequences 1..2 missing");
    }

    @Test
    void deletingTheEndIsReportedAsAMissingShutdownAndFailsWhenStrict() throws IOException {
        List<String> lines = run(null, 5);
        lines.subList(5, 7).clear(); // the last exchange and the shutdown event
        Report r = verify(null, write("audit.jsonl", lines));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.NO_SHUTDOWN);
            assertThat(p.warning()).isTrue();
            assertThat(p.sequence()).isEqualTo(5);
        });
        assertThat(r.intact(false)).isTrue(); // kill -9 looks the same
        assertThat(r.intact(true)).isFalse();
    }

    @Test
    void deletingTheLastLinesBeforeTheShutdownEventIsAGap() throws IOException {
        List<String> lines = run(null, 5);
        lines.subList(4, 6).clear();
        Report r = verify(null, write("audit.jsonl", lines));
        assertThat(r.problems()).extracting(ChainVerifier.Problem::kind).containsExactly(Kind.DELETED);
        assertThat(r.problems().get(0).detail()).contains("sequences 5..6 missing");
    }

    @Test
    void swappedLinesAreReordering() throws IOException {
        List<String> lines = run(null, 5);
        String third = lines.get(2);
        lines.set(2, lines.get(3));
        lines.set(3, third);
        Report r = verify(null, write("audit.jsonl", lines));
        assertThat(r.intact(false)).isFalse();
        assertThat(r.problems()).extracting(ChainVerifier.Problem::kind).containsExactly(Kind.REORDERED);
        assertThat(r.problems().get(0).sequence()).isEqualTo(3);
        assertThat(r.problems().get(0).line()).isEqualTo(4);
    }

    @Test
    void anEditedLineIsModified() throws IOException {
        List<String> lines = run(null, 5);
        lines.set(2, lines.get(2).replace("a.example", "b.example"));
        Report r = verify(null, write("audit.jsonl", lines));
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.MODIFIED);
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.sequence()).isEqualTo(3);
        });
    }

    @Test
    void anEditedLineWithARecomputedUnkeyedHashStillBreaksTheNextLink() throws IOException {
        List<String> lines = run(null, 5);
        lines.set(2, rehash(lines.get(2).replace("a.example", "b.example")));
        Report r = verify(null, write("audit.jsonl", lines));
        assertThat(r.problems()).extracting(ChainVerifier.Problem::kind).containsExactly(Kind.BROKEN_LINK);
        assertThat(r.problems().get(0).sequence()).isEqualTo(4);
    }

    @Test
    void withAKeyAForgerCannotRecomputeTheHash() throws IOException {
        List<String> lines = run(KEY, 5);
        lines.set(2, rehash(lines.get(2).replace("a.example", "b.example")));
        Report r = verify(KEY, write("audit.jsonl", lines));
        assertThat(r.problems()).extracting(ChainVerifier.Problem::kind).contains(Kind.MODIFIED);
        assertThat(r.problems().get(0).line()).isEqualTo(3);
    }

    @Test
    void theWrongKeyFailsEveryLineAndSaysSo() throws IOException {
        Path file = write("audit.jsonl", run(KEY, 2));
        Report r = verify("another key".getBytes(StandardCharsets.UTF_8), file);
        assertThat(r.intact(false)).isFalse();
        assertThat(r.has(Kind.KEY)).isTrue();
        assertThat(r.problems()).filteredOn(p -> p.kind() == Kind.MODIFIED).hasSize(4);
        assertThat(verify(KEY, file).problems()).isEmpty();
    }

    @Test
    void aKeyedTrailNeedsTheKey() throws IOException {
        Report r = verify(null, write("audit.jsonl", run(KEY, 1)));
        assertThat(r.intact(false)).isFalse();
        assertThat(r.problems()).allSatisfy(p -> assertThat(p.kind()).isEqualTo(Kind.KEY));
    }

    @Test
    void rotatedFilesAreReadOldestFirstAsOneTrail() throws IOException {
        List<String> lines = run(null, 7); // 9 lines
        write("audit.jsonl.2026-11-24T06-00-00.001", lines.subList(0, 3));
        write("audit.jsonl.2026-11-24T06-00-00.002", lines.subList(3, 6));
        Path active = write("audit.jsonl", lines.subList(6, 9));
        Report r = verify(null, active); // siblings found from the active file
        assertThat(r.problems()).isEmpty();
        assertThat(r.lines()).isEqualTo(9);
    }

    @Test
    void logrotateStyleNumbersAreReadHighestFirst() throws IOException {
        List<String> lines = run(null, 4); // 6 lines
        write("audit.jsonl.2", lines.subList(0, 2));
        write("audit.jsonl.1", lines.subList(2, 4));
        Path active = write("audit.jsonl", lines.subList(4, 6));
        Report r = verify(null, active);
        assertThat(r.problems()).isEmpty();
        assertThat(r.lines()).isEqualTo(6);
    }

    @Test
    void aDeletedRotatedFileIsAGapNamingTheFollowingFile() throws IOException {
        List<String> lines = run(null, 7);
        write("audit.jsonl.2026-11-24T06-00-00.001", lines.subList(0, 3));
        Path active = write("audit.jsonl", lines.subList(6, 9)); // .002 is gone
        Report r = verify(null, active);
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.DELETED);
            assertThat(p.file()).endsWith("audit.jsonl");
            assertThat(p.line()).isEqualTo(1);
            assertThat(p.detail()).contains("sequences 4..6 missing");
        });
    }

    @Test
    void runsAppendingToOneFileAreCheckedSeparately() throws IOException {
        List<String> lines = new ArrayList<>(run(null, 2));
        List<String> killed = run(null, 2);
        lines.addAll(killed.subList(0, 3)); // a second run, killed -9 after its second line
        lines.addAll(run(null, 1));
        Report r = verify(null, write("audit.jsonl", lines));
        assertThat(r.runs()).hasSize(3);
        assertThat(r.problems()).extracting(ChainVerifier.Problem::kind).containsExactly(Kind.NO_SHUTDOWN);
        assertThat(r.intact(false)).isTrue();
    }

    @Test
    void cliExitStatusAndReport() throws IOException {
        List<String> lines = run(KEY, 3);
        Path keyFile = Files.write(dir.resolve("key"), (new String(KEY, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8));
        Path good = write("good.jsonl", lines);
        lines.remove(2);
        Path bad = write("bad.jsonl", lines);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ChainVerifier.run(new String[] {"verify", "--key-file", keyFile.toString(), good.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8))).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("OK: 5 lines, 1 runs").doesNotContain(new String(KEY, StandardCharsets.UTF_8));

        out.reset();
        assertThat(ChainVerifier.run(new String[] {"verify", "--key-file", keyFile.toString(), bad.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8))).isEqualTo(1);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(bad + ":3: run ", "seq 4: DELETED: sequence 3 missing", "BROKEN");

        out.reset();
        assertThat(ChainVerifier.run(new String[] {"verify", "--key-env", "MCP_EGRESS_SURELY_UNSET_VARIABLE", good.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8))).isEqualTo(2);
    }

    // --- helpers

    private static ProcessIdentity identity() {
        return new ProcessIdentity("svc", "1.2.3");
    }

    /** One process run as written by the pipeline: start, {@code exchanges} calls, shutdown. */
    private static List<String> run(byte[] key, int exchanges) throws IOException {
        return run(new EcsEncoder(identity()), key, exchanges);
    }

    private static List<String> run(ChainableEncoder schema, byte[] key, int exchanges) throws IOException {
        ChainedEncoder encoder = new ChainedEncoder(schema, key);
        List<String> lines = new ArrayList<>();
        lines.add(line(encoder, AgentEvent.start("cfg", "enforce", null, List.of("jdk-httpclient"), "started")));
        for (int i = 0; i < exchanges; i++) {
            lines.add(line(encoder, AuditEvent.builder().startEpochMillis(1_700_000_000_000L + i).durationNanos(1_000_000)
                    .client("jdk-httpclient/17").method("GET").target(RequestTarget.of(URI.create("https://a.example/p" + i)))
                    .statusCode(200).route("direct").build()));
        }
        lines.add(line(encoder, AgentEvent.shutdown(new AgentCounters(exchanges, 0, 0, 0, 0, 0, 0))));
        return lines;
    }

    private static String line(AuditEncoder encoder, AuditRecord record) throws IOException {
        String s = encoder.encode(record).toString(StandardCharsets.UTF_8);
        assertThat(s).endsWith("\n");
        return s.substring(0, s.length() - 1);
    }

    /** What a forger without the key does: recompute the unkeyed hash of the edited line. */
    private static String rehash(String line) {
        int at = line.lastIndexOf("\"hash\":\"") + 8;
        String zeroed = line.substring(0, at) + ChainStamp.HASH_PLACEHOLDER + line.substring(at + 64);
        byte[] h = new ChainedEncoder.LineDigest(null).hash(zeroed.getBytes(StandardCharsets.UTF_8), 0,
                zeroed.getBytes(StandardCharsets.UTF_8).length);
        StringBuilder hex = new StringBuilder();
        for (byte b : h) {
            hex.append(String.format("%02x", b));
        }
        return line.substring(0, at) + hex + line.substring(at + 64);
    }

    private Path write(String name, List<String> lines) throws IOException {
        return Files.write(dir.resolve(name), (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private Report verify(byte[] key, Path file) throws IOException {
        return new ChainVerifier(key).verify(List.of(file));
    }
}
