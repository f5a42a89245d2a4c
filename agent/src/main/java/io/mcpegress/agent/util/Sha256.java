package io.mcpegress.agent.util;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** SHA-256 of some bytes, for content hashes (configuration, policy file, document ids). */
public final class Sha256 {

    private Sha256() {
    }

    public static byte[] digest(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** 64 lower-case hex digits. */
    public static String hex(byte[] bytes) {
        return java.util.HexFormat.of().formatHex(digest(bytes));
    }
}
