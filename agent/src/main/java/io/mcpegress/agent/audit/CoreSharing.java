package io.mcpegress.agent.audit;

/**
 * When the audit writer gives its core away in the middle of a batch.
 *
 * <p>A batch written in one go holds a core for tens to hundreds of microseconds, and an
 * application thread woken on that core waits for it: that was +60 to +100 µs on the 99th
 * percentile of sequential calls on 2 cores. So the writer yields after
 * {@link #SHARE_AFTER_NANOS} of writing. A yield with nothing else to run returns at once; a
 * yield that lets another thread run costs two context switches. When the cores are saturated (many application threads), every yield is such a switch
 * (~1.5 µs of writer CPU per event when it yielded every two events), and it buys nothing: the
 * waiting threads wait behind each other anyway. So once {@link #SATURATED_AFTER} yields in a row
 * kept the writer off its core for {@link #OFF_CPU_NANOS} or more, the writer yields only every
 * {@link #SATURATED_SHARE_AFTER_NANOS}; the first yield that returns at once brings the short
 * interval back.
 *
 * <p>Writer thread only; not thread-safe. Tests override {@link #now} and {@link #yieldCore}
 * (methods, not lambdas: the pipeline is built in premain, where every lambda spins a class).
 */
class CoreSharing {

    /** Writing time after which the writer yields while there is spare CPU. */
    static final long SHARE_AFTER_NANOS = 10_000;
    /**
     * Writing time after which the writer yields while the cores are saturated. Not longer: one
     * client thread and the server it waits for also make the writer's yields slow now and then
     * (each lets the other run), and if eight come in a row, that thread waits for the writer up
     * to this long (200 µs was tried; 50 µs keeps most of the saving and bounds that wait).
     */
    static final long SATURATED_SHARE_AFTER_NANOS = 50_000;
    /** A yield that took this long let another thread run on the writer's core. */
    static final long OFF_CPU_NANOS = 20_000;
    /** Yields in a row that let another thread run before the cores count as saturated. */
    static final int SATURATED_AFTER = 8;

    private long writingSince;
    /** Consecutive yields that let another thread run, up to {@link #SATURATED_AFTER}. */
    private int offCpuYields;

    long now() {
        return System.nanoTime();
    }

    void yieldCore() {
        Thread.yield();
    }

    /** The writer starts a batch (it was parked or polling until now). */
    void batchStarts() {
        writingSince = now();
    }

    /** Before each event of the batch: yields the core if the writer has held it long enough. */
    void nextEvent() {
        long now = now();
        if (now - writingSince < (saturated() ? SATURATED_SHARE_AFTER_NANOS : SHARE_AFTER_NANOS)) {
            return;
        }
        yieldCore();
        long after = now();
        if (after - now >= OFF_CPU_NANOS) {
            if (offCpuYields < SATURATED_AFTER) {
                offCpuYields++;
            }
        } else {
            offCpuYields = 0;
        }
        writingSince = after;
    }

    /** Whether the last yields all let other threads run: the writer yields rarely now. */
    boolean saturated() {
        return offCpuYields >= SATURATED_AFTER;
    }
}
