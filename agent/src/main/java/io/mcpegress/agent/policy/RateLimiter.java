package io.mcpegress.agent.policy;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The token buckets of one rule's {@link RateLimit}, one per destination host (and tool). Each
 * bucket is a single {@link AtomicLong} holding the "theoretical arrival time" (TAT) of the generic
 * cell rate algorithm, which is a token bucket kept in one number: a call at {@code now} passes when
 * {@code now >= TAT - (burst - 1) * interval}, and then moves TAT to {@code max(TAT, now) + interval}.
 * Lock-free (one CAS), and once a host's bucket exists a call allocates nothing.
 */
final class RateLimiter {

    /** Beyond this many buckets, new hosts share one overflow bucket: memory stays bounded. */
    static final int MAX_BUCKETS = 10_000;

    private static final String NO_TOOL = "\u0000no-tool";
    private static final long MAX_TOLERANCE = 1_000_000_000_000_000_000L;

    private final RateLimit limit;
    private final long interval;
    private final long tolerance;
    private final ConcurrentHashMap<String, Object> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow;

    RateLimiter(RateLimit limit, long nowNanos) {
        this.limit = limit;
        this.interval = limit.intervalNanos();
        // saturate at ~31 years so the nanoTime differences below can never overflow
        this.tolerance = Math.min(MAX_TOLERANCE, Math.multiplyHigh(interval, limit.burst() - 1L) != 0
                ? MAX_TOLERANCE : interval * (limit.burst() - 1L));
        this.overflow = new Bucket(nowNanos);
    }

    /** Takes one token for {@code host} (canonical) and {@code tool}; false when none is left. */
    boolean tryAcquire(String host, String tool, long nowNanos) {
        return bucket(host, tool, nowNanos).tryAcquire(nowNanos, interval, tolerance);
    }

    @SuppressWarnings("unchecked")
    private Bucket bucket(String host, String tool, long now) {
        Object entry = buckets.get(host);
        if (entry == null) {
            if (buckets.size() >= MAX_BUCKETS) {
                return overflow;
            }
            Object created = limit.perTool() ? new ConcurrentHashMap<String, Bucket>() : new Bucket(now);
            Object raced = buckets.putIfAbsent(host, created);
            entry = raced != null ? raced : created;
        }
        if (!limit.perTool()) {
            return (Bucket) entry;
        }
        ConcurrentHashMap<String, Bucket> byTool = (ConcurrentHashMap<String, Bucket>) entry;
        String key = tool == null ? NO_TOOL : tool;
        Bucket b = byTool.get(key);
        if (b == null) {
            if (byTool.size() >= MAX_BUCKETS) {
                return overflow;
            }
            Bucket created = new Bucket(now);
            Bucket raced = byTool.putIfAbsent(key, created);
            b = raced != null ? raced : created;
        }
        return b;
    }

    int bucketCount() {
        return buckets.size();
    }

    /** Holds TAT; a new bucket starts at TAT = now, i.e. full. */
    static final class Bucket extends AtomicLong {
        private static final long serialVersionUID = 1L;

        Bucket(long tat) {
            super(tat);
        }

        boolean tryAcquire(long now, long interval, long tolerance) {
            while (true) {
                long tat = get();
                if (tat - tolerance - now > 0) {
                    return false; // differences, not comparisons: nanoTime may wrap
                }
                long next = (tat - now > 0 ? tat : now) + interval;
                if (compareAndSet(tat, next)) {
                    return true;
                }
            }
        }
    }
}
