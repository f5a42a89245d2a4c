package io.mcpegress.agent.audit;

/**
 * One encoded fragment of a line kept with the values it was written from: while the next line's
 * values are the same, its bytes are copied in instead of written field by field again. For the
 * parts of a line that take few values in a process: the HTTP method, status and version, the
 * client and route, the rule, the destination. A process mostly calls through one client, one
 * route, a few hosts, so a single entry holds; a miss costs only the writing it would have saved.
 *
 * <p>Values compare by {@code equals} (identity first), so the bytes always match what writing
 * would give. The fragment must write at least one field: an empty one would leave a stray comma.
 * Used by one encoder on the writer thread; not thread-safe.
 */
final class FragmentMemo {

    private Object a;
    private Object b;
    private Object c;
    private long n;
    private byte[] kept;

    /** Copies the kept bytes in and returns true when they were written from these values. */
    boolean copy(JsonLineWriter g, Object a, Object b, Object c, long n) {
        byte[] bytes = kept;
        if (bytes == null || n != this.n || !same(a, this.a) || !same(b, this.b) || !same(c, this.c)) {
            return false;
        }
        g.preEncodedFields(bytes);
        return true;
    }

    /** Where the fragment about to be written begins; pass it to {@link #keep} once written. */
    static int start(JsonLineWriter g) {
        return g.fieldsStart();
    }

    /** Keeps what was written since {@code from} for these values (a writer that failed threw before this). */
    void keep(JsonLineWriter g, int from, Object a, Object b, Object c, long n) {
        this.kept = g.copyFrom(from);
        this.a = a;
        this.b = b;
        this.c = c;
        this.n = n;
    }

    private static boolean same(Object x, Object y) {
        return x == y || x != null && x.equals(y);
    }
}
