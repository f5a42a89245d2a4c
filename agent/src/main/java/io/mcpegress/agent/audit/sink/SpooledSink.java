package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.audit.AuditPipeline;
import io.mcpegress.agent.audit.AuditSink;
import io.mcpegress.agent.util.AgentLog;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts an on-disk spool in front of a network sink: the writer thread only appends to the
 * {@link DiskSpool}; a delivery thread sends from its head, in order, and removes events only once
 * the receiver has them. A receiver that is down or slow fills the spool instead of losing events;
 * when it comes back the backlog is replayed in order before anything newer. What is still spooled
 * at shutdown stays on disk and is sent by the next start.
 *
 * <p>When the spool is full the overflow policy decides: {@code drop} loses the event (counted,
 * reported by {@link #flush} so the pipeline's counters and the {@code audit-dropped} event show
 * it), {@code block} makes the writer thread wait for room, which backs up the in-memory queue and
 * in the end the application's calls.
 */
public final class SpooledSink implements NetworkSink {

    private static final long MIN_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5_000;

    private final AuditSink delegate;
    private final DiskSpool spool;
    private final AuditPipeline.OverflowPolicy overflow;
    private final int batchEvents;
    private final long batchBytes;
    private final long lingerMillis;
    private final long fsyncIntervalNanos;
    private final long closeTimeoutMillis;
    private final Thread sender;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private long lostReported;
    private long lastSyncNanos = System.nanoTime();
    private volatile boolean closing;
    private volatile String lastError;

    public SpooledSink(AuditSink delegate, DiskSpool spool, AuditPipeline.OverflowPolicy overflow, int batchEvents,
                       long batchBytes, long lingerMillis, long fsyncIntervalMillis, long closeTimeoutMillis) {
        this.delegate = delegate;
        this.spool = spool;
        this.overflow = overflow;
        this.batchEvents = batchEvents;
        this.batchBytes = batchBytes;
        this.lingerMillis = lingerMillis;
        this.fsyncIntervalNanos = TimeUnit.MILLISECONDS.toNanos(fsyncIntervalMillis);
        this.closeTimeoutMillis = closeTimeoutMillis;
        this.sender = new Thread(this::run, "mcp-egress-spool-" + delegate.describe());
        this.sender.setDaemon(true);
        if (spool.pendingEvents() > 0) {
            AgentLog.info(spool.pendingEvents() + " audit events left in " + spool.directory()
                    + " by an earlier run: sending them to " + delegate.describe() + " first");
        }
        this.sender.start();
    }

    /** Writer thread: appends to the spool (waiting for room under the block policy). */
    @Override
    public void write(byte[] line, int offset, int length) throws IOException {
        int end = Lines.endWithoutNewline(line, offset, length);
        int n = end - offset;
        if (spool.append(line, offset, n)) {
            return;
        }
        if (overflow == AuditPipeline.OverflowPolicy.BLOCK) {
            try {
                while (!closing) {
                    if (spool.awaitRoom(n, 200) && spool.append(line, offset, n)) {
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        lost.incrementAndGet();
        throw new IOException(describe() + ": spool full (" + spool.pendingEvents() + " events, "
                + spool.pendingBytes() + " bytes waiting; " + (lastError == null ? "receiver slow" : lastError)
                + "), event dropped");
    }

    /** Makes appended events durable per the fsync interval; reports events lost since the last call. */
    @Override
    public void flush() throws IOException {
        long now = System.nanoTime();
        if (now - lastSyncNanos >= fsyncIntervalNanos) {
            lastSyncNanos = now;
            spool.sync();
        }
        long l = lost.get();
        if (l > lostReported) {
            long n = l - lostReported;
            lostReported = l;
            throw new IOException(describe() + ": " + n + " events lost");
        }
    }

    private void run() {
        long backoff = MIN_BACKOFF_MILLIS;
        List<byte[]> retry = null;
        int batchSize = 0;
        while (true) {
            try {
                if (retry == null) {
                    if (!spool.awaitEvents(200)) {
                        if (closing) {
                            return;
                        }
                        continue;
                    }
                    if (lingerMillis > 0 && spool.pendingEvents() < batchEvents && !closing) {
                        Thread.sleep(lingerMillis); // let a batch form
                    }
                    retry = spool.peek(batchEvents, batchBytes);
                    batchSize = retry.size();
                }
                List<byte[]> again = deliver(retry);
                if (again.isEmpty()) {
                    spool.commit(batchSize);
                    delivered.addAndGet(batchSize);
                    retry = null;
                    backoff = MIN_BACKOFF_MILLIS;
                    lastError = null;
                    continue;
                }
                retry = again; // the receiver asked for some items again: only those, then commit all
                lastError = again.size() + " events to send again";
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (lastError == null) {
                    AgentLog.warn(delegate.describe() + " unreachable, spooling audit events to " + spool.directory()
                            + ": " + e);
                }
                lastError = e.toString();
            }
            if (closing) {
                return; // what is left stays on disk for the next start
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(backoff / 2, backoff + 1));
            } catch (InterruptedException e) {
                return;
            }
            backoff = Math.min(MAX_BACKOFF_MILLIS, backoff * 2);
        }
    }

    private List<byte[]> deliver(List<byte[]> events) throws IOException {
        if (delegate instanceof BatchDelivery batch) {
            return batch.deliver(events);
        }
        // stream sinks (syslog over TCP/TLS): a flush that returns means the frames were written
        for (byte[] e : events) {
            delegate.write(e, 0, e.length);
        }
        delegate.flush();
        return List.of();
    }

    /** Events waiting on disk right now. */
    public long spooledCount() {
        return spool.pendingEvents();
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public long lostCount() {
        return lost.get();
    }

    /**
     * Stops accepting events, gives the sender up to the close timeout to empty the spool, then
     * leaves the rest on disk (synced) for the next start.
     */
    @Override
    public void close() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(closeTimeoutMillis);
        try {
            while (spool.pendingEvents() > 0 && System.nanoTime() < deadline && sender.isAlive()) {
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closing = true;
        sender.interrupt();
        try {
            sender.join(1_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long left = spool.pendingEvents();
        if (left > 0) {
            AgentLog.warn(left + " audit events not yet delivered to " + delegate.describe() + " stay in "
                    + spool.directory() + " and are sent at the next start");
        }
        try {
            spool.close();
        } finally {
            delegate.close();
        }
    }

    @Override
    public Set<InetSocketAddress> endpoints() {
        return delegate instanceof NetworkSink n ? n.endpoints() : Set.of();
    }

    @Override
    public String describeEndpoint() {
        return delegate instanceof NetworkSink n ? n.describeEndpoint() : delegate.describe();
    }

    @Override
    public String describe() {
        return delegate.describe() + " (spool " + spool.directory() + ")";
    }
}
