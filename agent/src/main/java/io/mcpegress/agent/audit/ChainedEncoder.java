package io.mcpegress.agent.audit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Makes the audit trail tamper-evident: every line gets the next sequence number of this process
 * run and the hash of the previous line, then its own hash (SHA-256, or HMAC-SHA256 when a key is
 * configured) over the whole line with the hash value zeroed. Deleting, reordering or editing a
 * line breaks the chain; {@code java -jar mcp-egress-agent.jar verify} finds where.
 *
 * <p>Stamped at encode time, which the pipeline does on the writer thread in write order, so every
 * sink (and a spool that stores encoded lines) gets the identical stamped bytes. A line that then
 * fails in every sink leaves a sequence gap, which is the truth: it is not in the trail.
 */
public final class ChainedEncoder implements AuditEncoder {

    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

    private final ChainableEncoder inner;
    private final ChainStamp stamp;
    private final LineDigest digest;
    private final LineBuffer out = new LineBuffer();
    private long sequence;

    /** @param key HMAC key, or {@code null} for plain SHA-256 (detects edits, not a forger who recomputes) */
    public ChainedEncoder(ChainableEncoder inner, byte[] key) {
        this.inner = inner;
        this.digest = new LineDigest(key);
        this.stamp = new ChainStamp(UUID.randomUUID().toString(), digest.algorithm());
        inner.attach(stamp);
    }

    public String run() {
        return stamp.run();
    }

    @Override
    public ByteArrayOutputStream encode(AuditRecord record) throws IOException {
        stamp.advance(sequence + 1);
        ByteArrayOutputStream line = inner.encode(record);
        // the schema encoders write into a LineBuffer: stamp the hash into it in place, no copy
        LineBuffer stamped;
        if (line instanceof LineBuffer b) {
            stamped = b;
        } else {
            out.reset();
            line.writeTo(out);
            stamped = out;
        }
        byte[] bytes = stamped.array();
        int length = stamped.size();
        int end = bytes[length - 1] == '\n' ? length - 1 : length;
        int at = stamp.hashFieldAt(); // where the encoder wrote it; the search is for an encoder that did not say
        if (at < 0 || at + ChainStamp.HASH_FIELD.length > end
                || !java.util.Arrays.equals(bytes, at, at + ChainStamp.HASH_FIELD.length, ChainStamp.HASH_FIELD, 0, ChainStamp.HASH_FIELD.length)) {
            at = lastIndexOf(bytes, end, ChainStamp.HASH_FIELD);
        }
        if (at < 0) {
            throw new IOException("encoder wrote no hash placeholder: " + inner.getClass().getSimpleName());
        }
        byte[] hash = digest.hash(bytes, 0, end);
        int value = at + ChainStamp.HASH_FIELD.length - 1 - 64;
        for (int i = 0; i < hash.length; i++) {
            bytes[value + 2 * i] = HEX[(hash[i] >> 4) & 0xf];
            bytes[value + 2 * i + 1] = HEX[hash[i] & 0xf];
        }
        // advance only once the line exists: a failed encode does not consume a sequence number
        sequence++;
        stamp.chainTo(bytes, value);
        return stamped;
    }

    static int lastIndexOf(byte[] bytes, int end, byte[] needle) {
        outer:
        for (int i = end - needle.length; i >= 0; i--) {
            for (int j = 0; j < needle.length; j++) {
                if (bytes[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** SHA-256 or HMAC-SHA256 over a line; shared with the verifier so both compute the same. */
    static final class LineDigest {
        private final Mac mac;
        private final MessageDigest sha;
        private final byte[] result = new byte[32];

        LineDigest(byte[] key) {
            try {
                if (key != null) {
                    mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(key, "HmacSHA256"));
                    sha = null;
                } else {
                    mac = null;
                    sha = MessageDigest.getInstance("SHA-256");
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256/HMAC-SHA256 unavailable", e);
            }
        }

        String algorithm() {
            return mac != null ? ChainStamp.HMAC_SHA256 : ChainStamp.SHA256;
        }

        /** The 32-byte hash; the returned array is reused by the next call. */
        byte[] hash(byte[] bytes, int offset, int length) {
            try {
                if (mac != null) {
                    mac.update(bytes, offset, length);
                    mac.doFinal(result, 0);
                } else {
                    sha.update(bytes, offset, length);
                    sha.digest(result, 0, result.length);
                }
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("SHA-256/HMAC-SHA256 failed", e);
            }
            return result;
        }
    }

}
