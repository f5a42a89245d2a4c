package io.mcpegress.agent.audit;

import java.nio.charset.StandardCharsets;

/**
 * The tamper-evidence fields of the line being encoded, set by {@link ChainedEncoder} before it
 * calls the schema encoder, which writes them where its schema wants them (ECS:
 * {@code event.sequence}, {@code agent.ephemeral_id}, {@code mcp.egress.chain.*}; OCSF:
 * {@code metadata.sequence}, {@code unmapped.chain.*}). The hash is written as
 * {@link #HASH_PLACEHOLDER} under the key {@link #HASH_KEY} and patched in afterwards, so a
 * verifier recomputes it from the line alone: zero the value, hash the line.
 */
public final class ChainStamp {

    /** 64 zeros: the value of the hash field while the hash is computed. */
    public static final String HASH_PLACEHOLDER = "0".repeat(64);
    /** The key of the hash field; exactly one per line (JSON escapes any quote inside values). */
    public static final String HASH_KEY = "hash";
    public static final String SHA256 = "sha256";
    public static final String HMAC_SHA256 = "hmac-sha256";

    /** {@code "hash":"000…"}: the field the hash is patched into. */
    static final byte[] HASH_FIELD = ("\"" + HASH_KEY + "\":\"" + HASH_PLACEHOLDER + "\"")
            .getBytes(StandardCharsets.US_ASCII);

    private final String run;
    /** The chain object's opening and its fields that never change (algorithm, run), as first encoded. */
    private byte[] encodedHead;
    private final String algorithm;
    private long sequence;
    /** The previous line's hash as 64 hex ASCII bytes: copied into the line, no String per event. */
    private final byte[] prevHash = HASH_PLACEHOLDER.getBytes(StandardCharsets.US_ASCII);
    /** Where this line's {@link #HASH_FIELD} begins, once written; -1 before. */
    private int hashFieldAt = -1;

    /**
     * The {@code chain} object (algorithm, run, previous hash, this line's hash placeholder) into
     * the object the writer has open; nothing when the trail is not chained.
     */
    static void writeChainObject(JsonLineWriter g, ChainStamp chain) {
        if (chain != null) {
            byte[] head = chain.encodedHead;
            if (head != null) {
                g.preEncodedFields(head);
            } else {
                int from = g.fieldsStart();
                g.startObject(Fields.CHAIN);
                g.string(Fields.ALG, chain.algorithm());
                g.string(Fields.RUN, chain.run());
                chain.encodedHead = g.copyFrom(from);
            }
            g.asciiString(Fields.PREV_HASH, chain.prevHash, 0, chain.prevHash.length);
            g.preEncodedFields(HASH_FIELD);
            chain.hashFieldAt = g.position() - HASH_FIELD.length;
            g.endObject();
        }
    }

    ChainStamp(String run, String algorithm) {
        this.run = run;
        this.algorithm = algorithm;
    }

    /** Random id of this process run; groups its events across rotated files and appending runs. */
    public String run() {
        return run;
    }

    /** {@value #SHA256} or {@value #HMAC_SHA256} (a key is configured). */
    public String algorithm() {
        return algorithm;
    }

    /** 1 for the first line of the run, +1 per line, in write order. */
    public long sequence() {
        return sequence;
    }

    /** Hash of the previous line of the run; {@link #HASH_PLACEHOLDER} for the first. */
    public String prevHash() {
        return new String(prevHash, StandardCharsets.US_ASCII);
    }

    /** Where the line encoded last put its {@link #HASH_FIELD}: a hint, checked by the caller; -1 if none. */
    int hashFieldAt() {
        return hashFieldAt;
    }

    /** Next line, with the previous line's hash as 64 hex chars (for tests: the encoder uses {@link #chainTo}). */
    void advance(long sequence, String prevHashHex) {
        if (prevHashHex.length() != HASH_PLACEHOLDER.length()) {
            throw new IllegalArgumentException("a previous hash is 64 hex chars: " + prevHashHex);
        }
        advance(sequence);
        chainTo(prevHashHex.getBytes(StandardCharsets.US_ASCII), 0);
    }

    /** Next line: its sequence number; the previous hash stays what {@link #chainTo} recorded last. */
    void advance(long sequence) {
        this.sequence = sequence;
        this.hashFieldAt = -1;
    }

    /** The line just stamped becomes the previous one: its hash, 64 hex ASCII bytes at {@code offset}. */
    void chainTo(byte[] hex, int offset) {
        System.arraycopy(hex, offset, prevHash, 0, prevHash.length);
    }
}
