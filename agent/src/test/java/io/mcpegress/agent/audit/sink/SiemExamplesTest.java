package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AgentCounters;
import io.mcpegress.agent.audit.AgentEvent;
import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.AuditRecord;
import io.mcpegress.agent.audit.EcsEncoder;
import io.mcpegress.agent.audit.ProcessIdentity;
import io.mcpegress.agent.audit.RequestTarget;
import io.mcpegress.agent.config.ConfigKey;
import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.McpContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shipping examples in {@code examples/siem/} against the real agent code.
 *
 * <ul>
 *   <li>rsyslog: every {@code *.conf} passes {@code rsyslogd -N1}; the TCP and the TLS relay run as
 *       real rsyslogd daemons with the example file (only ports, directories and certificate
 *       paths replaced), the real {@link SyslogSink} sends real encoded events, and the per-host
 *       files hold exactly those JSON lines, byte for byte.</li>
 *   <li>Fluent Bit, Vector, Filebeat (not installable here): each file parses as YAML, uses the
 *       documented agent file path, and its globs match what the real {@link RotatingFileSink}
 *       writes (active file always; rotated files only where the tool tracks identity, never for
 *       Fluent Bit, where a match would re-read them).</li>
 *   <li>README: every agent YAML snippet is accepted by the real config loader and sink config.</li>
 *   <li>Queries: every field name used in the Splunk and KQL examples is a field the encoder
 *       really writes.</li>
 * </ul>
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SiemExamplesTest {

    static final Path SIEM = locate("examples/siem");
    /** The file path all shipping examples use, as in docs/sinks.md. */
    static final String AUDIT_FILE = "/var/log/mcp/egress-audit.jsonl";

    @TempDir
    static Path tmp;

    static TestCerts certs;

    @BeforeAll
    static void install() throws Exception {
        Rsyslog.ensureInstalled(true);
        certs = TestCerts.create(tmp.resolve("certs"));
    }

    static Path locate(String relative) {
        Path p = Path.of("").toAbsolutePath();
        while (p != null) {
            if (Files.isDirectory(p.resolve(relative))) {
                return p.resolve(relative);
            }
            p = p.getParent();
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }

    // ---- rsyslog ---------------------------------------------------------------------------------

    /** The example with its documented literals replaced, so it runs unprivileged in a temp dir. */
    static String relayConfig(String file, String portLiteral, int port, Path out, Path work) throws IOException {
        String c = Files.readString(SIEM.resolve("rsyslog").resolve(file));
        c = replaceAll(c, "port=\"" + portLiteral + "\"", "port=\"" + port + "\" address=\"127.0.0.1\"");
        c = replaceAll(c, "\"/var/log/mcp-egress/", "\"" + out + "/");
        c = replaceAll(c, "\"/var/spool/rsyslog-mcp\"", "\"" + work + "\"");
        if (c.contains("/etc/rsyslog-mcp/tls/")) {
            c = replaceAll(c, "\"/etc/rsyslog-mcp/tls/ca.pem\"", "\"" + certs.certPem + "\"");
            c = replaceAll(c, "\"/etc/rsyslog-mcp/tls/relay-cert.pem\"", "\"" + certs.certPem + "\"");
            c = replaceAll(c, "\"/etc/rsyslog-mcp/tls/relay-key.pem\"", "\"" + certs.keyPem + "\"");
        }
        // nothing left that would make the test write outside its directory
        for (String line : c.split("\n")) {
            if (!line.strip().startsWith("#")) {
                assertThat(line).doesNotContain("/var/").doesNotContain("/etc/");
            }
        }
        return c;
    }

    /** Replaces a literal the example documents; fails when the example no longer has it. */
    static String replaceAll(String text, String literal, String replacement) {
        assertThat(text).as("the example documents the literal %s", literal).contains(literal);
        return text.replace(literal, replacement);
    }

    static List<String> rsyslogExamples() throws IOException {
        try (Stream<Path> s = Files.list(SIEM.resolve("rsyslog"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".conf")).sorted().toList();
        }
    }

    @Test
    void everyRsyslogExampleValidates() throws Exception {
        List<String> files = rsyslogExamples();
        assertThat(files).contains("mcp-egress.conf", "mcp-egress-tls.conf");
        for (String f : files) {
            Path dir = Files.createDirectories(tmp.resolve("validate-" + f));
            String port = f.contains("tls") ? "6514" : "10514";
            Path conf = dir.resolve(f);
            Files.writeString(conf, relayConfig(f, port, 1, dir.resolve("out"), dir));
            Process p = new ProcessBuilder(Rsyslog.RSYSLOGD.toString(), "-N1", "-f", conf.toString())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("rsyslogd -N1 %s: %s", f, out).isZero();
            assertThat(out.toLowerCase()).as(out).doesNotContain("error").doesNotContain("warning");
        }
    }

    @Test
    void tcpRelayWritesExactlyTheAgentsJsonLinesPerHost() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("tcp"));
        int port = TestSupport.freeTcpPort();
        Path out = dir.resolve("out");
        try (Relay relay = Relay.start(dir, relayConfig("mcp-egress.conf", "10514", port, out, dir), port);
             SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.TCP, "127.0.0.1", port).build()) {
            assertRelayed(relay, sink, out, "tcp");

            // Anything that is not the agent's ends up in rejected.log, never in an audit file.
            String foreign = "<13>1 2026-11-24T10:00:00.000Z web-9 cron 77 - - hello";
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                OutputStream o = s.getOutputStream();
                o.write(Rfc5424.octetCounted(foreign.getBytes(StandardCharsets.UTF_8)));
                o.flush();
            }
            Path rejected = out.resolve("rejected.log");
            TestSupport.await("rejected.log", 10_000, () -> Files.exists(rejected) && read(rejected).contains("hello"));
            assertThat(auditFiles(out).values().stream().flatMap(List::stream)).noneMatch(l -> l.contains("hello"));
        }
    }

    @Test
    void tlsRelayWritesExactlyTheAgentsJsonLinesPerHost() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("tls"));
        int port = TestSupport.freeTcpPort();
        Path out = dir.resolve("out");
        try (Relay relay = Relay.start(dir, relayConfig("mcp-egress-tls.conf", "6514", port, out, dir), port);
             SyslogSink sink = SyslogSink.builder(SyslogSink.Transport.TLS, "127.0.0.1", port)
                     .caFile(certs.certPem).build()) {
            assertRelayed(relay, sink, out, "tls");
        }
    }

    /** Sends real events of three "hosts" through the sink and checks the relay's files. */
    static void assertRelayed(Relay relay, SyslogSink sink, Path out, String tag) throws Exception {
        Map<String, List<String>> expected = new TreeMap<>();
        List<String> mine = new ArrayList<>();
        for (String line : sampleLines(tag)) {
            mine.add(line);
        }
        String realHost = hostnameOf(mine.get(0));
        String otherHost = "mcp-2.example.internal";
        String hostileHost = "../../escape";
        List<String> all = new ArrayList<>();
        for (int i = 0; i < mine.size(); i++) {
            String line = mine.get(i);
            String host = i % 3 == 0 ? realHost : i % 3 == 1 ? otherHost : hostileHost;
            String l = line.replace("\"hostname\":\"" + realHost + "\"", "\"hostname\":\"" + jsonEscape(host) + "\"");
            all.add(l);
        }
        for (String l : all) {
            byte[] b = (l + "\n").getBytes(StandardCharsets.UTF_8);
            sink.write(b, 0, b.length);
        }
        sink.flush();

        // per host, in order; the directory name is the (sanitised) HOSTNAME
        for (int i = 0; i < all.size(); i++) {
            String host = i % 3 == 0 ? realHost : i % 3 == 1 ? otherHost : hostileHost;
            expected.computeIfAbsent(host, h -> new ArrayList<>()).add(all.get(i));
        }
        try {
            TestSupport.await("relay files", 15_000, () -> total(auditFiles(out)) >= all.size());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; got " + auditFiles(out).keySet() + "; rsyslogd: " + relay.log()
                    + "; rejected: " + read(out.resolve("rejected.log")), e);
        }
        Thread.sleep(200); // nothing more may arrive
        Map<String, List<String>> got = auditFiles(out);
        assertThat(total(got)).as("rsyslogd log: %s", relay.log()).isEqualTo(all.size());
        assertThat(got).hasSize(3);
        assertThat(got.get(realHost)).containsExactlyElementsOf(expected.get(realHost));
        assertThat(got.get(otherHost)).containsExactlyElementsOf(expected.get(otherHost));
        // the hostile name stayed inside the output directory
        String hostileDir = got.keySet().stream().filter(k -> !k.equals(realHost) && !k.equals(otherHost))
                .findFirst().orElseThrow();
        assertThat(hostileDir).doesNotContain("/");
        assertThat(got.get(hostileDir)).containsExactlyElementsOf(expected.get(hostileHost));
        try (Stream<Path> s = Files.list(out.getParent())) {
            assertThat(s.map(p -> p.getFileName().toString())).doesNotContain("escape");
        }
        for (List<String> lines : got.values()) {
            for (String l : lines) {
                TestSupport.parse(l); // each line is one valid JSON document
            }
        }
        assertThat(out.resolve("rejected.log")).doesNotExist();
    }

    static int total(Map<String, List<String>> files) {
        return files.values().stream().mapToInt(List::size).sum();
    }

    /** {@code <out>/<host dir>/audit.jsonl} by host directory. */
    static Map<String, List<String>> auditFiles(Path out) {
        Map<String, List<String>> m = new TreeMap<>();
        if (!Files.isDirectory(out)) {
            return m;
        }
        try (Stream<Path> s = Files.list(out)) {
            for (Path d : s.filter(Files::isDirectory).toList()) {
                Path f = d.resolve("audit.jsonl");
                if (Files.exists(f)) {
                    // complete lines only: the last element is "" or a line still being written
                    List<String> lines = new ArrayList<>(Arrays.asList(read(f).split("\n", -1)));
                    lines.remove(lines.size() - 1);
                    m.put(d.getFileName().toString(), lines);
                }
            }
        } catch (IOException e) {
            return m;
        }
        return m;
    }

    static String read(Path f) {
        try {
            return Files.readString(f, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    static String hostnameOf(String line) {
        Matcher m = Pattern.compile("\"host\":\\{\"hostname\":\"([^\"]*)\"").matcher(line);
        assertThat(m.find()).as(line).isTrue();
        return m.group(1);
    }

    static String jsonEscape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    // ---- real events ---------------------------------------------------------------------------

    static final EcsEncoder ENCODER = new EcsEncoder(new ProcessIdentity("weather-mcp", "0.1.0-test"));

    static String encode(AuditRecord r) {
        try {
            ByteArrayOutputStream b = ENCODER.encode(r);
            String s = b.toString(StandardCharsets.UTF_8);
            return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static McpContext toolCall(String tool, String id) {
        return McpContext.builder().method("tools/call").toolName(tool).requestId(id)
                .sessionId("26f59dd7-2dff-4eb0-9d86-249c4db84e81").clientName("inspector-cli").clientVersion("1.0.3")
                .serverName("weather-stdio").serverVersion("1.0.0")
                .traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").build();
    }

    /** Every kind of event the examples deal with, as the encoder writes them. */
    static List<AuditRecord> sampleRecords(String tag) {
        long t = TestSupport.BASE_MILLIS;
        List<AuditRecord> r = new ArrayList<>();
        r.add(AgentEvent.start("3f1c0e", "enforce", "http://egress-proxy.internal:3128",
                List.of("jdk-httpclient", "okhttp", "mcp-java-sdk"), "agent started (" + tag + ")"));
        r.add(AuditEvent.builder().startEpochMillis(t).durationNanos(72_727_979).client("jdk-httpclient/17.0.15")
                .method("GET").target(RequestTarget.of(URI.create("https://api.weather.gov/points/39.7,-104.9?token=abc")))
                .statusCode(200).httpVersion("2").route("proxy").proxy("http://egress-proxy.internal:3128")
                .mcp(toolCall("get_forecast", "3")).build());
        r.add(AuditEvent.builder().startEpochMillis(t + 1).durationNanos(1_000).client("okhttp/4.12.0")
                .method("GET").target(RequestTarget.of(URI.create("http://169.254.169.254/latest/meta-data/")))
                .route("blocked").denied(true).enforced(true).rule("block-metadata", "builtin", "metadata")
                .error(new EgressDeniedException("denied by mcp-egress-agent", "block-metadata", "metadata"))
                .mcp(toolCall("fetch_url", "abc")).build());
        r.add(AuditEvent.builder().startEpochMillis(t + 2).durationNanos(5_000_000).client("apache-httpclient/4.5.14")
                .method("POST").target(RequestTarget.of(URI.create("https://paste.example.com/api?q=%22x%22")))
                .statusCode(201).httpVersion("1.1").route("direct").denied(true).enforced(false)
                .rule("*.example.com", "config", "deny-list").build());
        r.add(AuditEvent.builder().startEpochMillis(t + 3).durationNanos(3_000_000).client("socket")
                .method("CONNECT").target(RequestTarget.of(URI.create("tcp://10.0.0.7:5432/")))
                .route("uninstrumented").denied(true).enforced(true).rule("socket-guard", "builtin", "uninstrumented")
                .caller("io.netty.channel.socket.nio.NioSocketChannel")
                .error(new EgressDeniedException("denied by mcp-egress-agent", "socket-guard", "uninstrumented")).build());
        // quotes, backslash, ']' and non-ASCII in an error message; a URL far beyond 8 KB
        r.add(AuditEvent.builder().startEpochMillis(t + 4).durationNanos(9_000_000).client("jdk-httpclient/17.0.15")
                .method("GET").target(RequestTarget.of(URI.create("https://api.example.com/a/b%5Dc?name=caf%C3%A9")))
                .route("proxy").error(new ConnectException("Verbindung \"abgelehnt\" \\ ] für 10.0.0.1 — 東京"))
                .build());
        r.add(AuditEvent.builder().startEpochMillis(t + 5).durationNanos(1_000_000).client("jdk-httpclient/17.0.15")
                .method("GET").target(RequestTarget.of(URI.create("https://api.example.com/long/" + "x".repeat(20_000))))
                .statusCode(414).httpVersion("1.1").route("proxy").build());
        AgentCounters c = new AgentCounters(1200, 3, 7, 0, 12, 1, 0);
        r.add(AgentEvent.heartbeat(c));
        r.add(AgentEvent.dropped(7, c, "queue full"));
        r.add(AgentEvent.libraryInstrumented("okhttp", "4.12.0", "okhttp3.RealCall"));
        r.add(AgentEvent.libraryUnsupported("apache-httpclient", "4.0.1",
                "org.apache.http.impl.client.MinimalHttpClient", "no matching method"));
        r.add(AgentEvent.shutdown(c));
        return r;
    }

    static List<String> sampleLines(String tag) {
        return sampleRecords(tag).stream().map(SiemExamplesTest::encode).toList();
    }

    // ---- the YAML shippers ----------------------------------------------------------------------

    static Object yaml(String relative) throws IOException {
        Yaml y = new Yaml(new SafeConstructor(new LoaderOptions()));
        return y.load(Files.readString(SIEM.resolve(relative)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object o) {
        assertThat(o).isInstanceOf(List.class);
        return (List<Object>) o;
    }

    /** Names of the active file and of real rotated files, as the agent's file sink makes them. */
    static List<String> realFileNames() throws IOException {
        Path d = Files.createDirectories(tmp.resolve("rotation"));
        Path active = d.resolve(Path.of(AUDIT_FILE).getFileName().toString());
        try (RotatingFileSink sink = RotatingFileSink.builder(active).maxBytes(4096).open()) {
            for (int i = 0; i < 20; i++) {
                byte[] line = TestSupport.line(i);
                sink.write(line, 0, line.length);
                sink.flush();
            }
            assertThat(sink.rotatedFiles()).isNotEmpty();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    static boolean globMatches(String glob, String path) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + glob);
        return m.matches(Path.of(path));
    }

    @Test
    void shippingExamplesUseTheAgentsFileAndFollowItsRotation() throws Exception {
        List<String> names = realFileNames();
        String activeName = Path.of(AUDIT_FILE).getFileName().toString();
        String dirName = Path.of(AUDIT_FILE).getParent().toString();
        assertThat(names).contains(activeName);
        List<String> rotated = names.stream().filter(n -> !n.equals(activeName)).toList();
        assertThat(rotated).isNotEmpty().allMatch(n -> n.matches(Pattern.quote(activeName)
                + "\\.\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}\\.\\d{3}"));

        // the file path used everywhere is the one docs/sinks.md shows, and a valid value of the key
        assertThat(Files.readString(locate("docs").resolve("sinks.md"))).contains("file: " + AUDIT_FILE);
        assertThat(ConfigKey.AUDIT_FILE.key()).isEqualTo("mcp.egress.audit.file");

        // Fluent Bit: tail + json parser + DB + rotate_wait; matches the active file, never a rotated one
        Map<String, Object> fb = map(yaml("fluent-bit/fluent-bit.yaml"));
        Map<String, Object> parser = map(list(fb.get("parsers")).get(0));
        assertThat(parser.get("format")).isEqualTo("json");
        assertThat(parser.get("time_key")).isEqualTo("@timestamp");
        Map<String, Object> pipeline = map(fb.get("pipeline"));
        Map<String, Object> tail = map(list(pipeline.get("inputs")).get(0));
        assertThat(tail.get("name")).isEqualTo("tail");
        assertThat(tail.get("parser")).isEqualTo(parser.get("name"));
        assertThat(tail).containsKeys("db", "rotate_wait");
        String fbPath = (String) tail.get("path");
        assertThat(globMatches(fbPath, AUDIT_FILE)).isTrue();
        for (String r : rotated) {
            assertThat(globMatches(fbPath, dirName + "/" + r)).as("Fluent Bit must not re-read %s", r).isFalse();
        }
        List<String> fbOutputs = list(pipeline.get("outputs")).stream().map(o -> (String) map(o).get("name")).toList();
        assertThat(fbOutputs).contains("es");
        assertThat(Files.readString(SIEM.resolve("fluent-bit/fluent-bit.yaml")))
                .contains("name: splunk").contains("name: opentelemetry");

        // Vector: file source -> remap parse_json -> elasticsearch + splunk_hec_logs
        Map<String, Object> vector = map(yaml("vector/vector.yaml"));
        Map<String, Object> source = map(map(vector.get("sources")).get("mcp_egress_file"));
        assertThat(source.get("type")).isEqualTo("file");
        List<Object> include = list(source.get("include"));
        assertThat(include).anyMatch(g -> globMatches((String) g, AUDIT_FILE));
        for (String r : rotated) {
            assertThat(include).anyMatch(g -> globMatches((String) g, dirName + "/" + r));
        }
        Map<String, Object> remap = map(map(vector.get("transforms")).get("mcp_egress_parse"));
        assertThat(remap.get("type")).isEqualTo("remap");
        assertThat((String) remap.get("source")).contains("parse_json");
        Set<String> sinkTypes = map(vector.get("sinks")).values().stream().map(s -> (String) map(s).get("type"))
                .collect(Collectors.toSet());
        assertThat(sinkTypes).contains("elasticsearch", "splunk_hec_logs");
        assertThat((String) map(map(vector.get("sinks")).get("splunk")).get("host_key")).isEqualTo("host.hostname");

        // Filebeat: filestream + ndjson at the root + output.elasticsearch
        Map<String, Object> filebeat = map(yaml("filebeat/filebeat.yml"));
        Map<String, Object> input = map(list(filebeat.get("filebeat.inputs")).get(0));
        assertThat(input.get("type")).isEqualTo("filestream");
        assertThat(input.get("id")).isNotNull();
        List<Object> paths = list(input.get("paths"));
        assertThat(paths).anyMatch(g -> globMatches((String) g, AUDIT_FILE));
        for (String r : rotated) {
            assertThat(paths).anyMatch(g -> globMatches((String) g, dirName + "/" + r));
        }
        Map<String, Object> ndjson = map(map(list(input.get("parsers")).get(0)).get("ndjson"));
        assertThat(ndjson.get("target")).isEqualTo("");
        assertThat(ndjson.get("overwrite_keys")).isEqualTo(true);
        assertThat(map(filebeat.get("output.elasticsearch")).get("index")).isEqualTo("mcp-egress-audit");
    }

    @Test
    void relayOutputPathIsWhatTheShippersMentionForRelayedFiles() throws Exception {
        String relayGlob = "/var/log/mcp-egress/*/audit.jsonl";
        assertThat(Files.readString(SIEM.resolve("rsyslog/mcp-egress.conf")))
                .contains("/var/log/mcp-egress/%HOSTNAME:::secpath-replace%/audit.jsonl");
        for (String f : List.of("fluent-bit/fluent-bit.yaml", "vector/vector.yaml", "filebeat/filebeat.yml")) {
            assertThat(Files.readString(SIEM.resolve(f))).as(f).contains(relayGlob);
        }
    }

    // ---- the agent settings in the README ----------------------------------------------------

    /**
     * Every {@code yaml} block of the README is a valid agent configuration file: loaded by the real
     * {@link io.mcpegress.agent.config.ConfigLoader} (unknown keys and bad values are errors) and the
     * sink settings by {@link SinkConfig}. Only paths are redirected to temp files and tokens provided.
     */
    @Test
    void readmeAgentSettingsAreAcceptedByTheAgent() throws Exception {
        String readme = Files.readString(SIEM.resolve("README.md"));
        Matcher m = Pattern.compile("```yaml\n(.*?)```", Pattern.DOTALL).matcher(readme);
        Path dir = Files.createDirectories(tmp.resolve("readme-config"));
        Path token = Files.writeString(dir.resolve("token"), "t0ken");
        Map<String, String> env = Map.of("SPLUNK_HEC_TOKEN", "t0ken", "ES_API_KEY", "t0ken");
        Set<Set<SinkConfig.Kind>> seen = new java.util.HashSet<>();
        int blocks = 0;
        while (m.find()) {
            String y = m.group(1)
                    .replace(AUDIT_FILE, dir.resolve("egress-audit.jsonl").toString())
                    .replace("/var/spool/mcp-egress", dir.resolve("spool").toString());
            y = y.replaceAll("/etc/pki/[\\w.-]+\\.pem", certs.certPem.toString())
                    .replaceAll("/run/secrets/[\\w.-]+", token.toString());
            Path file = dir.resolve("agent-" + (++blocks) + ".yaml");
            Files.writeString(file, y);
            io.mcpegress.agent.config.AgentConfig config = io.mcpegress.agent.config.ConfigLoader.load(
                    "config=" + file, new java.util.Properties(), env);
            SinkConfig sinks = SinkConfig.from(config, env);
            assertThat(sinks.kinds()).as(y).isNotEmpty();
            seen.add(Set.copyOf(sinks.kinds()));
        }
        assertThat(blocks).isGreaterThanOrEqualTo(5);
        assertThat(seen).contains(Set.of(SinkConfig.Kind.FILE), Set.of(SinkConfig.Kind.FILE, SinkConfig.Kind.SYSLOG),
                Set.of(SinkConfig.Kind.FILE, SinkConfig.Kind.HTTP));
    }

    // ---- queries -------------------------------------------------------------------------------

    static final Pattern FIELD = Pattern.compile(
            "(?<![\\w.\\-/])(@timestamp|(?:event|url|http|destination|error|rule|service|process|host|agent|ecs|mcp"
                    + "|gen_ai|jsonrpc|trace|span)(?:\\.[a-z_]+)+)(?:\\{\\})?(?![\\w\\-(])");

    /** Every leaf path (arrays as their field) of the JSON object. */
    @SuppressWarnings("unchecked")
    static void leaves(String prefix, Object node, Set<String> out) {
        if (node instanceof Map<?, ?> m) {
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = prefix.isEmpty() ? (String) e.getKey() : prefix + "." + e.getKey();
                out.add(k);
                leaves(k, e.getValue(), out);
            }
        }
    }

    @Test
    void queriesUseOnlyFieldsTheAgentWrites() throws Exception {
        Set<String> known = new TreeSet<>();
        for (String l : sampleLines("fields")) {
            leaves("", TestSupport.parse(l), known);
        }
        // fields whose presence depends on the call: documented in docs/audit-events.md
        String doc = Files.readString(locate("docs").resolve("audit-events.md"));
        for (String f : List.of("url.username", "destination.ip", "destination.domain", "url.query")) {
            assertThat(doc).contains("`" + f);
            known.add(f);
        }
        // the OTLP format's resource attribute, named where the README explains that format
        assertThat(Files.readString(locate("docs").resolve("sinks.md"))).contains("`host.name`");
        known.add("host.name");
        Map<String, Set<String>> unknown = new LinkedHashMap<>();
        for (String f : List.of("queries/splunk.spl.md", "queries/elastic-kql.md", "README.md")) {
            String text = Files.readString(SIEM.resolve(f));
            Matcher m = FIELD.matcher(text);
            int found = 0;
            while (m.find()) {
                String field = m.group(1);
                found++;
                if (!known.contains(field) && !isConfigKey(field)) {
                    unknown.computeIfAbsent(f, k -> new TreeSet<>()).add(field);
                }
            }
            assertThat(found).as(f).isGreaterThan(10);
        }
        assertThat(unknown).as("fields not written by the agent (known: %s)", known).isEmpty();
        for (String q : List.of("queries/splunk.spl.md", "queries/elastic-kql.md")) {
            String text = Files.readString(SIEM.resolve(q));
            for (String v : List.of("block-metadata", "block-private", "builtin", "uninstrumented", "agent-heartbeat",
                    "audit-dropped", "library-unsupported", "would_deny", "mcp.egress.caller", "trace.id",
                    "jsonrpc.request.id", "mcp.session.id", "gen_ai.tool.name", "rule.name")) {
                assertThat(text).as("%s covers %s", q, v).contains(v);
            }
        }
    }

    /** {@code mcp.egress.audit...} and similar in the README are configuration keys, not fields. */
    static boolean isConfigKey(String s) {
        if (!s.startsWith("mcp.egress.")) {
            return false;
        }
        for (ConfigKey k : ConfigKey.values()) {
            if (k.key().equals(s) || k.key().startsWith(s + ".")) {
                return true;
            }
        }
        return false;
    }

    // ---- a relay daemon started from an example file ------------------------------------------

    static final class Relay implements AutoCloseable {
        private final Path dir;
        private Process process;

        private Relay(Path dir) {
            this.dir = dir;
        }

        static Relay start(Path dir, String config, int port) throws Exception {
            Path conf = dir.resolve("relay.conf");
            Files.writeString(conf, config);
            Relay r = new Relay(dir);
            Path pid = dir.resolve("rsyslogd.pid");
            r.process = new ProcessBuilder(Rsyslog.RSYSLOGD.toString(), "-n", "-f", conf.toString(),
                    "-i", pid.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("rsyslogd.out").toFile()))
                    .start();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!listening(port)) {
                if (!r.process.isAlive()) {
                    throw new IOException("rsyslogd exited with " + r.process.exitValue() + ": " + r.log());
                }
                if (System.nanoTime() - end > 0) {
                    r.close();
                    throw new IOException("rsyslogd did not listen within 10 s: " + r.log());
                }
                Thread.sleep(25);
            }
            return r;
        }

        private static boolean listening(int port) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return true;
            } catch (IOException e) {
                return false;
            }
        }

        String log() {
            return read(dir.resolve("rsyslogd.out"));
        }

        @Override
        public void close() throws InterruptedException {
            Process p = process;
            process = null;
            if (p != null) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    p.waitFor(5, TimeUnit.SECONDS);
                }
            }
        }
    }
}
