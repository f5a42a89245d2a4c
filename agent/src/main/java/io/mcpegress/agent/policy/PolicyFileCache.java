package io.mcpegress.agent.policy;

import io.mcpegress.agent.util.CheckedEntry;

import java.io.IOException;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Keeps the document tree of a valid policy file for the next start, keyed by the file's exact
 * bytes: parsing YAML is most of a policy's start-up cost (SnakeYAML's ~100 classes are loaded,
 * verified and run interpreted: ~50 ms for 50 rules on 2 cores), reading the stored tree is a few
 * hundred microseconds. An entry holds the whole file it was made from and is used only when
 * that matches byte for byte and its checksum holds; anything else is parsed as usual. The reader
 * checks a stored tree like a parsed one, so a policy's meaning never depends on the cache.
 */
public final class PolicyFileCache {

    /** Where entries live: the agent's start-up cache directory (owned by this user, 0700). */
    public interface Store {
        /** The file's bytes, or null when it is missing or unreadable. */
        byte[] read(String name);

        /** Stores the bytes under this name; a failure only costs the next start the parse. */
        void write(String name, byte[] bytes);
    }

    private static final int MAGIC = 0x4d455054; // "MEPT"
    private static final int FORMAT = 1;

    private PolicyFileCache() {
    }

    static String entryName(byte[] file) {
        CRC32C crc = new CRC32C();
        crc.update(file);
        return "policy_" + Integer.toHexString(file.length) + '_' + Long.toHexString(crc.getValue()) + ".tree";
    }

    /** The stored tree of exactly this file, or null. */
    static PolicyTree lookup(Store store, byte[] file) {
        return CheckedEntry.read(store.read(entryName(file)), MAGIC, FORMAT, in -> {
            int length = in.readInt();
            if (length != file.length || !Arrays.equals(in.readNBytes(length), file)) {
                return null;
            }
            return PolicyTree.readFrom(in);
        });
    }

    static void store(Store store, byte[] file, PolicyTree tree) {
        try {
            store.write(entryName(file), CheckedEntry.seal(MAGIC, FORMAT, file.length * 2 + 64, out -> {
                out.writeInt(file.length);
                out.write(file);
                tree.writeTo(out);
            }));
        } catch (IOException | RuntimeException e) {
            // the next start parses the file again
        }
    }
}
