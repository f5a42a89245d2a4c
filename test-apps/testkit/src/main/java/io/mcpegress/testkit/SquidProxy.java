package io.mcpegress.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Squid forward proxy (the Debian package, {@code /usr/sbin/squid}) running in the
 * foreground in a private temp directory and listening on {@code 127.0.0.1:<free port>}.
 *
 * <p>Why a real Squid: the agent must interoperate with a production proxy (absolute-form
 * requests, CONNECT tunnels, hop-by-hop header handling), which a hand-written fake would hide.
 *
 * <p>Why {@code tcp_outgoing_address 127.0.0.2}: Squid opens its upstream connections from
 * 127.0.0.2, so the {@link TargetServer} can prove from the destination side whether a request
 * was proxied (peer 127.0.0.2) or went direct (peer 127.0.0.1).
 *
 * <p>Starting Squid takes ~0.5 s, so tests normally use {@link #shared()}, which is started
 * lazily once per JVM and stopped by a shutdown hook.
 */
public final class SquidProxy implements AutoCloseable {

    /** Address Squid uses for its connections to destinations. */
    public static final String OUTGOING_ADDRESS = "127.0.0.2";
    /** Address Squid listens on. */
    public static final String LISTEN_HOST = "127.0.0.1";

    private static final Path SQUID_BINARY =
            Path.of(System.getProperty("mcp.egress.it.squid", "/usr/sbin/squid"));
    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    private static final int START_ATTEMPTS = 3;

    private static SquidProxy shared;
    private static RuntimeException sharedFailure;

    private final Path dir;
    private final Path config;
    private final int port;
    private final Process process;
    private final boolean isShared;
    private volatile boolean closed;

    private SquidProxy(Path dir, Path config, int port, Process process, boolean isShared) {
        this.dir = dir;
        this.config = config;
        this.port = port;
        this.process = process;
        this.isShared = isShared;
    }

    /**
     * The per-JVM shared instance. {@link #close()} on it is a no-op; it is stopped by a JVM
     * shutdown hook. A start failure is remembered so later callers fail fast with the same cause.
     */
    public static synchronized SquidProxy shared() {
        if (sharedFailure != null) {
            throw sharedFailure;
        }
        if (shared == null) {
            try {
                shared = doStart(true);
            } catch (RuntimeException e) {
                sharedFailure = e;
                throw e;
            }
            SquidProxy instance = shared;
            Runtime.getRuntime().addShutdownHook(new Thread(instance::stop, "squid-proxy-shutdown"));
        }
        return shared;
    }

    /** Starts a new private Squid; the caller must {@link #close()} it. */
    public static SquidProxy start() {
        return doStart(false);
    }

    private static SquidProxy doStart(boolean isShared) {
        if (!Files.isExecutable(SQUID_BINARY)) {
            throw new IllegalStateException("Squid is required for the integration tests but " + SQUID_BINARY
                    + " is missing or not executable. Install it with: apt-get install squid");
        }
        IllegalStateException last = null;
        // Retry because the free port we picked can be taken by someone else before Squid binds it.
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(isShared);
            } catch (IllegalStateException e) {
                last = e;
                if (!String.valueOf(e.getMessage()).contains("Address already in use")) {
                    break;
                }
            }
        }
        throw last;
    }

    private static SquidProxy startOnce(boolean isShared) {
        int port = FreePorts.find();
        Path dir;
        Path config;
        try {
            dir = Files.createTempDirectory("mcp-egress-squid-");
            // Squid starts as root but drops to cache_effective_user ("proxy" on Debian) before
            // writing its logs, so the directory must be writable for that user too.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
            config = dir.resolve("squid.conf");
            Files.writeString(config, config(dir, port), StandardCharsets.UTF_8);
            Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the Squid directory", e);
        }

        Process process;
        try {
            // -N: stay in the foreground (no daemon, no SMP kids) so we own the process.
            process = new ProcessBuilder(SQUID_BINARY.toString(), "-N", "-f", config.toString())
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("squid.out").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + SQUID_BINARY, e);
        }
        SquidProxy proxy = new SquidProxy(dir, config, port, process, isShared);

        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                String diagnostics = proxy.diagnostics();
                proxy.stop();
                throw new IllegalStateException("Squid exited with code " + process.exitValue()
                        + " during startup.\n" + diagnostics);
            }
            // Both checks: a listening port alone could belong to someone who grabbed it first.
            if (proxy.cacheLog().contains("Accepting HTTP Socket connections")
                    && FreePorts.isListening(LISTEN_HOST, port) && process.isAlive()) {
                return proxy;
            }
            FreePorts.sleep(50);
        }
        String diagnostics = proxy.diagnostics();
        proxy.stop();
        throw new IllegalStateException("Squid did not accept connections on " + LISTEN_HOST + ":" + port
                + " within " + START_TIMEOUT.toSeconds() + " s.\n" + diagnostics);
    }

    /** The generated squid.conf. Each line is there for a reason documented next to it. */
    static String config(Path dir, int port) {
        return String.join("\n",
                "# generated by io.mcpegress.testkit.SquidProxy",
                "http_port " + LISTEN_HOST + ":" + port,
                // no reliance on the container's hostname being resolvable
                "visible_hostname mcp-egress-testkit",
                // allow everything from loopback, including CONNECT to any (random high) port:
                // the stock config's Safe_ports/SSL_ports rules are deliberately absent
                "acl loopback src 127.0.0.0/8 ::1",
                "http_access allow loopback",
                "http_access deny all",
                // the destination sees proxied connections coming from 127.0.0.2
                "tcp_outgoing_address " + OUTGOING_ADDRESS,
                // never answer from cache: every request must reach the target; no cache_dir = no disk cache
                "cache deny all",
                "cache_mem 0 MB",
                "logformat egress %rm %ru %>Hs %>a",
                "access_log stdio:" + dir.resolve("access.log") + " egress",
                "buffered_logs off",
                "cache_log " + dir.resolve("cache.log"),
                "cache_store_log none",
                "pid_filename " + dir.resolve("squid.pid"),
                "coredump_dir " + dir,
                // avoid state files / helpers that would touch /var
                "netdb_filename none",
                "pinger_enable off",
                // targets are IP literals (or names from /etc/hosts): no DNS server needed
                "dns_nameservers 127.0.0.1",
                // containers often report a huge fd limit; Squid would allocate tables for all of them
                "max_filedescriptors 1024",
                // fail fast when a test points at a closed port
                "connect_timeout 5 seconds",
                "shutdown_lifetime 0 seconds",
                "");
    }

    public String host() {
        return LISTEN_HOST;
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:PORT} */
    public String url() {
        return "http://" + LISTEN_HOST + ":" + port;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(LISTEN_HOST, port);
    }

    /** Convenience for {@code HttpClient.newBuilder().proxy(...)}. */
    public ProxySelector proxySelector() {
        return ProxySelector.of(address());
    }

    /** The address destinations see for proxied connections (127.0.0.2). */
    public String outgoingAddress() {
        return OUTGOING_ADDRESS;
    }

    public Path directory() {
        return dir;
    }

    public Path accessLogFile() {
        return dir.resolve("access.log");
    }

    public Path cacheLogFile() {
        return dir.resolve("cache.log");
    }

    /**
     * Raw access-log lines, format {@code METHOD URL-or-AUTHORITY STATUS CLIENT-IP}, e.g.
     * {@code GET http://127.0.0.1:8080/x 200 127.0.0.1} or {@code CONNECT 127.0.0.1:8443 200 127.0.0.1}.
     *
     * <p>Squid writes a line when a transaction ENDS: a CONNECT tunnel only shows up once the client
     * closes the tunnel connection. Use {@link #awaitAccessLog} for anything asynchronous.
     */
    public List<String> accessLogLines() {
        Path file = accessLogFile();
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .filter(line -> !line.isBlank())
                    .collect(Collectors.toUnmodifiableList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parsed form of {@link #accessLogLines()}. */
    public List<AccessLogEntry> accessLog() {
        return accessLogLines().stream().map(AccessLogEntry::parse).collect(Collectors.toUnmodifiableList());
    }

    /**
     * Waits until at least one access-log line matches, returns all matching lines, or throws an
     * AssertionError listing the whole log.
     */
    public List<String> awaitAccessLog(Predicate<String> matcher, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<String> matching = accessLogLines().stream().filter(matcher).collect(Collectors.toList());
            if (!matching.isEmpty()) {
                return matching;
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("no matching Squid access-log line within " + timeout
                        + "; access.log:\n" + String.join("\n", accessLogLines()));
            }
            FreePorts.sleep(50);
        }
    }

    /** cache.log content, useful in failure messages. */
    public String cacheLog() {
        return readQuietly(cacheLogFile());
    }

    private String diagnostics() {
        return "--- squid.conf ---\n" + readQuietly(config)
                + "\n--- cache.log ---\n" + readQuietly(cacheLogFile())
                + "\n--- squid stdout/stderr ---\n" + readQuietly(dir.resolve("squid.out"));
    }

    /** Stops a private instance. No-op for {@link #shared()} (its shutdown hook stops it). */
    @Override
    public void close() {
        if (!isShared) {
            stop();
        }
    }

    private synchronized void stop() {
        if (closed) {
            return;
        }
        closed = true;
        // SIGKILL on purpose: Squid's staged shutdown takes 2-3 s even with shutdown_lifetime 0,
        // and there is nothing to flush (no cache, unbuffered logs). Kill descendants too, in
        // case a helper was spawned, so nothing is left behind.
        List<ProcessHandle> descendants = process.descendants().collect(Collectors.toList());
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        try {
            process.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // best effort
        }
        deleteRecursively(dir);
    }

    private static String readQuietly(Path file) {
        try {
            return Files.exists(file) ? new String(Files.readAllBytes(file), StandardCharsets.UTF_8) : "<missing " + file + ">";
        } catch (IOException e) {
            return "<unreadable " + file + ": " + e + ">";
        }
    }

    static void deleteRecursively(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            List<Path> all = new ArrayList<>(paths.collect(Collectors.toList()));
            all.sort(Comparator.reverseOrder());
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        } catch (IOException ignored) {
            // temp files only; leaving some behind is harmless
        }
    }

    @Override
    public String toString() {
        return "SquidProxy[" + url() + ", dir=" + dir + (closed ? ", closed" : "") + "]";
    }

    /** One access-log line: {@code METHOD URL STATUS CLIENT}. status is -1 when Squid logged none. */
    public record AccessLogEntry(String method, String url, int status, String clientAddress) {

        static AccessLogEntry parse(String line) {
            String[] parts = line.trim().split("\\s+");
            String method = parts.length > 0 ? parts[0] : "";
            String url = parts.length > 1 ? parts[1] : "";
            int status = -1;
            if (parts.length > 2) {
                try {
                    status = Integer.parseInt(parts[2]);
                } catch (NumberFormatException ignored) {
                    // "-" for aborted transactions
                }
            }
            String client = parts.length > 3 ? parts[3] : "";
            return new AccessLogEntry(method, url, status, client);
        }
    }
}
