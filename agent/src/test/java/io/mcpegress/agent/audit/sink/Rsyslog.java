package io.mcpegress.agent.audit.sink;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real rsyslogd for tests, on 127.0.0.1 only: imudp, imtcp and (with certificates) imtcp over
 * GnuTLS, writing every message it receives to a file as
 * {@code inputname|PRI|TIMESTAMP|HOSTNAME|APP-NAME|PROCID|MSGID|STRUCTURED-DATA|MSG}.
 *
 * <p>Installs the Debian packages {@code rsyslog} and {@code rsyslog-gnutls} when they are
 * missing (the tests run as root; {@code apt-get update} only if the first install fails). When
 * that is impossible the calling test is skipped, with the reason. The daemon is always stopped
 * by {@link #close} and, as a safety net, by a JVM shutdown hook.
 */
final class Rsyslog implements AutoCloseable {

    static final Path RSYSLOGD = Path.of("/usr/sbin/rsyslogd");
    static final String FIELD_SEPARATOR = "|";

    final Path dir;
    final Path output;
    final int udpPort;
    final int tcpPort;
    final int tlsPort;
    private final Path conf;
    private final TestCerts certs;
    private Process process;
    private final Thread reaper;

    private Rsyslog(Path dir, int udpPort, int tcpPort, int tlsPort, TestCerts certs) {
        this.dir = dir;
        this.output = dir.resolve("received.log");
        this.conf = dir.resolve("rsyslog.conf");
        this.udpPort = udpPort;
        this.tcpPort = tcpPort;
        this.tlsPort = tlsPort;
        this.certs = certs;
        this.reaper = new Thread(this::stop, "rsyslog-test-reaper");
        Runtime.getRuntime().addShutdownHook(reaper);
    }

    /** Starts rsyslogd with UDP and TCP inputs, plus TLS when {@code certs} is given. */
    static Rsyslog start(Path dir, TestCerts certs) throws Exception {
        ensureInstalled(certs != null);
        Files.createDirectories(dir);
        Rsyslog r = new Rsyslog(dir, TestSupport.freeUdpPort(), TestSupport.freeTcpPort(),
                certs == null ? -1 : TestSupport.freeTcpPort(), certs);
        r.writeConfig();
        r.launch();
        return r;
    }

    private void writeConfig() throws IOException {
        StringBuilder c = new StringBuilder();
        c.append("global(workDirectory=\"").append(dir).append("\" maxMessageSize=\"64k\"");
        if (certs != null) {
            c.append(" defaultNetstreamDriverCAFile=\"").append(certs.certPem).append('"')
                    .append(" defaultNetstreamDriverCertFile=\"").append(certs.certPem).append('"')
                    .append(" defaultNetstreamDriverKeyFile=\"").append(certs.keyPem).append('"');
        }
        c.append(")\n");
        c.append("module(load=\"imudp\")\n");
        c.append("module(load=\"imtcp\" maxSessions=\"50\")\n");
        c.append("input(type=\"imudp\" address=\"127.0.0.1\" port=\"").append(udpPort).append("\" name=\"udp\")\n");
        c.append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"").append(tcpPort).append("\" name=\"tcp\")\n");
        if (certs != null) {
            c.append("input(type=\"imtcp\" address=\"127.0.0.1\" port=\"").append(tlsPort)
                    .append("\" name=\"tls\" streamDriver.name=\"gtls\" streamDriver.mode=\"1\""
                            + " streamDriver.authMode=\"anon\")\n");
        }
        c.append("template(name=\"fields\" type=\"string\" string=\"%inputname%|%PRI%|%TIMESTAMP:::date-rfc3339%|"
                + "%HOSTNAME%|%APP-NAME%|%PROCID%|%MSGID%|%STRUCTURED-DATA%|%msg%\\n\")\n");
        c.append("action(type=\"omfile\" file=\"").append(output).append("\" template=\"fields\")\n");
        Files.writeString(conf, c.toString());
    }

    private void launch() throws Exception {
        Path pid = dir.resolve("rsyslogd.pid");
        Files.deleteIfExists(pid);
        process = new ProcessBuilder(RSYSLOGD.toString(), "-n", "-f", conf.toString(), "-i", pid.toString())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("rsyslogd.out").toFile()))
                .start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!listening(tcpPort) || tlsPort > 0 && !listening(tlsPort)) {
            if (!process.isAlive()) {
                throw new IOException("rsyslogd exited with " + process.exitValue() + ": " + log());
            }
            if (System.nanoTime() - end > 0) {
                stop();
                throw new IOException("rsyslogd did not listen within 10 s: " + log());
            }
            Thread.sleep(25);
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Stops the daemon (SIGTERM, then SIGKILL after 5 s). Safe to call more than once. */
    synchronized void stop() {
        Process p = process;
        process = null;
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the daemon again with the same configuration and ports. */
    synchronized void restart() throws Exception {
        stop();
        launch();
    }

    String log() {
        try {
            return Files.readString(dir.resolve("rsyslogd.out"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** Lines received so far. */
    List<String> lines() {
        try {
            if (!Files.exists(output)) {
                return List.of();
            }
            List<String> all = Files.readAllLines(output, StandardCharsets.UTF_8);
            return new ArrayList<>(all);
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Waits until {@code n} received lines contain {@code marker}; returns those lines. */
    List<String> await(String marker, int n, long timeoutMillis) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (true) {
            List<String> found = new ArrayList<>();
            for (String l : lines()) {
                if (l.contains(marker)) {
                    found.add(l);
                }
            }
            if (found.size() >= n || System.nanoTime() - end > 0) {
                return found;
            }
            Thread.sleep(25);
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs anyway
        }
    }

    // ---- installation ------------------------------------------------------------------------

    static synchronized void ensureInstalled(boolean tls) {
        if (installed(tls)) {
            return;
        }
        String packages = tls ? "rsyslog rsyslog-gnutls" : "rsyslog";
        String first = run("apt-get install -y -q " + packages);
        if (!installed(tls)) {
            String second = run("apt-get update -q && apt-get install -y -q " + packages);
            Assumptions.assumeTrue(installed(tls), () -> "rsyslog" + (tls ? " with GnuTLS" : "")
                    + " is not installed and could not be installed: " + tail(first) + " / " + tail(second));
        }
    }

    private static boolean installed(boolean tls) {
        if (!Files.isExecutable(RSYSLOGD)) {
            return false;
        }
        if (!tls) {
            return true;
        }
        for (String d : new String[] {"/usr/lib/x86_64-linux-gnu/rsyslog", "/usr/lib/aarch64-linux-gnu/rsyslog",
            "/usr/lib/rsyslog", "/usr/lib64/rsyslog"}) {
            if (Files.exists(Path.of(d, "lmnsd_gtls.so"))) {
                return true;
            }
        }
        return false;
    }

    private static String run(String command) {
        try {
            ProcessBuilder pb = new ProcessBuilder("timeout", "280", "sh", "-c", command).redirectErrorStream(true);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timed out";
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e.toString();
        }
    }

    private static String tail(String s) {
        return s.length() > 300 ? s.substring(s.length() - 300) : s;
    }
}
