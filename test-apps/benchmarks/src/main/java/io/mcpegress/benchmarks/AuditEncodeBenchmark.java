package io.mcpegress.benchmarks;

import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.ChainedEncoder;
import io.mcpegress.agent.audit.EcsEncoder;
import io.mcpegress.agent.audit.OcsfEncoder;
import io.mcpegress.agent.audit.ProcessIdentity;
import io.mcpegress.agent.audit.RequestTarget;
import io.mcpegress.bootstrap.McpContext;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The audit writer thread's CPU per event without the sink: what the agent runs in production
 * (the schema encoder inside {@link ChainedEncoder}, SHA-256 or HMAC-SHA256 per line), for ECS and
 * OCSF, with a fresh {@link RequestTarget} per event so the URL redaction and joining that the
 * writer does once per real event are counted too ({@code HotPathBenchmark.ecsEncode} reuses one
 * event, unchained).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class AuditEncodeBenchmark {

    private static final byte[] KEY = "benchmark-hmac-key-0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    EcsEncoder ecs;
    ChainedEncoder ecsSha256;
    ChainedEncoder ecsHmac;
    ChainedEncoder ocsfSha256;
    AuditEvent event;
    AuditEvent mcpEvent;

    @Setup
    public void setUp() {
        ProcessIdentity identity = new ProcessIdentity("bench-service", "0.1.0");
        ecs = new EcsEncoder(identity);
        ecsSha256 = new ChainedEncoder(new EcsEncoder(identity), null);
        ecsHmac = new ChainedEncoder(new EcsEncoder(identity), KEY);
        ocsfSha256 = new ChainedEncoder(new OcsfEncoder(identity), null);
        event = HotPathBenchmark.buildEvent();
        mcpEvent = withMcp(RequestTarget.of(HotPathBenchmark.TARGET));
    }

    static AuditEvent withMcp(RequestTarget target) {
        return AuditEvent.builder()
                .startEpochMillis(1_763_990_000_123L)
                .durationNanos(1_234_567)
                .client("jdk-httpclient/17.0.21")
                .method("GET")
                .target(target)
                .statusCode(200)
                .httpVersion("1.1")
                .route("proxy")
                .proxy("http://egress-proxy.internal:3128")
                .rule("bench-target", "bench-b", "rule")
                .mcp(McpContext.builder().method("tools/call").toolName("search_web").requestId("42")
                        .sessionId("5f0c8a3e-1b2d-4c5e-9f00-112233445566").clientName("claude-desktop")
                        .clientVersion("0.9.1").serverName("weather-mcp").serverVersion("0.1.0")
                        .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").build())
                .build();
    }

    /** Same as {@code HotPathBenchmark.ecsEncode}: one event over and over, no chain. */
    @Benchmark
    public int ecsEncode() throws IOException {
        return ecs.encode(event).size();
    }

    /** Production default: ECS + SHA-256 chain, fresh target (redaction + URL joining) per event. */
    @Benchmark
    public int ecsChainedSha256() throws IOException {
        return ecsSha256.encode(withMcp(RequestTarget.of(HotPathBenchmark.TARGET))).size();
    }

    @Benchmark
    public int ecsChainedHmac() throws IOException {
        return ecsHmac.encode(withMcp(RequestTarget.of(HotPathBenchmark.TARGET))).size();
    }

    @Benchmark
    public int ocsfChainedSha256() throws IOException {
        return ocsfSha256.encode(withMcp(RequestTarget.of(HotPathBenchmark.TARGET))).size();
    }

    /** The same chained ECS line with the event (and its target) reused: encoder + hash only. */
    @Benchmark
    public int ecsChainedSha256SameEvent() throws IOException {
        return ecsSha256.encode(mcpEvent).size();
    }
}
