package io.mcpegress.agent.audit.sink;

import java.io.IOException;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bounds blocking socket writes, which {@code SO_TIMEOUT} does not cover: a receiver that stops
 * reading would otherwise block the sink's thread for good (for syslog, that is the pipeline's
 * writer thread). While a {@link Guard} is open, one shared daemon thread,
 * {@code mcp-egress-io-watchdog}, closes the raw socket once the deadline passes, which makes the
 * blocked call fail with an exception; {@link Guard#timeout} turns that into a clear message.
 */
final class IoWatchdog {

    private static final Set<Guard> GUARDS = ConcurrentHashMap.newKeySet();
    private static final long TICK_MILLIS = 100;
    private static Thread thread;

    private IoWatchdog() {
    }

    /** Starts guarding {@code socket} (the plain TCP socket, under any TLS layer). */
    static Guard guard(Socket socket, long timeoutMillis) {
        Guard g = new Guard(socket, System.nanoTime() + timeoutMillis * 1_000_000L, timeoutMillis);
        GUARDS.add(g);
        ensureRunning();
        return g;
    }

    private static synchronized void ensureRunning() {
        if (thread != null && thread.isAlive()) {
            return;
        }
        thread = new Thread(IoWatchdog::run, "mcp-egress-io-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    private static void run() {
        while (true) {
            try {
                Thread.sleep(TICK_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            for (Guard g : GUARDS) {
                if (now - g.deadlineNanos > 0) {
                    g.expired = true;
                    GUARDS.remove(g);
                    TlsSupport.closeQuietly(g.socket);
                }
            }
        }
    }

    static final class Guard implements AutoCloseable {
        private final Socket socket;
        private final long deadlineNanos;
        private final long timeoutMillis;
        private volatile boolean expired;

        private Guard(Socket socket, long deadlineNanos, long timeoutMillis) {
            this.socket = socket;
            this.deadlineNanos = deadlineNanos;
            this.timeoutMillis = timeoutMillis;
        }

        /** The failure to report: a timeout when the watchdog closed the socket, else {@code e}. */
        IOException timeout(IOException e) {
            if (!expired) {
                return e;
            }
            IOException t = new IOException("write timed out after " + timeoutMillis + " ms (receiver not reading)");
            t.addSuppressed(e);
            return t;
        }

        @Override
        public void close() {
            GUARDS.remove(this);
        }
    }
}
