package io.mcpegress.benchmarks;

import io.mcpegress.agent.guard.TrackingDispatcher;
import io.mcpegress.bootstrap.EgressDispatcher;

import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.AuditSink;
import io.mcpegress.agent.audit.EcsEncoder;
import io.mcpegress.agent.audit.ProcessIdentity;
import io.mcpegress.agent.audit.RequestTarget;
import io.mcpegress.agent.audit.sink.RotatingFileSink;
import io.mcpegress.agent.dispatch.AgentDispatcher;
import io.mcpegress.agent.dispatch.ClientNames;
import io.mcpegress.agent.policy.Decision;
import io.mcpegress.agent.policy.Policy;
import io.mcpegress.agent.policy.PolicyFile;
import io.mcpegress.agent.policy.PolicyRequest;
import io.mcpegress.agent.routing.HostPatterns;
import io.mcpegress.agent.routing.ProxyEndpoint;
import io.mcpegress.agent.routing.Router;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The agent's per-call work, piece by piece, on one application thread. Run by
 * scripts/benchmark.sh with {@code -prof gc}: {@code gc.alloc.rate.norm} is bytes per call.
 * <p>
 * Pipelines that are not started never run their writer thread, so the allocation figures of the
 * {@code dispatcher*} benchmarks are the application thread's alone (their queue is full after
 * the first few calls: the offer takes the same lock, then drops instead of storing).
 * {@link #pipelineOffer} runs a real writer thread with a discarding sink.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class HotPathBenchmark {

    static final String URL = "https://api.example.com/v1/search?q=mcp+egress&api_key=abc123&page=2";
    static final URI TARGET = URI.create(URL);

    Policy noRules;
    Policy fiftyRules;
    Policy allowList;
    PolicyRequest request;
    Router router;
    EcsEncoder encoder;
    AuditEvent event;
    AuditPipeline offerPipeline;
    AgentDispatcher auditOnly;
    AgentDispatcher withFiftyRules;
    /** With a proxy the socket guard runs and wraps the dispatcher (TrackingDispatcher), as in production. */
    EgressDispatcher withProxy;
    Path writerFile;
    RotatingFileSink fileSink;

    /** Discards everything; counts so the JIT keeps the calls. */
    static final class DiscardSink implements AuditSink {
        long bytes;

        @Override
        public void write(byte[] line, int offset, int length) {
            bytes += length;
        }

        @Override
        public void flush() {
        }

        @Override
        public String describe() {
            return "discard";
        }

        @Override
        public void close() {
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        noRules = Policy.builder().build();
        fiftyRules = Policy.builder()
                .policyFile(PolicyFile.parse(PolicyFiles.fiftyRules("api.example.com", "/v1"), "bench-50-rules.yaml"))
                .build();
        allowList = Policy.builder()
                .allow("api.github.com,*.githubusercontent.com,10.20.0.0/16:8443,api.openai.com,"
                        + "*.googleapis.com,api.anthropic.com,api.example.com")
                .build();
        request = PolicyRequest.builder().scheme("https").host("api.example.com").port(443)
                .method("GET").path("/v1/search").build();
        requireAllowed(noRules.decide(request), "no rules");
        requireAllowed(fiftyRules.decide(request), "50 rules");
        requireAllowed(allowList.decide(request), "allow list");
        if (!"bench-target".equals(fiftyRules.decide(request).rule())) {
            throw new IllegalStateException("the 50-rule policy must decide by its last rule: " + fiftyRules.decide(request).rule());
        }
        router = new Router(ProxyEndpoint.parse("http://egress-proxy.internal:3128"),
                HostPatterns.parse("localhost,127.0.0.1,*.internal,10.0.0.0/8"));
        encoder = new EcsEncoder(new ProcessIdentity("bench-service", "0.1.0"));
        event = buildEvent();
        offerPipeline = new AuditPipeline(65536, new EcsEncoder(new ProcessIdentity("bench-service", "0.1.0")),
                new DiscardSink());
        offerPipeline.start();
        auditOnly = new AgentDispatcher(router(null), noRules, true,
                new AuditPipeline(16, encoder, new DiscardSink()), new ClientNames());
        withFiftyRules = new AgentDispatcher(router(null), fiftyRules, true,
                new AuditPipeline(16, encoder, new DiscardSink()), new ClientNames());
        withProxy = TrackingDispatcher.tracking(new AgentDispatcher(router, noRules, true,
                new AuditPipeline(16, encoder, new DiscardSink()), new ClientNames()));
        writerFile = Files.createTempFile("mcp-egress-bench-writer", ".jsonl");
        fileSink = RotatingFileSink.builder(writerFile).fsync(RotatingFileSink.Fsync.NEVER).open();
    }

    private static Router router(ProxyEndpoint proxy) {
        return new Router(proxy, HostPatterns.empty());
    }

    private static void requireAllowed(Decision d, String what) {
        if (!d.allowed()) {
            throw new IllegalStateException(what + ": expected allowed, got " + d.reason() + " " + d.rule());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        offerPipeline.close();
        System.out.println("\n[pipelineOffer] offered=" + offerPipeline.offeredCount() + " written="
                + offerPipeline.writtenCount() + " dropped=" + offerPipeline.droppedCount());
        fileSink.close();
        Files.deleteIfExists(writerFile);
    }

    static AuditEvent buildEvent() {
        return buildEvent(RequestTarget.of(TARGET));
    }

    static AuditEvent buildEvent(RequestTarget target) {
        return AuditEvent.builder()
                .startEpochMillis(System.currentTimeMillis())
                .durationNanos(1_234_567)
                .client("jdk-httpclient/17.0.21")
                .method("GET")
                .target(target)
                .statusCode(200)
                .httpVersion("1.1")
                .route("direct")
                .proxy(null)
                .denied(false)
                .enforced(false)
                .rule("bench-target", "bench-b", "rule")
                .error(null)
                .mcp(null)
                .build();
    }

    // ---- policy decision ----

    @Benchmark
    public Decision policyNoRules() {
        return noRules.decide(request);
    }

    @Benchmark
    public Decision policy50Rules() {
        return fiftyRules.decide(request);
    }

    @Benchmark
    public Decision policyAllowListHit() {
        return allowList.decide(request);
    }

    // ---- route decision (proxy configured, host not bypassed) ----

    @Benchmark
    public void routeDecision(Blackhole bh) {
        bh.consume(router.routeFor("api.example.com"));
        bh.consume(router.proxyFor("api.example.com", Proxy.NO_PROXY));
    }

    // ---- event construction: URL parsing (redaction is deferred to the writer), then the event ----

    @Benchmark
    public RequestTarget requestTargetParseAndRedact() {
        return RequestTarget.of(TARGET);
    }

    /**
     * What the audit writer pays for the URL of one event: the target is built lazily, so the
     * redacted query and the full URL are made on the writer thread, not the application thread.
     */
    @Benchmark
    public String requestTargetFullRedacted() {
        return RequestTarget.of(TARGET).full();
    }

    @Benchmark
    public AuditEvent eventConstruction() {
        return buildEvent();
    }

    // ---- ECS serialization (writer thread) ----

    @Benchmark
    public int ecsEncode() throws IOException {
        return encoder.encode(event).size();
    }

    /**
     * What the writer thread does per event with the file sink: encode + the sink's write, which
     * gathers lines and makes one write(2) per 64 KB here (per batch in the pipeline). 1e9/ns = events/s.
     */
    @Benchmark
    public int ecsEncodeAndWriteFile() throws IOException {
        ByteArrayOutputStream line = encoder.encode(event);
        fileSink.write(line.toByteArray(), 0, line.size());
        return line.size();
    }

    // ---- queue offer, with a real writer thread that encodes and discards ----

    @Benchmark
    public void pipelineOffer() {
        offerPipeline.offer(event);
    }

    // ---- the whole dispatcher path of one exchange (start + end), writer not running ----

    @Benchmark
    public void dispatcherExchangeAuditOnly() {
        Object h = auditOnly.exchangeStart("jdk-httpclient", "GET", TARGET);
        auditOnly.exchangeEnd(h, 200, "1.1", null);
    }

    /**
     * With a proxy configured (and a bypass list the host is not on): the client's route() call
     * (HttpRequestImpl constructor, okhttp3.Address, ...) plus start and end, as one JDK HttpClient exchange.
     */
    @Benchmark
    public Proxy dispatcherExchangeWithProxy() {
        Proxy p = withProxy.route("jdk-httpclient", "https", "api.example.com", 443, null);
        Object h = withProxy.exchangeStart("jdk-httpclient", "GET", TARGET);
        withProxy.exchangeEnd(h, 200, "1.1", null);
        return p;
    }

    @Benchmark
    public void dispatcherExchange50Rules() {
        Object h = withFiftyRules.exchangeStart("jdk-httpclient", "GET", TARGET);
        withFiftyRules.exchangeEnd(h, 200, "1.1", null);
    }
}
