package io.mcpegress.agent.dispatch;

import io.mcpegress.agent.audit.RequestTarget;
import io.mcpegress.agent.policy.Decision;
import io.mcpegress.bootstrap.McpContext;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/** The handle advice holds for one exchange in flight: what was asked, where it went, since when. */
final class ExchangeRecord {

    final String client;
    final String method;
    final RequestTarget target;
    final String route;
    final String proxy;
    /** The policy's verdict; {@code enforced} when a denial stops the call (enforce mode). */
    final Decision decision;
    final boolean enforced;
    final long startEpochMillis;
    final long startNanos;
    /** The MCP request this exchange is made for (captured on the calling thread), or {@code null}. */
    final McpContext mcp;
    private static final AtomicIntegerFieldUpdater<ExchangeRecord> ENDED =
            AtomicIntegerFieldUpdater.newUpdater(ExchangeRecord.class, "ended");
    /** 1 once the end is recorded (a field updater: no AtomicBoolean object per exchange). */
    private volatile int ended;
    /** False only for a redirect hop the client prepared but has not sent yet. */
    volatile boolean attempted;

    ExchangeRecord(String client, String method, RequestTarget target, String route, String proxy,
                   Decision decision, boolean enforced, boolean attempted, McpContext mcp) {
        this.decision = decision;
        this.enforced = enforced;
        this.attempted = attempted;
        this.client = client;
        this.method = method;
        this.target = target;
        this.route = route;
        this.proxy = proxy;
        this.startEpochMillis = System.currentTimeMillis();
        this.startNanos = System.nanoTime();
        this.mcp = mcp;
    }

    /** True exactly once: an exchange is recorded once even if two paths report its end. */
    boolean markEnded() {
        return ENDED.compareAndSet(this, 0, 1);
    }
}
