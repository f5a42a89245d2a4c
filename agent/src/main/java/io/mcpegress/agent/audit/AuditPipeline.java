package io.mcpegress.agent.audit;

import io.mcpegress.agent.util.AgentLog;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Application threads {@link #offer} events to a bounded queue and return at once; one writer
 * thread encodes and writes them. {@link #close} (run by the shutdown hook on System.exit, end of
 * main or SIGTERM) drains everything still queued before the JVM goes away.
 */
public final class AuditPipeline implements AutoCloseable {

    private static final int BATCH = 512;
    /**
     * After a batch smaller than {@link #BATCH} the writer sleeps this long before it looks again,
     * so that under steady traffic events gather into batches and no offer has to wake a parked
     * writer (a futex wake and a context switch per event otherwise). Bounds the extra delay before
     * an event reaches the sink; close() still drains everything.
     */
    private static final long LINGER_NANOS = 2_000_000;

    private final BlockingQueue<AuditEvent> queue;
    private final EcsEncoder encoder;
    private final AuditSink sink;
    private final Thread writer;
    private final AtomicLong offered = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sinkErrors = new AtomicLong();
    private final Object writeLock = new Object();
    private volatile boolean closed;

    public AuditPipeline(int capacity, EcsEncoder encoder, AuditSink sink) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.encoder = encoder;
        this.sink = sink;
        this.writer = new Thread(this::run, "mcp-egress-audit-writer");
        this.writer.setDaemon(true);
    }

    public void start() {
        writer.start();
    }

    /**
     * Never blocks the caller. A full queue drops the event and counts it. After {@link #close}
     * (the JVM is shutting down) the event is written synchronously: exchanges that finish during
     * shutdown still reach the trail.
     */
    public void offer(AuditEvent event) {
        offered.incrementAndGet();
        if (closed) {
            writeBatch(List.of(event));
            return;
        }
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    private void run() {
        List<AuditEvent> batch = new ArrayList<>(BATCH);
        while (!closed) {
            try {
                AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                writeBatch(batch);
                boolean full = batch.size() == BATCH;
                batch.clear();
                while (!full && !closed) {
                    LockSupport.parkNanos(LINGER_NANOS);
                    if (queue.drainTo(batch, BATCH) == 0) {
                        break; // idle: block in poll() again
                    }
                    writeBatch(batch);
                    full = batch.size() == BATCH;
                    batch.clear();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Throwable t) {
                // the writer must survive anything, or every later event is lost
                AgentLog.warnOnce("writer", "audit writer error: " + t);
                batch.clear();
            }
        }
    }

    private void writeBatch(List<AuditEvent> batch) {
        synchronized (writeLock) {
            for (AuditEvent e : batch) {
                try {
                    ByteArrayOutputStream line = encoder.encode(e);
                    sink.write(encoder.lastLineArray(), 0, line.size());
                    written.incrementAndGet();
                } catch (IOException | RuntimeException ex) {
                    sinkErrors.incrementAndGet();
                    AgentLog.warnOnce("sink-write", "audit sink " + sink.describe() + " failed: " + ex);
                }
            }
            try {
                sink.flush();
            } catch (IOException ex) {
                sinkErrors.incrementAndGet();
            }
        }
    }

    /**
     * Writes whatever is queued and flushes the sink, which stays open for stragglers. Safe to
     * call more than once.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<AuditEvent> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            writeBatch(rest);
        }
        synchronized (writeLock) {
            try {
                sink.flush();
            } catch (IOException e) {
                sinkErrors.incrementAndGet();
            }
        }
    }

    public long offeredCount() {
        return offered.get();
    }

    public long writtenCount() {
        return written.get();
    }

    public long droppedCount() {
        return dropped.get();
    }

    public long sinkErrorCount() {
        return sinkErrors.get();
    }

    public String describeSink() {
        return sink.describe();
    }
}
