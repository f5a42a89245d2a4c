package io.mcpegress.agent.audit;

import io.mcpegress.agent.util.AgentLog;
import io.mcpegress.bootstrap.EgressHooks;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Application threads {@link #offer} records to a bounded queue and return at once; one writer
 * thread encodes and writes them. {@link #close} (run by the shutdown hook on System.exit, end of
 * main or SIGTERM) drains everything still queued before the JVM goes away.
 *
 * <p>The writer also speaks for the agent: it writes a heartbeat with the counters every
 * {@code heartbeatMillis}, an {@link AgentEvent.Kind#DROPPED} event soon after events were lost,
 * and a shutdown event last.
 */
public final class AuditPipeline implements AutoCloseable {

    /** What {@link #offer} does when the queue is full. */
    public enum OverflowPolicy {
        /** Lose the event, count it, report it in a {@code dropped} event: the application never waits. */
        DROP,
        /** Make the calling thread wait for room: nothing is lost, calls slow down (compliance setting). */
        BLOCK
    }

    /**
     * After a batch smaller than {@link #fullBatch} the writer sleeps this long before it looks
     * again, so that under steady traffic events gather into batches: no offer has to wake a
     * parked writer (a futex wake and a context switch per event otherwise), and the writer wakes
     * up (cold caches, one write(2) per batch) a hundred times a second at most. 10 ms measured
     * cheaper than 2 ms per event; it bounds the extra delay before an event reaches the sink
     * (the file is fsynced once a second anyway); close() still drains everything.
     */
    private static final long LINGER_NANOS = 10_000_000;

    private static final int BATCH = 512;
    private static final long POLL_MILLIS = 200;
    /**
     * Queued by {@link #close} so that a writer blocked in {@code poll} wakes at once instead of
     * after up to {@link #POLL_MILLIS}: that wait was a fifth of a second added to every JVM exit.
     * Never written (compared by identity).
     */
    private static final AuditRecord WAKE_UP = AgentEvent.heartbeat(null);
    /** At most one dropped event per second, however many batches lose events. */
    private static final long DROPPED_REPORT_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final BlockingQueue<AuditRecord> queue;
    /**
     * A batch this big means events come fast: write the next one at once instead of lingering,
     * and an offer that makes the queue this long wakes a lingering writer. A quarter of the queue
     * at most, so that a small queue cannot fill up while the writer lingers.
     */
    private final int fullBatch;
    /** Set while the writer lingers; an offer that finds {@link #fullBatch} events queued clears it and wakes the writer. */
    private final AtomicBoolean lingering = new AtomicBoolean();
    /** The queue's length is checked on exchanges whose number has these bits clear: an eighth of {@link #fullBatch}. */
    private final long wakeCheckMask;
    private final long lingerNanos;
    /** Built by the writer thread when it starts (see {@link #encoder()}). */
    private final Supplier<AuditEncoder> encoderFactory;
    private AuditEncoder encoder; // guarded by writeLock
    private final AuditSink sink;
    private final OverflowPolicy overflow;
    private final long heartbeatNanos;
    private final Thread writer;
    /** When the writer yields its core during a batch (writer thread only). */
    private final CoreSharing coreSharing = new CoreSharing();
    private final AtomicLong exchanges = new AtomicLong();
    private final AtomicLong denied = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong sinkErrors = new AtomicLong();
    /** Events a sink refused (disk full, spool full, receiver gone): lost for that destination. */
    private final AtomicLong sinkLost = new AtomicLong();
    private final Object writeLock = new Object();
    private volatile LongSupplier spooled = () -> 0;
    private volatile boolean closed;
    // writer thread only
    private long droppedReported;
    private long queueLostReported;
    private long lastDroppedReportNanos;
    private long nextHeartbeatNanos;

    public AuditPipeline(int capacity, AuditEncoder encoder, AuditSink sink) {
        this(capacity, encoder, sink, OverflowPolicy.DROP, 0);
    }

    /** @param heartbeatMillis interval of heartbeat events, 0 for none */
    public AuditPipeline(int capacity, AuditEncoder encoder, AuditSink sink, OverflowPolicy overflow,
                         long heartbeatMillis) {
        this(capacity, () -> encoder, sink, overflow, heartbeatMillis, LINGER_NANOS);
    }

    /**
     * With the encoder built on the writer thread: the hash chain's JCA set-up and the run id's
     * SecureRandom cost ~20 ms that the JVM's start no longer waits for.
     */
    public AuditPipeline(int capacity, Supplier<AuditEncoder> encoder, AuditSink sink, OverflowPolicy overflow,
                         long heartbeatMillis) {
        this(capacity, encoder, sink, overflow, heartbeatMillis, LINGER_NANOS);
    }

    /** With another linger than {@link #LINGER_NANOS}: tests make it long to see what wakes the writer. */
    AuditPipeline(int capacity, AuditEncoder encoder, AuditSink sink, OverflowPolicy overflow, long heartbeatMillis,
                  long lingerNanos) {
        this(capacity, () -> encoder, sink, overflow, heartbeatMillis, lingerNanos);
    }

    private AuditPipeline(int capacity, Supplier<AuditEncoder> encoder, AuditSink sink, OverflowPolicy overflow,
                          long heartbeatMillis, long lingerNanos) {
        this.lingerNanos = lingerNanos;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.fullBatch = Math.max(1, Math.min(BATCH, capacity / 4));
        this.wakeCheckMask = Integer.highestOneBit(Math.max(1, fullBatch / 8)) - 1;
        this.encoderFactory = encoder;
        this.sink = sink;
        this.overflow = overflow;
        this.heartbeatNanos = TimeUnit.MILLISECONDS.toNanos(heartbeatMillis);
        this.writer = new Thread(this::run, "mcp-egress-audit-writer");
        this.writer.setDaemon(true);
    }

    public void start() {
        nextHeartbeatNanos = System.nanoTime() + heartbeatNanos;
        writer.start();
    }

    /** Where the on-disk spool reports how many events wait in it, for the counters. */
    public void spooledCount(LongSupplier spooledCount) {
        this.spooled = spooledCount;
    }

    /**
     * Never blocks the caller under the default {@link OverflowPolicy#DROP}: a full queue drops the
     * event and counts it. After {@link #close} (the JVM is shutting down) the record is written
     * synchronously: exchanges that finish during shutdown still reach the trail.
     */
    public void offer(AuditRecord record) {
        long n = 0;
        if (record instanceof AuditEvent e) {
            n = exchanges.incrementAndGet();
            if (e.denied()) {
                denied.incrementAndGet();
            }
        }
        if (closed) {
            writeBatch(List.of(record));
            return;
        }
        if (queue.offer(record)) {
            // size() takes the queue's lock again: looked at on every few exchanges only
            if ((n & wakeCheckMask) == 0 && lingering.get() && queue.size() >= fullBatch
                    && lingering.compareAndSet(true, false)) {
                LockSupport.unpark(writer);
            }
            return;
        }
        if (overflow == OverflowPolicy.BLOCK && Thread.currentThread() != writer && waitForRoom(record)) {
            return;
        }
        dropped.incrementAndGet();
    }

    private boolean waitForRoom(AuditRecord record) {
        try {
            while (!closed) {
                if (queue.offer(record, POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            writeBatch(List.of(record)); // shutting down: write it ourselves
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the application wants this thread back: count the loss
            return false;
        }
    }

    private void run() {
        List<AuditRecord> batch = new ArrayList<>(BATCH);
        synchronized (writeLock) {
            try {
                encoder(); // now, while the application starts on the other cores
            } catch (RuntimeException e) {
                AgentLog.warnOnce("encoder", "audit encoder could not be built (retried with each batch): " + e);
            }
        }
        while (!closed) {
            try {
                AuditRecord first = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    drainTo(batch, BATCH - 1);
                }
                addAgentReports(batch, false);
                boolean full = batch.size() >= fullBatch;
                if (!batch.isEmpty()) {
                    writeBatch(batch);
                    batch.clear();
                }
                // under steady traffic, let the next events gather instead of being woken by each one
                while (first != null && !full && !closed) {
                    lingering.set(true);
                    LockSupport.parkNanos(lingerNanos);
                    lingering.set(false);
                    if (drainTo(batch, BATCH) == 0) {
                        break; // idle: block in poll() again
                    }
                    addAgentReports(batch, false); // heartbeats go on under constant traffic too
                    writeBatch(batch);
                    full = batch.size() >= fullBatch;
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

    private int drainTo(List<AuditRecord> batch, int max) {
        int n = queue.drainTo(batch, max);
        if (closed) {
            batch.removeIf(r -> r == WAKE_UP);
        }
        return n;
    }

    /** The encoder, built on first use; a failure is retried by the next use. Call with writeLock held. */
    private AuditEncoder encoder() {
        if (encoder == null) {
            encoder = encoderFactory.get();
        }
        return encoder;
    }

    /** Adds a dropped event when events were lost since the last report, and a heartbeat when due. */
    private void addAgentReports(List<AuditRecord> batch, boolean force) {
        long now = System.nanoTime();
        long queueLost = dropped.get();
        long lost = queueLost + sinkLost.get() - droppedReported;
        if (lost > 0 && (force || now - lastDroppedReportNanos >= DROPPED_REPORT_INTERVAL_NANOS)) {
            String why = queueLost > queueLostReported
                    ? (overflow == OverflowPolicy.BLOCK ? "a caller was interrupted while waiting for room in the audit queue"
                    : "the audit queue was full (overflow policy drop)")
                    : "a sink could not take them (" + sink.describe() + ")";
            droppedReported += lost;
            queueLostReported = queueLost;
            lastDroppedReportNanos = now;
            batch.add(AgentEvent.dropped(lost, counters(), why));
            AgentLog.warn(lost + " audit events lost: " + why);
        }
        if (heartbeatNanos > 0 && now - nextHeartbeatNanos >= 0) {
            nextHeartbeatNanos = now + heartbeatNanos;
            batch.add(AgentEvent.heartbeat(counters()));
        }
    }

    private void writeBatch(List<? extends AuditRecord> batch) {
        synchronized (writeLock) {
            boolean onWriter = Thread.currentThread() == writer;
            if (onWriter) {
                coreSharing.batchStarts();
            }
            for (AuditRecord r : batch) {
                if (onWriter) {
                    coreSharing.nextEvent();
                }
                try {
                    ByteArrayOutputStream line = encoder().encode(r);
                    // the encoders' own buffers go to the sinks as they are: no copy per event
                    sink.write(line instanceof LineBuffer b ? b.array() : line.toByteArray(), 0, line.size());
                    written.incrementAndGet();
                } catch (IOException | RuntimeException ex) {
                    sinkErrors.incrementAndGet();
                    if (!(r instanceof AgentEvent a && a.kind() == AgentEvent.Kind.DROPPED)) {
                        sinkLost.incrementAndGet(); // a loss report that is lost itself is not a new loss
                    }
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

    /** The counters as of now, for heartbeat, dropped and shutdown events. */
    public AgentCounters counters() {
        return new AgentCounters(exchanges.get(), denied.get(), dropped.get() + sinkLost.get(), queue.size(), spooled.getAsLong(),
                sinkErrors.get(), EgressHooks.suppressedErrorCount());
    }

    /**
     * Writes whatever is queued, reports any loss, writes the shutdown event and flushes the sink,
     * which stays open for stragglers. Safe to call more than once.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        queue.offer(WAKE_UP); // a full queue needs no waking
        LockSupport.unpark(writer); // nor does a writer lingering between batches
        try {
            writer.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<AuditRecord> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.removeIf(r -> r == WAKE_UP);
        synchronized (writeLock) {
            addAgentReports(rest, true);
        }
        rest.add(AgentEvent.shutdown(counters()));
        writeBatch(rest);
    }

    /** Whether the writer is sleeping between small batches now (for tests). */
    boolean lingering() {
        return lingering.get();
    }

    public long offeredCount() {
        return exchanges.get();
    }

    public long writtenCount() {
        return written.get();
    }

    /** Events dropped because the queue was full. */
    public long droppedCount() {
        return dropped.get();
    }

    /** Events a sink failed to take (counted once per event, whichever sinks failed). */
    public long sinkLostCount() {
        return sinkLost.get();
    }

    public long sinkErrorCount() {
        return sinkErrors.get();
    }

    public String describeSink() {
        return sink.describe();
    }
}
