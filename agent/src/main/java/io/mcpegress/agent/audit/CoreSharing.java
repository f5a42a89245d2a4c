package io.mcpegress.agent.audit;

/**
 * When the audit writer gives its core away in the middle of a batch.
 *
 * <p>A batch written in one go holds a core for tens to hundreds of microseconds, and an
 * application thread woken on that core waits for it: that was +60 to +100 µs on the 99th
 * percentile of sequential calls on 2 cores. So the writer yields after
 * {@link #SHARE_AFTER_NANOS} of writing. A yield with nothing else to run returns at once; a
 * yield that lets another thread run costs two context switches and a writer that comes back to
 * cold caches.
 *
 * <p>When the machine is overloaded (more threads ready to run than it has CPUs, as with eight
 * busy client threads on two cores), every thread waits behind the others whatever the writer
 * does, so its yields only add switches: with 8 client threads on 2 cores, a third of them let
 * another thread run and they cost the writer ~0.9 µs of CPU per event. So the writer looks at the
 * machine's run queue ({@link RunQueue}) when a batch starts; while it was overloaded at
 * {@link #OVERLOADED_OF_LAST} of the last 8 looks, the writer yields only every
 * {@link #SATURATED_SHARE_AFTER_NANOS}. (Before, it counted yields that kept it off its core for
 * 20 µs or more; a third of the yields did that with one client thread too, so the signal could
 * not tell the two apart.)
 *
 * <p>Writer thread only; not thread-safe. Tests override {@link #now}, {@link #yieldCore} and
 * {@link #overloaded} (methods, not lambdas: the pipeline is built in premain, where every lambda
 * spins a class).
 */
class CoreSharing {

    /** Writing time after which the writer yields while the machine has spare CPU. */
    static final long SHARE_AFTER_NANOS = 10_000;
    /**
     * Writing time after which the writer yields while the machine is overloaded: rarely, but
     * still a bound on how long an application thread can wait for the writer's core if the run
     * queue misled.
     */
    static final long SATURATED_SHARE_AFTER_NANOS = 200_000;
    /** Overloaded looks among the last 8 that make the machine count as saturated. */
    static final int OVERLOADED_OF_LAST = 6;
    /** Batch starts closer together than this reuse the last look at the run queue. */
    static final long LOOK_INTERVAL_NANOS = 1_000_000;

    private long writingSince;
    /** One bit per look at the run queue, newest lowest: set if the machine was overloaded. */
    private int looks;
    private long lastLook;
    private boolean looked;
    private boolean runQueueOpened;
    private RunQueue runQueue;

    long now() {
        return System.nanoTime();
    }

    void yieldCore() {
        Thread.yield();
    }

    /** Whether the machine has more threads ready to run than it can run now (false where it cannot tell). */
    boolean overloaded() {
        if (!runQueueOpened) {
            runQueueOpened = true; // on the writer thread, not in premain
            runQueue = RunQueue.open();
        }
        return runQueue != null && runQueue.overloaded();
    }

    /** The writer starts a batch (it was parked or polling until now). */
    void batchStarts() {
        long now = now();
        writingSince = now;
        if (!looked || now - lastLook >= LOOK_INTERVAL_NANOS) {
            looked = true;
            lastLook = now;
            looks = (looks << 1 | (overloaded() ? 1 : 0)) & 0xff;
        }
    }

    /** Before each event of the batch: yields the core if the writer has held it long enough. */
    void nextEvent() {
        long now = now();
        if (now - writingSince < (saturated() ? SATURATED_SHARE_AFTER_NANOS : SHARE_AFTER_NANOS)) {
            return;
        }
        yieldCore();
        writingSince = now();
    }

    /** Whether the machine was overloaded at most of the last looks: the writer yields rarely now. */
    boolean saturated() {
        return Integer.bitCount(looks) >= OVERLOADED_OF_LAST;
    }
}
