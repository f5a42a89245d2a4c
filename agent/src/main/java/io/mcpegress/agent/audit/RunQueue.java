package io.mcpegress.agent.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How many threads the whole machine has ready to run, against its CPUs: the fourth field of
 * Linux's {@code /proc/loadavg} (runnable now, this one included), read with one {@code pread}
 * into a buffer kept for it. Elsewhere, or if the files cannot be read, it never reports overload.
 *
 * <p>The machine's CPUs, not {@link Runtime#availableProcessors()}: the count is machine-wide, and
 * a container limited to two CPUs on a big host would otherwise look overloaded whenever the host
 * is busy. Writer thread only; not thread-safe.
 */
class RunQueue {

    private static final Path LOADAVG = Path.of("/proc/loadavg");
    private static final Path ONLINE_CPUS = Path.of("/sys/devices/system/cpu/online");

    private final FileChannel loadavg;
    private final int cpus;
    private final ByteBuffer buffer = ByteBuffer.allocate(128);

    private RunQueue(FileChannel loadavg, int cpus) {
        this.loadavg = loadavg;
        this.cpus = cpus;
    }

    /** The machine's run queue, or {@code null} where it cannot be read (not Linux, no procfs). */
    static RunQueue open() {
        try {
            int cpus = countCpus(Files.readString(ONLINE_CPUS, StandardCharsets.US_ASCII).trim());
            RunQueue q = new RunQueue(FileChannel.open(LOADAVG), cpus);
            return cpus > 0 && q.runnable() > 0 ? q : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** CPUs in a kernel CPU list such as {@code 0-3,8,10-11}; 0 if it is not one. */
    static int countCpus(String list) {
        int count = 0;
        for (String range : list.split(",")) {
            int dash = range.indexOf('-');
            int first = Integer.parseInt(range.substring(0, dash < 0 ? range.length() : dash));
            int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
            count += last - first + 1;
        }
        return count;
    }

    /**
     * Whether more than twice as many threads as CPUs are ready to run right now. Twice: at the
     * writer's wake-ups with one client thread, 3 to 5 were runnable on 2 CPUs most of the time
     * (JVM and kernel threads come and go); with 8 client threads, 7 to 12.
     */
    boolean overloaded() {
        return runnable() > 2 * cpus;
    }

    /** Runnable threads on the machine now, or -1 if the file could not be read or parsed. */
    int runnable() {
        try {
            buffer.clear();
            int n = loadavg.read(buffer, 0);
            return parseRunnable(buffer.array(), n);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The {@code R} of {@code "0.42 0.31 0.27 R/T pid"}, or -1. */
    static int parseRunnable(byte[] b, int length) {
        int i = 0;
        for (int spaces = 0; spaces < 3; i++) {
            if (i >= length) {
                return -1;
            }
            if (b[i] == ' ') {
                spaces++;
            }
        }
        int value = 0;
        int digits = 0;
        for (; i < length && b[i] >= '0' && b[i] <= '9'; i++, digits++) {
            value = value * 10 + (b[i] - '0');
        }
        return digits > 0 && i < length && b[i] == '/' ? value : -1;
    }
}
