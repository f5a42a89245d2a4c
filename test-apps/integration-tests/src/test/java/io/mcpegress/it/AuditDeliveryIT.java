package io.mcpegress.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.mcpegress.testkit.AuditLog;
import io.mcpegress.testkit.ChildJvm;
import io.mcpegress.testkit.FreePorts;
import io.mcpegress.testkit.Jdks;
import io.mcpegress.testkit.TargetServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No loss between the agent and the SIEM, with the real agent in a child JVM shipping to a
 * loopback Splunk HEC collector: the collector down for 30 s under steady traffic, SIGTERM with a
 * backlog, {@code kill -9} with events spooled (replayed by the next start), and a full disk under
 * the file sink. Runs on the default JDK only: the spool is plain file I/O, the same on every JDK.
 */
class AuditDeliveryIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    static TargetServer target;

    @TempDir
    Path dir;

    private final List<Collector> collectors = new ArrayList<>();

    @BeforeAll
    static void startTarget() {
        target = TargetServer.start();
    }

    @AfterAll
    static void stopTarget() {
        target.close();
    }

    @AfterEach
    void stopCollectors() {
        collectors.forEach(Collector::stop);
    }

    @Test
    void aCollectorDownFor30SecondsUnderSteadyTrafficGetsEveryEventOnceInOrder() throws Exception {
        int port = FreePorts.find();
        Collector first = collector(port, 0);
        Path progress = dir.resolve("progress");
        int calls = 400; // 10 per second for 40 s
        Process app = start(traffic(port, calls, 100, progress, "return", "outage"));

        awaitTrue("the collector receives events", 30, () -> first.exchangeIds().size() >= 20);
        first.stop();
        long downAt = System.nanoTime();
        Thread.sleep(30_000);
        int callsWhileDown = completed(progress) - first.exchangeIds().size();
        Collector back = collector(port, 0);
        long downFor = System.nanoTime() - downAt;

        assertThat(app.waitFor(120, TimeUnit.SECONDS)).as("the app finishes").isTrue();
        assertThat(app.exitValue()).as(output()).isZero();
        awaitTrue("everything arrives", 30, () -> first.exchangeIds().size() + back.exchangeIds().size() >= calls);

        List<Integer> all = new ArrayList<>(first.exchangeIds());
        all.addAll(back.exchangeIds());
        assertThat(downFor).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(30));
        assertThat(callsWhileDown).as("traffic went on while the collector was down").isGreaterThan(200);
        assertThat(all).as("every event exactly once, in order").containsExactlyElementsOf(range(calls));
        assertThat(back.agentActions()).as("the agent's own events made it too").contains("agent-shutdown");
        assertThat(first.agentActions()).contains("agent-start");
    }

    @Test
    void sigtermFlushesEverythingQueuedAndSpooled() throws Exception {
        int port = FreePorts.find();
        Collector slow = collector(port, 300); // 300 ms per request: a backlog builds up
        Path progress = dir.resolve("progress");
        int calls = 300;
        Process app = start(traffic(port, calls, 0, progress, "wait", "sigterm"));
        awaitTrue("all calls made", 60, () -> isDone(progress));
        assertThat(slow.exchangeIds().size()).as("a backlog is still waiting at SIGTERM").isLessThan(calls);

        app.destroy(); // SIGTERM
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(slow.exchangeIds()).containsExactlyElementsOf(range(calls));
        assertThat(slow.agentActions()).endsWith("agent-shutdown");
    }

    @Test
    void afterKill9TheSpoolIsReplayedByTheNextStart() throws Exception {
        int port = FreePorts.find(); // no collector yet: everything goes to the spool
        Path progress = dir.resolve("progress");
        int calls = 100;
        Process app = start(traffic(port, calls, 0, progress, "wait", "kill9"));
        awaitTrue("all calls made", 60, () -> isDone(progress));
        Thread.sleep(1_500); // the writer drains its queue into the spool; fsync interval 200 ms
        app.destroyForcibly(); // SIGKILL: no shutdown hook
        assertThat(app.waitFor(30, TimeUnit.SECONDS)).isTrue();
        try (var files = Files.list(dir.resolve("spool/http"))) {
            assertThat(files.filter(p -> p.toString().endsWith(".seg")).count()).as("events left on disk").isPositive();
        }

        Collector c = collector(port, 0);
        Process next = start(traffic(port, 0, 0, dir.resolve("progress2"), "return", "kill9-next"));
        assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(next.exitValue()).as(output()).isZero();
        awaitTrue("the first run's events arrive", 30, () -> c.exchangeIds().size() >= calls);
        assertThat(c.exchangeIds()).containsExactlyElementsOf(range(calls));
        assertThat(c.agentActions()).as("both runs' start events").filteredOn("agent-start"::equals).hasSize(2);
    }

    @Test
    void aFullDiskKeepsTheAppRunningAndTheLossIsReported() throws Exception {
        int port = FreePorts.find();
        Collector c = collector(port, 0);
        Path audit = dir.resolve("audit.jsonl");
        Files.createSymbolicLink(audit, Path.of("/dev/full")); // every write fails with ENOSPC
        Path progress = dir.resolve("progress");
        int calls = 20;
        ChildJvm.Builder b = traffic(port, calls, 0, progress, "return", "diskfull")
                .systemProperty("mcp.egress.audit.sinks", "file,http")
                .systemProperty("mcp.egress.audit.file", audit.toString());
        ChildJvm.Result r = b.run();
        assertThat(r.exitCode()).as(r.toString()).isZero();
        assertThat(Files.readString(progress)).isEqualTo("done " + calls);
        assertThat(r.stderr()).contains("No space left on device");
        awaitTrue("events and the loss report reach the collector", 30,
                () -> c.exchangeIds().size() >= calls && c.agentActions().contains("agent-shutdown"));
        assertThat(c.exchangeIds()).containsExactlyElementsOf(range(calls));
        List<JsonNode> dropped = c.agentEvents("audit-dropped");
        assertThat(dropped).isNotEmpty();
        long lost = dropped.stream().mapToLong(e -> AuditLog.number(e, "mcp.egress.dropped")).sum();
        assertThat(lost).as("every event the file could not take is reported").isGreaterThanOrEqualTo(calls);
        JsonNode shutdown = c.agentEvents("agent-shutdown").get(0);
        assertThat(AuditLog.number(shutdown, "mcp.egress.stats.dropped")).isGreaterThanOrEqualTo(calls);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private ChildJvm.Builder traffic(int collectorPort, int calls, long intervalMillis, Path progress, String end,
                                     String scenario) {
        return ChildJvm.builder()
                .javaHome(Jdks.current())
                .agentJar(TestApps.agentJar())
                .systemProperty("mcp.egress.audit.sinks", "http")
                .systemProperty("mcp.egress.audit.http.url", "http://127.0.0.1:" + collectorPort)
                .systemProperty("mcp.egress.audit.http.format", "splunk-hec")
                .systemProperty("mcp.egress.audit.http.flush-interval", "100ms")
                .systemProperty("mcp.egress.audit.http.batch-size", "50")
                .systemProperty("mcp.egress.audit.spool.dir", dir.resolve("spool").toString())
                .systemProperty("mcp.egress.audit.file.fsync-interval", "200ms")
                .systemProperty("mcp.egress.audit.heartbeat-interval", "5s")
                .classpath(TestApps.classpath("jdk-clients"))
                .mainClass("io.mcpegress.apps.jdk.SteadyTrafficApp")
                .args(String.valueOf(calls), String.valueOf(intervalMillis),
                        target.httpUrl("/s/" + scenario + "/ok"), progress.toString(), end)
                .timeout(Duration.ofSeconds(180));
    }

    private Process start(ChildJvm.Builder child) throws IOException {
        return new ProcessBuilder(child.command()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("out.txt").toFile())).start();
    }

    private String output() throws IOException {
        Path out = dir.resolve("out.txt");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    private static int completed(Path progress) throws IOException {
        String s = Files.exists(progress) ? Files.readString(progress).trim() : "0";
        return s.isEmpty() ? 0 : Integer.parseInt(s.startsWith("done ") ? s.substring(5) : s);
    }

    private static boolean isDone(Path progress) {
        try {
            return Files.exists(progress) && Files.readString(progress).startsWith("done");
        } catch (IOException e) {
            return false;
        }
    }

    private static List<Integer> range(int n) {
        return IntStream.range(0, n).boxed().toList();
    }

    private void awaitTrue(String what, int seconds, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what + "\n" + output());
            }
            Thread.sleep(50);
        }
    }

    private Collector collector(int port, long delayMillis) throws IOException {
        Collector c = new Collector(port, delayMillis);
        collectors.add(c);
        return c;
    }

    /** A loopback Splunk HEC endpoint that records every event it acknowledged, in arrival order. */
    static final class Collector {
        private final HttpServer server;
        private final List<JsonNode> events = new ArrayList<>();

        Collector(int port, long delayMillis) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
            server.createContext("/services/collector/event", ex -> handle(ex, delayMillis));
            server.start();
        }

        private void handle(HttpExchange ex, long delayMillis) throws IOException {
            try (InputStream in = ex.getRequestBody()) {
                byte[] body = in.readAllBytes();
                if (delayMillis > 0) {
                    Thread.sleep(delayMillis);
                }
                List<JsonNode> batch = new ArrayList<>();
                try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class)
                        .readValues(new String(body, StandardCharsets.UTF_8))) {
                    while (it.hasNext()) {
                        batch.add(it.next().path("event"));
                    }
                }
                synchronized (events) {
                    events.addAll(batch);
                }
                byte[] ok = "{\"text\":\"Success\",\"code\":0}".getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, ok.length);
                ex.getResponseBody().write(ok);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                ex.close();
            }
        }

        /** The {@code i} of every exchange event received, in arrival order. */
        List<Integer> exchangeIds() {
            List<Integer> out = new ArrayList<>();
            synchronized (events) {
                for (JsonNode e : events) {
                    if (!AuditLog.isAgentEvent(e)) {
                        String q = AuditLog.text(e, "url.query");
                        out.add(Integer.parseInt(q.substring(q.indexOf("i=") + 2)));
                    }
                }
            }
            return out;
        }

        List<String> agentActions() {
            List<String> out = new ArrayList<>();
            synchronized (events) {
                events.stream().filter(AuditLog::isAgentEvent).forEach(e -> out.add(AuditLog.text(e, "event.action")));
            }
            return out;
        }

        List<JsonNode> agentEvents(String action) {
            synchronized (events) {
                return events.stream().filter(e -> action.equals(AuditLog.text(e, "event.action"))).toList();
            }
        }

        void stop() {
            server.stop(0);
        }
    }
}
