package io.mcpegress.agent.audit.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.mcpegress.agent.audit.sink.TestSupport.arr;
import static io.mcpegress.agent.audit.sink.TestSupport.at;
import static io.mcpegress.agent.audit.sink.TestSupport.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * HTTP sink against loopback collectors that check the wire format strictly: headers, gzip,
 * framing, and each format's body parsed back field by field. Every test checks that every event
 * arrives exactly once and in order.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HttpBatchSinkTest {

    private static final String TOKEN = "tok-3f9a-secret";
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        open.add(c);
        return c;
    }

    private HttpReceiver receiver(java.util.function.Function<HttpReceiver.Request, HttpReceiver.Reply> responder)
            throws IOException {
        return track(HttpReceiver.start(0, responder));
    }

    private static HttpBatchSink.Builder sink(String url, HttpBatchSink.Format format) {
        return HttpBatchSink.builder(URI.create(url), format)
                .token(() -> TOKEN)
                .maxDelayMillis(30)
                .backoffMillis(10, 50)
                .timeoutsMillis(2_000, 5_000)
                .closeTimeoutMillis(5_000);
    }

    private static List<byte[]> write(HttpBatchSink sink, int from, int count) throws IOException {
        List<byte[]> lines = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            byte[] line = TestSupport.line(i);
            lines.add(line);
            sink.write(line, 0, line.length);
            if (i % 7 == 6) {
                sink.flush();
            }
        }
        sink.flush();
        return lines;
    }

    /** Several concatenated JSON values (Splunk HEC body). */
    private static List<Object> parseConcatenated(byte[] body) throws IOException {
        List<Object> out = new ArrayList<>();
        try (JsonParser p = new JsonFactory().createParser(body)) {
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                assertThat(t).isEqualTo(JsonToken.START_OBJECT);
                long start = p.currentTokenLocation().getByteOffset();
                p.skipChildren();
                long end = p.currentLocation().getByteOffset();
                byte[] one = java.util.Arrays.copyOfRange(body, (int) start, (int) end);
                out.add(TestSupport.parse(one));
            }
        }
        return out;
    }

    // ---- Splunk HEC ------------------------------------------------------------------------

    @Test
    void splunkHecEnvelopesEveryEventWithTimeHostSourceAndSourcetype() throws Exception {
        HttpReceiver r = receiver(req -> HttpReceiver.Reply.of(200, "{\"text\":\"Success\",\"code\":0}"));
        HttpBatchSink sink = track(sink("http://127.0.0.1:" + r.port(), HttpBatchSink.Format.SPLUNK_HEC)
                .maxEvents(10).start());
        List<byte[]> lines = write(sink, 0, 25);
        TestSupport.await("25 events", 10_000, () -> sink.sentCount() == 25);

        List<Object> events = new ArrayList<>();
        for (HttpReceiver.Request req : r.requests()) {
            assertThat(req.method).isEqualTo("POST");
            assertThat(req.path).isEqualTo("/services/collector/event");
            assertThat(req.header("Authorization")).isEqualTo("Splunk " + TOKEN);
            assertThat(req.header("Content-Type")).isEqualTo("application/json");
            assertThat(req.header("Content-Encoding")).isNull();
            assertThat(req.header("User-Agent")).startsWith("mcp-egress-agent/");
            List<Object> batch = parseConcatenated(req.body);
            assertThat(batch).hasSizeBetween(1, 10);
            events.addAll(batch);
        }
        assertThat(events).hasSize(25);
        for (int i = 0; i < 25; i++) {
            Map<String, Object> e = obj(events.get(i));
            assertThat(e.keySet()).containsExactly("time", "host", "source", "sourcetype", "event");
            assertThat((BigDecimal) e.get("time")).isEqualByComparingTo(BigDecimal.valueOf(TestSupport.BASE_MILLIS + i, 3));
            assertThat(e.get("host")).isEqualTo(at(TestSupport.parse(lines.get(i)), "host.hostname"));
            assertThat(e.get("source")).isEqualTo("mcp-egress-agent");
            assertThat(e.get("sourcetype")).isEqualTo("_json");
            assertThat(e.get("event")).isEqualTo(TestSupport.parse(lines.get(i)));
        }
        assertThat(r.violations()).isEmpty();
        assertThat(sink.retryCount()).isZero();
    }

    @Test
    void retriesOn503And429ThenDeliversEachEventExactlyOnceInOrder() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpReceiver r = receiver(req -> {
            int n = calls.incrementAndGet();
            if (n == 1) {
                return HttpReceiver.Reply.of(503, "{\"text\":\"Server is busy\",\"code\":9}");
            }
            if (n == 2) {
                return new HttpReceiver.Reply(429, "", false, Map.of("Retry-After", "0"));
            }
            return HttpReceiver.Reply.of(200, "{\"text\":\"Success\",\"code\":0}");
        });
        HttpBatchSink sink = track(sink("http://127.0.0.1:" + r.port(), HttpBatchSink.Format.SPLUNK_HEC)
                .maxEvents(1000).maxDelayMillis(200).start());
        List<byte[]> lines = write(sink, 0, 30);
        TestSupport.await("delivery", 10_000, () -> sink.sentCount() == 30);
        List<HttpReceiver.Request> reqs = r.requests();
        assertThat(reqs).hasSize(3);
        // the retried request is the same batch, byte for byte
        assertThat(reqs.get(1).body).isEqualTo(reqs.get(0).body);
        assertThat(reqs.get(2).body).isEqualTo(reqs.get(0).body);
        List<Object> delivered = parseConcatenated(reqs.get(2).body);
        assertThat(delivered).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(obj(delivered.get(i)).get("event")).isEqualTo(TestSupport.parse(lines.get(i)));
        }
        assertThat(sink.retryCount()).isEqualTo(2);
        assertThat(sink.undeliveredCount()).isZero();
        sink.flush(); // nothing lost, nothing to report
    }

    @Test
    void manyBatchesWithIntermittent503sArriveExactlyOnceInOrder() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpReceiver r = receiver(req -> calls.incrementAndGet() % 3 == 0
                ? HttpReceiver.Reply.of(503, "busy") : HttpReceiver.Reply.of(200, "{\"code\":0}"));
        HttpBatchSink sink = track(sink("http://127.0.0.1:" + r.port(), HttpBatchSink.Format.SPLUNK_HEC)
                .maxEvents(40).start());
        List<byte[]> lines = write(sink, 0, 400);
        TestSupport.await("delivery", 20_000, () -> sink.sentCount() == 400);
        List<Object> accepted = new ArrayList<>();
        List<HttpReceiver.Request> reqs = r.requests();
        for (int i = 0; i < reqs.size(); i++) {
            if ((i + 1) % 3 != 0) {
                accepted.addAll(parseConcatenated(reqs.get(i).body));
            }
        }
        assertThat(accepted).hasSize(400);
        for (int i = 0; i < 400; i++) {
            assertThat(obj(accepted.get(i)).get("event")).isEqualTo(TestSupport.parse(lines.get(i)));
        }
        assertThat(r.violations()).isEmpty();
    }

    @Test
    void clientErrorsOtherThan429AreNotRetriedAndAreReportedWithoutTheToken() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpReceiver r = receiver(req -> calls.incrementAndGet() == 1
                ? HttpReceiver.Reply.of(403, "{\"text\":\"Invalid token\",\"code\":4}")
                : HttpReceiver.Reply.of(200, "{\"code\":0}"));
        HttpBatchSink sink = track(sink("http://127.0.0.1:" + r.port(), HttpBatchSink.Format.SPLUNK_HEC)
                .maxEvents(5).start());
        write(sink, 0, 5);
        TestSupport.await("give up", 10_000, () -> sink.undeliveredCount() == 5);
        assertThatThrownBy(sink::flush).isInstanceOf(IOException.class)
                .hasMessageContaining("5 events could not be delivered")
                .hasMessageContaining("HTTP 403")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
        sink.flush(); // reported once
        write(sink, 5, 5);
        TestSupport.await("next batch", 10_000, () -> sink.sentCount() == 5);
        assertThat(r.requests()).hasSize(2);
        assertThat(sink.retryCount()).isZero();
    }

    @Test
    void connectionRefusedIsRetriedUntilTheCollectorComesUp() throws Exception {
        int port = TestSupport.freeTcpPort();
        HttpBatchSink sink = track(sink("http://127.0.0.1:" + port, HttpBatchSink.Format.SPLUNK_HEC)
                .maxRetries(200).backoffMillis(20, 40).start());
        List<byte[]> lines = write(sink, 0, 12);
        TestSupport.await("a failed attempt", 5_000, () -> sink.retryCount() >= 1);
        HttpReceiver live = track(HttpReceiver.start(port, req -> HttpReceiver.Reply.of(200, "{\"code\":0}")));
        TestSupport.await("delivery", 10_000, () -> sink.sentCount() == 12);
        List<Object> got = new ArrayList<>();
        for (HttpReceiver.Request req : live.requests()) {
            got.addAll(parseConcatenated(req.body));
        }
        assertThat(got).hasSize(12);
        for (int i = 0; i < 12; i++) {
            assertThat(obj(got.get(i)).get("event")).isEqualTo(TestSupport.parse(lines.get(i)));
        }
    }

    // ---- OTLP ------------------------------------------------------------------------------

    @Test
    void otlpJsonLogsWithGzip() throws Exception {
        HttpReceiver r = receiver(req -> HttpReceiver.Reply.of(200, "{}"));
        HttpBatchSink sink = track(sink("http://127.0.0.1:" + r.port(), HttpBatchSink.Format.OTLP)
                .gzip(true).maxEvents(8).start());
        List<byte[]> lines = write(sink, 0, 20);
        TestSupport.await("delivery", 10_000, () -> sink.sentCount() == 20);

        List<Map<String, Object>> records = new ArrayList<>();
        for (HttpReceiver.Request req : r.requests()) {
            assertThat(req.path).isEqualTo("/v1/logs");
            assertThat(req.header("Content-Type")).isEqualTo("application/json");
            assertThat(req.header("Content-Encoding")).isEqualTo("gzip");
            assertThat(req.header("Authorization")).isEqualTo("Bearer " + TOKEN);
            assertThat(req.rawBody.length).isLessThan(req.body.length);
            Map<String, Object> root = obj(TestSupport.parse(req.body));
            assertThat(root.keySet()).containsExactly("resourceLogs");
            List<Object> resourceLogs = arr(root.get("resourceLogs"));
            assertThat(resourceLogs).hasSize(1);
            Map<String, Object> resource = obj(obj(resourceLogs.get(0)).get("resource"));
            Map<String, Object> resAttrs = attributes(resource.get("attributes"));
            assertThat(resAttrs.get("service.name")).isEqualTo(Map.of("stringValue", "svc-test"));
            assertThat(resAttrs.get("process.pid"))
                    .isEqualTo(Map.of("intValue", Long.toString(ProcessHandle.current().pid())));
            assertThat(resAttrs).containsKey("host.name");
            List<Object> scopeLogs = arr(obj(resourceLogs.get(0)).get("scopeLogs"));
            assertThat(scopeLogs).hasSize(1);
            assertThat(at(scopeLogs.get(0), "scope.name")).isEqualTo("mcp-egress-agent");
            assertThat(at(scopeLogs.get(0), "scope.version")).isEqualTo("0.1.0-test");
            List<Object> recs = arr(obj(scopeLogs.get(0)).get("logRecords"));
            assertThat(recs).hasSizeBetween(1, 8);
            recs.forEach(o -> records.add(obj(o)));
        }
        assertThat(records).hasSize(20);
        for (int i = 0; i < 20; i++) {
            Map<String, Object> rec = records.get(i);
            assertThat(rec.get("timeUnixNano")).isEqualTo(Long.toString((TestSupport.BASE_MILLIS + i) * 1_000_000L));
            assertThat((String) rec.get("observedTimeUnixNano")).matches("\\d{19}");
            assertThat(rec.get("severityNumber")).isEqualTo(9L);
            assertThat(rec.get("severityText")).isEqualTo("INFO");
            assertThat(rec.get("body")).isEqualTo(Map.of("stringValue", TestSupport.text(lines.get(i))));
            Map<String, Object> attrs = attributes(rec.get("attributes"));
            assertThat(attrs.get("http.request.method")).isEqualTo(Map.of("stringValue", "GET"));
            assertThat(attrs.get("http.response.status_code")).isEqualTo(Map.of("intValue", "200"));
            assertThat(attrs.get("server.address")).isEqualTo(Map.of("stringValue", "api.example.com"));
            assertThat(attrs.get("server.port")).isEqualTo(Map.of("intValue", "443"));
            assertThat(attrs.get("url.full")).isEqualTo(
                    Map.of("stringValue", "https://api.example.com/items/" + i + "?token=REDACTED&q=" + i));
            assertThat(attrs.get("mcp.egress.route")).isEqualTo(Map.of("stringValue", "proxy"));
            assertThat(attrs.get("event.outcome")).isEqualTo(Map.of("stringValue", "success"));
        }
        assertThat(r.violations()).isEmpty();
    }

    /** OTLP attributes (a list of {key, value}) as a map; keys must be unique. */
    private static Map<String, Object> attributes(Object list) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        for (Object o : arr(list)) {
            Map<String, Object> kv = obj(o);
            assertThat(kv.keySet()).containsExactly("key", "value");
            assertThat(out.put((String) kv.get("key"), kv.get("value"))).as("duplicate %s", kv.get("key")).isNull();
        }
        return out;
    }

    // ---- Elasticsearch ---------------------------------------------------------------------

    private static String bulkResponse(List<Integer> statuses) {
        StringBuilder b = new StringBuilder("{\"took\":3,\"errors\":");
        b.append(statuses.stream().anyMatch(s -> s >= 300)).append(",\"items\":[");
        for (int i = 0; i < statuses.size(); i++) {
            int s = statuses.get(i);
            b.append(i > 0 ? "," : "").append("{\"create\":{\"_index\":\"audit-test\",\"_id\":\"x").append(i)
                    .append("\",\"status\":").append(s);
            if (s >= 300) {
                b.append(",\"error\":{\"type\":\"t\",\"reason\":\"r [x]\"}");
            }
            b.append("}}");
        }
        return b.append("]}").toString();
    }

    /** One action line and its document. */
    private record Pair(Map<String, Object> action, Map<String, Object> doc) {
    }

    /** Action and document lines of a _bulk body, checked strictly. */
    private static List<Pair> bulkPairs(HttpReceiver.Request req) {
        String text = req.bodyText();
        assertThat(text).endsWith("\n");
        String[] ndjson = text.substring(0, text.length() - 1).split("\n", -1);
        assertThat(ndjson.length % 2).isZero();
        List<Pair> out = new ArrayList<>();
        for (int i = 0; i < ndjson.length; i += 2) {
            Map<String, Object> action = obj(TestSupport.parse(ndjson[i]));
            assertThat(action.keySet()).containsExactly("create");
            assertThat(obj(action.get("create")).keySet()).containsExactly("_index", "_id");
            out.add(new Pair(action, obj(TestSupport.parse(ndjson[i + 1]))));
        }
        return out;
    }

    @Test
    void elasticsearchBulkIsNdjsonWithCreateActionsAndChecksErrors() throws Exception {
        HttpReceiver r = receiver(req -> {
            int n = req.bodyText().split("\n").length / 2;
            List<Integer> ok = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ok.add(201);
            }
            return new HttpReceiver.Reply(200, bulkResponse(ok), true, Map.of());
        });
        HttpBatchSink sink = track(sink("http://127.0.0.1:" + r.port() + "/", HttpBatchSink.Format.ELASTICSEARCH)
                .index("audit-test").maxEvents(6).start());
        List<byte[]> lines = write(sink, 0, 15);
        TestSupport.await("delivery", 10_000, () -> sink.sentCount() == 15);
        List<Pair> pairs = new ArrayList<>();
        for (HttpReceiver.Request req : r.requests()) {
            assertThat(req.path).isEqualTo("/_bulk");
            assertThat(req.header("Content-Type")).isEqualTo("application/x-ndjson");
            assertThat(req.header("Authorization")).isEqualTo("ApiKey " + TOKEN);
            pairs.addAll(bulkPairs(req));
        }
        assertThat(pairs).hasSize(15);
        Set<Object> ids = new HashSet<>();
        for (int i = 0; i < 15; i++) {
            assertThat(at(pairs.get(i).action(), "create._index")).isEqualTo("audit-test");
            ids.add(at(pairs.get(i).action(), "create._id"));
            assertThat(pairs.get(i).doc()).isEqualTo(TestSupport.parse(lines.get(i)));
        }
        assertThat(ids).hasSize(15);
        assertThat(r.violations()).isEmpty();
    }

    @Test
    void elasticsearchItemFailuresRetryOnlyTheRetryableItemsWithTheirIds() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        HttpReceiver r = receiver(req -> calls.incrementAndGet() == 1
                // item 1: 429 (retry), item 3: 400 mapping error (give up), item 4: 409 already stored (done)
                ? HttpReceiver.Reply.of(200, bulkResponse(List.of(201, 429, 201, 400, 409)))
                : HttpReceiver.Reply.of(200, bulkResponse(List.of(201))));
        HttpBatchSink sink = track(sink("http://127.0.0.1:" + r.port(), HttpBatchSink.Format.ELASTICSEARCH)
                .maxEvents(5).maxDelayMillis(100).start());
        List<byte[]> lines = write(sink, 0, 5);
        TestSupport.await("delivery", 10_000, () -> sink.sentCount() == 4 && sink.undeliveredCount() == 1);
        List<HttpReceiver.Request> reqs = r.requests();
        assertThat(reqs).hasSize(2);
        List<Pair> first = bulkPairs(reqs.get(0));
        List<Pair> retry = bulkPairs(reqs.get(1));
        assertThat(first).hasSize(5);
        assertThat(retry).hasSize(1);
        assertThat(at(retry.get(0).action(), "create._id")).isEqualTo(at(first.get(1).action(), "create._id"));
        assertThat(retry.get(0).doc()).isEqualTo(TestSupport.parse(lines.get(1)));
        assertThatThrownBy(sink::flush).hasMessageContaining("Elasticsearch rejected 1 documents (first status 400)");
    }

    // ---- transport -------------------------------------------------------------------------

    @Test
    void httpsWithTheConfiguredCaFile(@TempDir Path dir) throws Exception {
        TestCerts certs = TestCerts.create(dir);
        HttpReceiver r = track(HttpReceiver.startTls(certs.serverContext(),
                req -> HttpReceiver.Reply.of(200, "{\"code\":0}")));
        HttpBatchSink sink = track(sink("https://127.0.0.1:" + r.port() + "/services/collector/event?channel=c1",
                HttpBatchSink.Format.SPLUNK_HEC).caFile(certs.certPem).start());
        write(sink, 0, 4);
        TestSupport.await("delivery", 10_000, () -> sink.sentCount() == 4);
        assertThat(r.requests().get(0).query).isEqualTo("channel=c1");

        // without the CA the JVM's trust store refuses the self-signed server: retried, then given up
        HttpBatchSink untrusting = track(sink("https://127.0.0.1:" + r.port(), HttpBatchSink.Format.SPLUNK_HEC)
                .maxRetries(1).start());
        write(untrusting, 0, 1);
        TestSupport.await("give up", 10_000, () -> untrusting.undeliveredCount() == 1);
        assertThatThrownBy(untrusting::flush).hasMessageContaining("SSL");
    }

    @Test
    void aClosedKeepAliveConnectionIsReplacedWithoutBackoffOrLoss() throws Exception {
        // a bare-bones server that answers each request and then closes the connection without
        // saying so (no "Connection: close"), like a collector with a short idle timeout
        List<String> bodies = java.util.Collections.synchronizedList(new ArrayList<>());
        ServerSocket server = track(new ServerSocket(0, 16, InetAddress.getLoopbackAddress()));
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (Socket s = server.accept()) {
                    InputStream in = s.getInputStream();
                    String head = readHead(in);
                    int length = Integer.parseInt(head.replaceAll("(?s).*\r\ncontent-length: (\\d+)\r\n.*", "$1"));
                    bodies.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                    OutputStream out = s.getOutputStream();
                    out.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{\"code\":0}".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException | RuntimeException e) {
                    // closed by the test
                }
            }
        }, "test-closing-server");
        t.setDaemon(true);
        t.start();
        HttpBatchSink sink = track(sink("http://127.0.0.1:" + server.getLocalPort(), HttpBatchSink.Format.SPLUNK_HEC)
                .maxEvents(3).start());
        for (int round = 0; round < 4; round++) {
            write(sink, round * 3, 3);
            int expected = (round + 1) * 3;
            TestSupport.await("round " + round, 10_000, () -> sink.sentCount() == expected);
        }
        assertThat(bodies).hasSize(4);
        assertThat(sink.retryCount()).isZero();
        assertThat(sink.requestCount()).isGreaterThan(4); // the stale connection was detected and replaced
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (!b.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                throw new IOException("eof");
            }
            b.append((char) c);
        }
        return b.toString().toLowerCase(java.util.Locale.ROOT);
    }

    // ---- buffering, close, threads, secrets --------------------------------------------------

    @Test
    void aFullBufferRefusesEventsWithIOExceptionInsteadOfGrowing() throws Exception {
        int port = TestSupport.freeTcpPort(); // nothing listens
        byte[] line = TestSupport.line(0);
        HttpBatchSink sink = sink("http://127.0.0.1:" + port, HttpBatchSink.Format.SPLUNK_HEC)
                .bufferBytes(line.length * 3L).maxEvents(1000).maxDelayMillis(10_000).closeTimeoutMillis(0).start();
        for (int i = 0; i < 3; i++) {
            sink.write(line, 0, line.length);
        }
        assertThatThrownBy(() -> sink.write(line, 0, line.length)).isInstanceOf(IOException.class)
                .hasMessageContaining("buffer full");
        assertThat(sink.droppedCount()).isEqualTo(1);
        // closing with no time to drain gives the buffered events up and says so
        assertThatThrownBy(sink::close).isInstanceOf(IOException.class)
                .hasMessageContaining("3 events could not be delivered");
        assertThat(sink.undeliveredCount()).isEqualTo(3);
    }

    @Test
    void closeDeliversWhatIsBufferedAndStopsTheSenderThread() throws Exception {
        HttpReceiver r = receiver(req -> HttpReceiver.Reply.of(200, "{\"code\":0}"));
        HttpBatchSink sink = sink("http://127.0.0.1:" + r.port(), HttpBatchSink.Format.SPLUNK_HEC)
                .maxDelayMillis(60_000).start();
        assertThat(threadAlive(HttpBatchSink.THREAD_NAME)).isTrue();
        assertThat(HttpBatchSink.THREAD_NAME).startsWith("mcp-egress-");
        write(sink, 0, 9);
        Thread.sleep(100);
        assertThat(r.requests()).isEmpty(); // waiting for the batch to fill or age
        sink.close();
        assertThat(sink.sentCount()).isEqualTo(9);
        assertThat(parseConcatenated(r.requests().get(0).body)).hasSize(9);
        TestSupport.await("sender gone", 5_000, () -> !threadAlive(HttpBatchSink.THREAD_NAME));
        byte[] late = TestSupport.line(99);
        assertThatThrownBy(() -> sink.write(late, 0, late.length)).hasMessageContaining("closed");
    }

    private static boolean threadAlive(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void describeAndEndpointsNeverShowTheTokenAndMaskSecretParameters() throws Exception {
        HttpBatchSink sink = track(HttpBatchSink.builder(
                URI.create("https://collector.example.com:8088/services/collector/event?channel=abc&token=xyz"),
                HttpBatchSink.Format.SPLUNK_HEC).token(() -> TOKEN).gzip(true).start());
        assertThat(sink.describe()).isEqualTo(
                "http:splunk-hec:https://collector.example.com:8088/services/collector/event?channel=abc&token=REDACTED (gzip)");
        assertThat(sink.describe()).doesNotContain(TOKEN);
        assertThat(sink.describeEndpoint()).isEqualTo("collector.example.com:8088");
        assertThat(sink.endpoints()).anyMatch(a -> a.isUnresolved() && a.getHostString().equals("collector.example.com")
                && a.getPort() == 8088);
        assertThatThrownBy(() -> HttpBatchSink.builder(URI.create("https://user:pw@h/"), HttpBatchSink.Format.OTLP))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void backoffGrowsExponentiallyWithJitterAndHonoursRetryAfter() throws Exception {
        HttpBatchSink sink = track(HttpBatchSink.builder(URI.create("http://127.0.0.1:9"), HttpBatchSink.Format.OTLP)
                .backoffMillis(100, 1_000).start());
        for (int i = 0; i < 50; i++) {
            assertThat(sink.backoff(1, -1)).isBetween(50L, 100L);
            assertThat(sink.backoff(3, -1)).isBetween(200L, 400L);
            assertThat(sink.backoff(10, -1)).isBetween(500L, 1_000L);
            assertThat(sink.backoff(1, 800)).isEqualTo(800L);
            assertThat(sink.backoff(1, 60_000)).isEqualTo(1_000L);
        }
    }
}
