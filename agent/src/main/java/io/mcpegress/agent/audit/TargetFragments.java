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
     * Writes a target's fragments (each one or more whole fields) into the line: the encoder itself,
     * not a lambda per fragment (each lambda spins a class at first use).
     */
    interface FragmentWriter {
        void writeFragment(JsonLineWriter g, int part, RequestTarget t);
    }

    static final int SLOTS = 64;

    private final RequestTarget[] targets = new RequestTarget[SLOTS];
    private final byte[][][] fragments;
    private final int parts;
    /** Slot of the target of the line being encoded (set by {@link #select}). */
    private int slot;

    /** @param parts how many fragments an encoder keeps per target */
    TargetFragments(int parts) {
        this.parts = parts;
        this.fragments = new byte[SLOTS][][];
    }

    /** Makes {@code t} the target of the line being encoded; forgets another target in its slot. */
    void select(RequestTarget t) {
        slot = t.destinationHash() & (SLOTS - 1);
        RequestTarget held = targets[slot];
        if (held != t && (held == null || !held.sameDestination(t))) {
            targets[slot] = t;
            fragments[slot] = new byte[parts][];
        }
    }

    /**
     * Writes fragment {@code part} of the selected target: the bytes kept from an earlier line, or
     * encoded now by {@code writer} and kept (only a fragment that was written whole is kept: a
     * failure inside the writer throws before that).
     */
    void write(JsonLineWriter g, int part, RequestTarget t, FragmentWriter writer) {
        byte[] kept = fragments[slot][part];
        if (kept != null) {
            g.preEncodedFields(kept);
            return;
        }
        int from = g.fieldsStart();
        writer.writeFragment(g, part, t);
        fragments[slot][part] = g.copyFrom(from);
    }
}
