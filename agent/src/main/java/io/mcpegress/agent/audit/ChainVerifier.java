package io.mcpegress.agent.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.mcpegress.agent.config.ConfigException;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code java -jar mcp-egress-agent.jar verify [--key-env NAME | --key-file PATH] [--strict] FILE...}:
 * checks the hash chain written by {@link ChainedEncoder}. Reads the files in write order (an active
 * file's rotated siblings are found and read first), groups lines by process run, and reports every
 * problem as {@code file:line: run R seq N: KIND: detail}. Exit status 0 when intact, 1 when the
 * chain is broken, 2 on a usage error. A run without an {@code agent-shutdown} event is a warning
 * (kill -9 happens; so does deleting the end of a file), a failure with {@code --strict}.
 */
public final class ChainVerifier {

    public enum Kind {
        MODIFIED, BROKEN_LINK, DELETED, REORDERED, DUPLICATE, UNCHAINED, KEY, NO_SHUTDOWN, INCOMPLETE_LINE
    }

    /** One finding; warnings do not fail verification unless strict. */
    public record Problem(String file, int line, String run, long sequence, Kind kind, String detail, boolean warning) {
        @Override
        public String toString() {
            return (file == null ? "" : file + ":" + line + ": ") + (run == null ? "" : "run " + run + " ")
                    + (sequence > 0 ? "seq " + sequence + ": " : "") + (warning ? "WARNING " : "") + kind + ": " + detail;
        }
    }

    /** The outcome: problems in file order, and a line per run. */
    public record Report(List<Problem> problems, List<String> runs, int lines) {
        public boolean intact(boolean strict) {
            return problems.stream().noneMatch(p -> !p.warning() || strict);
        }

        public boolean has(Kind kind) {
            return problems.stream().anyMatch(p -> p.kind() == kind);
        }
    }

    private static final Pattern STAMPED = Pattern.compile("(.+)\\.(\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2})\\.(\\d+)");
    private static final Pattern NUMBERED = Pattern.compile("(.+)\\.(\\d+)");
    private static final byte[] HASH_FIELD = ("\"" + ChainStamp.HASH_KEY + "\":\"").getBytes(StandardCharsets.US_ASCII);

    private final byte[] key;
    private final JsonFactory json = new JsonFactory();

    public ChainVerifier(byte[] key) {
        this.key = key;
    }

    /** The CLI. */
    public static int run(String[] args, PrintStream out) {
        String keyEnv = null;
        String keyFile = null;
        boolean strict = false;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (i == 0 && a.equals("verify")) {
                continue;
            }
            if ((a.equals("--key-env") || a.equals("--key-file")) && i + 1 < args.length) {
                if (a.equals("--key-env")) {
                    keyEnv = args[++i];
                } else {
                    keyFile = args[++i];
                }
            } else if (a.equals("--strict")) {
                strict = true;
            } else if (a.startsWith("-")) {
                return usage(out, "unknown option " + a);
            } else {
                files.add(Path.of(a));
            }
        }
        if (files.isEmpty()) {
            return usage(out, "no audit file given");
        }
        byte[] key;
        try {
            key = IntegrityKey.load(keyEnv, keyFile, System.getenv(), "--key-env", "--key-file");
        } catch (ConfigException e) {
            return usage(out, e.getMessage());
        }
        Report report;
        try {
            report = new ChainVerifier(key).verify(files);
        } catch (IOException e) {
            return usage(out, "cannot read: " + e);
        }
        report.problems().forEach(out::println);
        report.runs().forEach(out::println);
        boolean ok = report.intact(strict);
        out.println((ok ? "OK: " : "BROKEN: ") + report.lines() + " lines, " + report.runs().size() + " runs, "
                + report.problems().stream().filter(p -> !p.warning()).count() + " problems, "
                + report.problems().stream().filter(Problem::warning).count() + " warnings");
        return ok ? 0 : 1;
    }

    private static int usage(PrintStream out, String why) {
        out.println("verify: " + why);
        out.println("usage: java -jar mcp-egress-agent.jar verify [--key-env NAME | --key-file PATH] [--strict] FILE...");
        out.println("  FILE: an audit file; its rotated siblings (FILE.<time>.<n>, FILE.<n>) are read too, oldest first");
        return 2;
    }

    /** Verifies the files (plus the rotated siblings of each) as one trail. */
    public Report verify(List<Path> given) throws IOException {
        List<Path> files = inWriteOrder(given);
        List<Problem> problems = new ArrayList<>();
        Map<String, List<Entry>> runs = new LinkedHashMap<>();
        int total = 0;
        for (Path file : files) {
            byte[] content = Files.readAllBytes(file);
            int start = 0;
            int lineNo = 0;
            while (start < content.length) {
                int nl = indexOf(content, (byte) '\n', start);
                int end = nl < 0 ? content.length : nl;
                lineNo++;
                if (end > start) {
                    total++;
                    if (nl < 0) {
                        problems.add(new Problem(file.toString(), lineNo, null, 0, Kind.INCOMPLETE_LINE,
                                "last line has no newline: the write was interrupted (or the line was cut)", true));
                    } else {
                        Entry e = read(file.toString(), lineNo, Arrays.copyOfRange(content, start, end), problems);
                        if (e != null) {
                            runs.computeIfAbsent(e.run, r -> new ArrayList<>()).add(e);
                        }
                    }
                }
                start = end + 1;
            }
        }
        List<String> summaries = new ArrayList<>();
        for (Map.Entry<String, List<Entry>> run : runs.entrySet()) {
            summaries.add(checkRun(run.getKey(), run.getValue(), problems));
        }
        problems.sort(Comparator.comparingInt((Problem p) -> p.file() == null ? -1 : files.indexOf(Path.of(p.file())))
                .thenComparingInt(Problem::line));
        return new Report(List.copyOf(problems), summaries, total);
    }

    private String checkRun(String run, List<Entry> entries, List<Problem> problems) {
        long modified = entries.stream().filter(e -> e.modified).count();
        if (modified == entries.size() && key != null && entries.size() > 1) {
            Entry first = entries.get(0);
            problems.add(new Problem(first.file, first.line, run, 0, Kind.KEY,
                    "no line of this run matches its hash with the given key: wrong key (or every line was rewritten)", false));
        }
        // reordering: a sequence lower than one already read
        long max = 0;
        Set<Long> seen = new java.util.HashSet<>();
        for (Entry e : entries) {
            if (!seen.add(e.seq)) {
                problems.add(e.problem(Kind.DUPLICATE, "sequence " + e.seq + " appears more than once (copied or replayed line)"));
            } else if (e.seq < max) {
                problems.add(e.problem(Kind.REORDERED, "comes after sequence " + max + " (lines were moved)"));
            }
            max = Math.max(max, e.seq);
        }
        // gaps and links, in sequence order
        TreeMap<Long, Entry> bySeq = new TreeMap<>();
        for (Entry e : entries) {
            bySeq.putIfAbsent(e.seq, e);
        }
        Entry previous = null;
        for (Entry e : bySeq.values()) {
            long expected = previous == null ? 1 : previous.seq + 1;
            if (e.seq > expected) {
                problems.add(e.problem(Kind.DELETED, (e.seq - expected == 1 ? "sequence " + expected
                        : "sequences " + expected + ".." + (e.seq - 1)) + " missing before this line (deleted)"));
            } else if (previous == null ? !e.prevHash.equals(ChainStamp.HASH_PLACEHOLDER) : !e.prevHash.equals(previous.hash)) {
                problems.add(e.problem(Kind.BROKEN_LINK, "prev_hash does not match the hash of "
                        + (previous == null ? "the start of the run" : "sequence " + previous.seq + " (" + previous.file + ":" + previous.line + ")")
                        + ": a line was replaced or rewritten"));
            }
            previous = e;
        }
        Entry last = bySeq.lastEntry().getValue();
        boolean shutdown = "agent-shutdown".equals(last.action);
        if (!shutdown) {
            problems.add(new Problem(last.file, last.line, run, last.seq, Kind.NO_SHUTDOWN,
                    "the run ends at sequence " + last.seq + " without an agent-shutdown event: the process was killed, "
                            + "is still running, or the last lines were deleted", true));
        }
        Set<String> files = new LinkedHashSet<>();
        entries.forEach(e -> files.add(e.file));
        return "run " + run + ": " + entries.size() + " lines, sequence 1.." + last.seq + " in " + files
                + (shutdown ? ", ended with agent-shutdown" : ", no agent-shutdown");
    }

    private Entry read(String file, int lineNo, byte[] line, List<Problem> problems) {
        Entry e = new Entry(file, lineNo);
        try (JsonParser p = json.createParser(line)) {
            Deque<String> path = new ArrayDeque<>();
            String field = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case FIELD_NAME -> field = p.currentName();
                    case START_OBJECT -> {
                        if (field != null) {
                            path.addLast(field);
                        }
                        field = null;
                    }
                    case END_OBJECT -> {
                        if (!path.isEmpty()) {
                            path.removeLast();
                        }
                    }
                    case START_ARRAY -> p.skipChildren();
                    default -> {
                        if (field != null) {
                            e.take(path.isEmpty() ? field : String.join(".", path) + "." + field, p.getText());
                        }
                        field = null;
                    }
                }
            }
        } catch (IOException | RuntimeException ex) {
            problems.add(new Problem(file, lineNo, null, 0, Kind.MODIFIED, "not a JSON object: " + ex.getMessage().split("\n")[0], false));
            return null;
        }
        if (e.run == null || e.seq <= 0 || e.hash == null || e.prevHash == null || e.alg == null) {
            problems.add(new Problem(file, lineNo, e.run, e.seq, Kind.UNCHAINED,
                    "no complete chain fields (sequence, run, alg, prev_hash, hash): not written by a chaining agent, or edited", false));
            return null;
        }
        String computed = hashOf(line);
        if (ChainStamp.HMAC_SHA256.equals(e.alg) && key == null) {
            problems.add(e.problem(Kind.KEY, "the line is keyed (hmac-sha256): give the key with --key-env or --key-file"));
        } else if (ChainStamp.SHA256.equals(e.alg) && key != null) {
            e.modified = true;
            problems.add(e.problem(Kind.MODIFIED, "unkeyed line (sha256) where a key is expected: forged or written without the key"));
        } else if (!e.hash.equals(computed)) {
            e.modified = true;
            problems.add(e.problem(Kind.MODIFIED, "content does not match its hash"));
        }
        return e;
    }

    /** The line's hash with the hash value zeroed, as {@link ChainedEncoder} computed it; null if there is no hash field. */
    private String hashOf(byte[] line) {
        int at = ChainedEncoder.lastIndexOf(line, line.length, HASH_FIELD);
        if (at < 0 || at + HASH_FIELD.length + 65 > line.length) {
            return null;
        }
        byte[] copy = line.clone();
        Arrays.fill(copy, at + HASH_FIELD.length, at + HASH_FIELD.length + 64, (byte) '0');
        byte[] h = new ChainedEncoder.LineDigest(key).hash(copy, 0, copy.length);
        StringBuilder sb = new StringBuilder(64);
        for (byte b : h) {
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }

    /** The given files plus rotated siblings, oldest first: per base file its rotated files, then itself. */
    static List<Path> inWriteOrder(List<Path> given) throws IOException {
        Set<Path> all = new LinkedHashSet<>();
        for (Path p : given) {
            Path f = p.toAbsolutePath().normalize();
            all.add(f);
            Path dir = f.getParent();
            String name = f.getFileName().toString();
            if (dir != null && Files.isDirectory(dir) && !STAMPED.matcher(name).matches() && !NUMBERED.matcher(name).matches()) {
                try (DirectoryStream<Path> siblings = Files.newDirectoryStream(dir)) {
                    for (Path s : siblings) {
                        String n = s.getFileName().toString();
                        if (n.startsWith(name + ".") && base(n).equals(name)) {
                            all.add(s.toAbsolutePath().normalize());
                        }
                    }
                }
            }
        }
        List<Path> ordered = new ArrayList<>(all);
        ordered.sort(Comparator.comparing((Path p) -> base(p.getFileName().toString()))
                .thenComparing(p -> order(p.getFileName().toString())));
        return ordered;
    }

    private static String base(String name) {
        Matcher m = STAMPED.matcher(name);
        if (m.matches()) {
            return m.group(1);
        }
        m = NUMBERED.matcher(name);
        return m.matches() ? m.group(1) : name;
    }

    /** Stamped rotations by time then number; numbered ones (logrotate) highest first; the active file last. */
    private static String order(String name) {
        Matcher m = STAMPED.matcher(name);
        if (m.matches()) {
            return "0" + m.group(2) + String.format("%012d", Long.parseLong(m.group(3)));
        }
        m = NUMBERED.matcher(name);
        if (m.matches()) {
            return "1" + String.format("%012d", 999_999_999_999L - Long.parseLong(m.group(2)));
        }
        return "2";
    }

    private static int indexOf(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static final class Entry {
        final String file;
        final int line;
        String run;
        long seq;
        String alg;
        String prevHash;
        String hash;
        String action;
        boolean modified;

        Entry(String file, int line) {
            this.file = file;
            this.line = line;
        }

        void take(String path, String value) {
            switch (path) {
                case "event.sequence", "metadata.sequence" -> {
                    try {
                        seq = Long.parseLong(value);
                    } catch (NumberFormatException ignored) {
                        seq = -1;
                    }
                }
                case "event.action", "unmapped.action" -> action = value;
                case "mcp.egress.chain.run", "unmapped.chain.run" -> run = value;
                case "mcp.egress.chain.alg", "unmapped.chain.alg" -> alg = value;
                case "mcp.egress.chain.prev_hash", "unmapped.chain.prev_hash" -> prevHash = value;
                case "mcp.egress.chain.hash", "unmapped.chain.hash" -> hash = value;
                default -> {
                }
            }
        }

        Problem problem(Kind kind, String detail) {
            return new Problem(file, line, run, seq, kind, detail, false);
        }
    }
}
