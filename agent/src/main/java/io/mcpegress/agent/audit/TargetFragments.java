package io.mcpegress.agent.audit;

/**
 * The parts of an audit line that follow from the request target alone (the URL object, the
 * destination), kept encoded per target: an MCP server calls the same few endpoints over and over,
 * and writing them char by char, with the query redacted and the full URL joined, was a fifth of
 * the writer's CPU per event. A line with a target seen before copies the bytes in instead.
 *
 * <p>Direct-mapped: {@link #SLOTS} targets, a new one replaces whichever target had its slot, so
 * memory stays bounded however many URLs an application calls. Targets are compared by their
 * parts, never by identity (clients build a new URL per call). The kept bytes are redacted like
 * every line; the kept targets still hold the raw query for the comparison, as the event did, so
 * a secret in a query stays reachable until another destination takes its slot. Used by one
 * encoder on the writer thread; not thread-safe.
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

    private static final int URL = 0;
    private static final int DESTINATION = 1;
    private static final int PARTS = 2;

    static final int SLOTS = 64;

    private final RequestTarget[] targets = new RequestTarget[SLOTS];
    /** Per slot, the kept {@link #URL} and {@link #DESTINATION} bytes of its target (null until written). */
    private final byte[][][] fragments = new byte[SLOTS][][];
    /** Slot of the target of the line being encoded (set by {@link #select}). */
    private int slot;

    /** Makes {@code t} the target of the line being encoded; forgets another target in its slot. */
    void select(RequestTarget t) {
        slot = t.destinationHash() & (SLOTS - 1);
        RequestTarget held = targets[slot];
        if (held != t && (held == null || !held.sameDestination(t))) {
            targets[slot] = t;
            fragments[slot] = new byte[PARTS][];
        }
    }

    /** The URL object of the selected target: kept bytes, or written by {@code writer} now and kept. */
    void writeUrl(JsonLineWriter g, RequestTarget t, FragmentWriter writer) {
        if (!copyKept(g, URL)) {
            int from = g.fieldsStart();
            writer.writeUrlFields(g, t);
            keep(g, URL, from);
        }
    }

    /** The destination object of the selected target, likewise. */
    void writeDestination(JsonLineWriter g, RequestTarget t, FragmentWriter writer) {
        if (!copyKept(g, DESTINATION)) {
            int from = g.fieldsStart();
            writer.writeDestinationFields(g, t);
            keep(g, DESTINATION, from);
        }
    }

    private boolean copyKept(JsonLineWriter g, int part) {
        byte[] kept = fragments[slot][part];
        if (kept == null) {
            return false;
        }
        g.preEncodedFields(kept);
        return true;
    }

    /** Keeps what was written since {@code from}; a writer that failed threw before this, so only whole fragments are kept. */
    private void keep(JsonLineWriter g, int part, int from) {
        fragments[slot][part] = g.copyFrom(from);
    }
}
