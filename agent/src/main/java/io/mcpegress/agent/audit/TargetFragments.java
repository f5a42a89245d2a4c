package io.mcpegress.agent.audit;

/**
 * The parts of an audit line that follow from the request target alone, kept encoded: the URL
 * object per target, the destination per host and port. An MCP server calls the same few
 * endpoints over and over, and writing them char by char, with the query redacted and the full
 * URL joined, was a fifth of the writer's CPU per event. A line with a target seen before copies
 * the bytes in instead.
 *
 * <p>URL objects are direct-mapped: {@link #SLOTS} targets, a new one replaces whichever target
 * had its slot, so memory stays bounded however many URLs an application calls. Targets are
 * compared by their parts, never by identity (clients build a new URL per call). The kept bytes
 * are redacted like every line; the kept targets still hold the raw query for the comparison, as
 * the event did, so a secret in a query stays reachable until another destination takes its
 * slot. Used by one encoder on the writer thread; not thread-safe.
 */
final class TargetFragments {

    /**
     * What an encoder writes for a target it has not kept yet: the encoder itself, not a lambda per
     * fragment (each lambda spins a class at first use).
     */
    interface FragmentWriter {
        /** The URL object: the redacted full URL and its parts. */
        void writeUrlFields(JsonLineWriter g, RequestTarget t);

        /** The destination object: host or IP, port. */
        void writeDestinationFields(JsonLineWriter g, RequestTarget t);
    }

    static final int SLOTS = 64;

    private final RequestTarget[] targets = new RequestTarget[SLOTS];
    /** Per slot, the kept URL object of its target: null until the target came a second time. */
    private final byte[][] urls = new byte[SLOTS][];
    /** Slot of the target of the line being encoded (set by {@link #select}). */
    private int slot;
    /** Whether the selected target was in its slot already, so its URL object is worth keeping. */
    private boolean repeated;
    /** The destination depends on host and port alone: one entry serves every path of a host. */
    private final FragmentMemo destination = new FragmentMemo();

    /**
     * Makes {@code t} the target of the line being encoded; forgets another target in its slot. A
     * target is admitted on its second line, not its first: a URL called once (a different query
     * per call) would only cost a copy and the garbage of a fragment never used.
     */
    void select(RequestTarget t) {
        slot = t.destinationHash() & (SLOTS - 1);
        RequestTarget held = targets[slot];
        repeated = held == t || held != null && held.sameDestination(t);
        if (!repeated) {
            targets[slot] = t;
            urls[slot] = null;
        }
    }

    /** The URL object of the selected target: kept bytes, or written by {@code writer} now (and kept if repeated). */
    void writeUrl(JsonLineWriter g, RequestTarget t, FragmentWriter writer) {
        byte[] kept = urls[slot];
        if (kept != null) {
            g.preEncodedFields(kept);
            return;
        }
        int from = g.fieldsStart();
        writer.writeUrlFields(g, t);
        if (repeated) {
            urls[slot] = g.copyFrom(from); // a writer that failed threw before this: only whole fragments are kept
        }
    }

    /** The destination object of the selected target: kept bytes while the host and port are the same. */
    void writeDestination(JsonLineWriter g, RequestTarget t, FragmentWriter writer) {
        if (!destination.copy(g, t.host(), null, null, t.port())) {
            int from = FragmentMemo.start(g);
            writer.writeDestinationFields(g, t);
            destination.keep(g, from, t.host(), null, null, t.port());
        }
    }
}
