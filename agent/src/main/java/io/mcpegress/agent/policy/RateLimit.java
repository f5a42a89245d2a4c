package io.mcpegress.agent.policy;

import java.time.Duration;

/**
 * A rate limit as declared on a rule: {@code requests} per {@code per}, with bursts up to
 * {@code burst}. Each destination host (and, with {@code perTool}, each tool) has its own bucket.
 * Immutable; the buckets live in {@link RateLimiter}.
 */
public final class RateLimit {

    /** The longest period; longer windows are a quota, not a rate. */
    public static final Duration MAX_PER = Duration.ofHours(24);

    private final int requests;
    private final Duration per;
    private final int burst;
    private final boolean perTool;

    public RateLimit(int requests, Duration per, int burst, boolean perTool) {
        if (requests < 1 || burst < 1 || per.isNegative() || per.isZero() || per.compareTo(MAX_PER) > 0) {
            throw new IllegalArgumentException("requests and burst must be positive, per 1ms..24h");
        }
        this.requests = requests;
        this.per = per;
        this.burst = burst;
        this.perTool = perTool;
    }

    public int requests() {
        return requests;
    }

    public Duration per() {
        return per;
    }

    public int burst() {
        return burst;
    }

    public boolean perTool() {
        return perTool;
    }

    /** Time between two tokens. */
    long intervalNanos() {
        return Math.max(1, per.toNanos() / requests);
    }

    @Override
    public String toString() {
        return requests + " per " + format(per) + ", burst " + burst + (perTool ? ", per tool" : "");
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
