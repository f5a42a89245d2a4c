package io.mcpegress.agent.audit.sink;

import javax.net.ssl.SSLContext;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sends each event as an RFC 5424 message (see {@link Rfc5424}) to a syslog receiver:
 * <ul>
 *   <li>{@code udp}: one datagram per message (RFC 5426). Fire and forget: losses are not seen.</li>
 *   <li>{@code tcp}: octet-counting framing, {@code LEN SP MSG} (RFC 6587 section 3.4.1).</li>
 *   <li>{@code tls}: the same framing inside TLS (RFC 5425), server certificate and name verified
 *       against the configured CA file or the JVM trust store.</li>
 * </ul>
 * Runs on the pipeline's writer thread only; connects lazily at the first write, never at start.
 * Frames of a batch are buffered and written at {@link #flush}. A failed write or flush drops the
 * connection, reconnects once at once and resends the batch (a receiver restart costs nothing, at
 * worst a duplicate); when that fails too, the error reaches the caller and further connection
 * attempts back off exponentially (100 ms doubling to 30 s) while writes fail fast. Before the
 * first frame of a batch the sink checks whether the receiver closed the connection while idle.
 * A write that blocks longer than the write timeout (receiver stopped reading) fails the same way,
 * so a stalled receiver cannot hold up the writer thread and with it the other sinks.
 */
public final class SyslogSink implements NetworkSink {

    public enum Transport { UDP, TCP, TLS }

    private final Transport transport;
    private final String host;
    private final int port;
    private final int facility;
    private final boolean bom;
    private final SSLContext sslContext;
    private final int connectTimeoutMillis;
    private final long writeTimeoutMillis;
    private final long minBackoffMillis;
    private final long maxBackoffMillis;
    private final long pid = ProcessHandle.current().pid();
    private final Set<InetSocketAddress> endpoints;

    private DatagramChannel udp;
    private Socket socket;
    private Socket rawSocket;
    private OutputStream out;
    private final List<byte[]> batch = new ArrayList<>();
    private boolean idleChecked;
    private long nextConnectAttempt;
    private long backoffMillis;
    private IOException lastFailure;

    private SyslogSink(Builder b) {
        this.transport = b.transport;
        this.host = b.host;
        this.port = b.port;
        this.facility = b.facility;
        this.bom = b.bom;
        this.sslContext = b.sslContext;
        this.connectTimeoutMillis = b.connectTimeoutMillis;
        this.writeTimeoutMillis = b.writeTimeoutMillis;
        this.minBackoffMillis = b.minBackoffMillis;
        this.maxBackoffMillis = b.maxBackoffMillis;
        this.endpoints = NetworkSink.resolve(host, port);
    }

    public static Builder builder(Transport transport, String host, int port) {
        return new Builder(transport, host, port);
    }

    @Override
    public void write(byte[] line, int offset, int length) throws IOException {
        byte[] message = Rfc5424.format(line, offset, length, facility, bom, pid);
        if (transport == Transport.UDP) {
            sendDatagram(message);
            return;
        }
        byte[] frame = Rfc5424.octetCounted(message);
        batch.add(frame);
        try {
            connectIfNeeded();
            if (!idleChecked) {
                idleChecked = true;
                if (peerClosed()) {
                    disconnect();
                    connectIfNeeded();
                }
            }
            send(frame, false);
        } catch (IOException e) {
            recover(e);
        }
    }

    /** A write (and flush) that a stalled receiver cannot block for longer than the write timeout. */
    private void send(byte[] frame, boolean flush) throws IOException {
        try (IoWatchdog.Guard guard = IoWatchdog.guard(rawSocket, writeTimeoutMillis)) {
            try {
                if (frame != null) {
                    out.write(frame);
                }
                if (flush) {
                    out.flush();
                }
            } catch (IOException e) {
                throw guard.timeout(e);
            }
        }
    }

    @Override
    public void flush() throws IOException {
        if (transport == Transport.UDP) {
            return;
        }
        try {
            if (!batch.isEmpty()) {
                connectIfNeeded();
                send(null, true);
            }
        } catch (IOException e) {
            recover(e);
            return;
        } finally {
            idleChecked = false;
        }
        batch.clear();
    }

    /**
     * One immediate reconnect and resend of the unflushed batch. When that fails the batch is
     * dropped (the caller counts the error) and the connection backs off.
     */
    private void recover(IOException first) throws IOException {
        boolean wasConnected = socket != null;
        disconnect();
        if (wasConnected) {
            try {
                connectIfNeeded();
                for (byte[] frame : batch) {
                    send(frame, false);
                }
                send(null, true);
                batch.clear();
                idleChecked = true;
                return;
            } catch (IOException second) {
                first.addSuppressed(second);
                disconnect();
            }
        }
        batch.clear();
        throw first;
    }

    private void sendDatagram(byte[] message) throws IOException {
        connectIfNeeded();
        try {
            try {
                udp.write(ByteBuffer.wrap(message));
            } catch (PortUnreachableException earlier) {
                // reports an ICMP error caused by an earlier datagram; this one was not sent yet
                udp.write(ByteBuffer.wrap(message));
            }
        } catch (IOException e) {
            disconnect();
            failed(e);
            throw e;
        }
    }

    private void connectIfNeeded() throws IOException {
        if (transport == Transport.UDP ? udp != null : socket != null) {
            return;
        }
        long now = System.nanoTime() / 1_000_000;
        if (lastFailure != null && now < nextConnectAttempt) {
            throw new IOException("syslog " + describeEndpoint() + " unavailable, next attempt in "
                    + (nextConnectAttempt - now) + " ms; last error: " + lastFailure.getMessage());
        }
        try {
            if (transport == Transport.UDP) {
                DatagramChannel ch = DatagramChannel.open();
                try {
                    ch.connect(new InetSocketAddress(host, port));
                } catch (IOException | RuntimeException e) {
                    TlsSupport.closeQuietly(ch);
                    throw e;
                }
                udp = ch;
            } else {
                Socket raw = TlsSupport.connectPlain(host, port, connectTimeoutMillis, connectTimeoutMillis);
                Socket s = raw;
                if (transport == Transport.TLS) {
                    try {
                        s = TlsSupport.layer(sslContext, raw, host, port);
                    } catch (IOException | RuntimeException e) {
                        TlsSupport.closeQuietly(raw);
                        throw e;
                    }
                }
                rawSocket = raw;
                socket = s;
                out = new BufferedOutputStream(s.getOutputStream(), 64 * 1024);
                idleChecked = true;
            }
            lastFailure = null;
            backoffMillis = 0;
        } catch (IOException e) {
            failed(e);
            throw new IOException("syslog " + describeEndpoint() + ": cannot connect: " + e, e);
        } catch (RuntimeException e) {
            IOException io = new IOException("syslog " + describeEndpoint() + ": cannot connect: " + e, e);
            failed(io);
            throw io;
        }
    }

    private void failed(IOException e) {
        lastFailure = e;
        backoffMillis = backoffMillis == 0 ? minBackoffMillis : Math.min(maxBackoffMillis, backoffMillis * 2);
        nextConnectAttempt = System.nanoTime() / 1_000_000 + backoffMillis;
    }

    /**
     * A syslog receiver never sends: a read that ends the stream means the receiver closed the
     * connection (restart, idle timeout) and the next write would be lost.
     */
    private boolean peerClosed() {
        try {
            int before = socket.getSoTimeout();
            socket.setSoTimeout(1);
            try {
                InputStream in = socket.getInputStream();
                return in.read() < 0;
            } finally {
                socket.setSoTimeout(before);
            }
        } catch (SocketTimeoutException alive) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private void disconnect() {
        TlsSupport.closeQuietly(socket);
        TlsSupport.closeQuietly(rawSocket);
        TlsSupport.closeQuietly(udp);
        socket = null;
        rawSocket = null;
        out = null;
        udp = null;
    }

    @Override
    public Set<InetSocketAddress> endpoints() {
        return endpoints;
    }

    @Override
    public String describeEndpoint() {
        return NetworkSink.hostPort(host, port);
    }

    @Override
    public String describe() {
        return "syslog:" + transport.name().toLowerCase(Locale.ROOT) + "://" + describeEndpoint();
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            disconnect();
        }
    }

    public static final class Builder {
        private final Transport transport;
        private final String host;
        private final int port;
        private int facility = 16;
        private boolean bom;
        private SSLContext sslContext;
        private int connectTimeoutMillis = 5_000;
        private long writeTimeoutMillis = 10_000;
        private long minBackoffMillis = 100;
        private long maxBackoffMillis = 30_000;

        private Builder(Transport transport, String host, int port) {
            this.transport = transport;
            this.host = host;
            this.port = port;
        }

        /** Syslog facility 0..23; default 16 (local0). */
        public Builder facility(int v) {
            if (v < 0 || v > 23) {
                throw new IllegalArgumentException("facility " + v);
            }
            this.facility = v;
            return this;
        }

        /** Put a UTF-8 BOM before the JSON message (RFC 5424 6.4); default off. */
        public Builder bom(boolean v) {
            this.bom = v;
            return this;
        }

        /** Trust for {@code tls}; default: the JVM's default trust store. */
        public Builder sslContext(SSLContext v) {
            this.sslContext = v;
            return this;
        }

        /** Trust the CA certificates (PEM) in this file for {@code tls}. */
        public Builder caFile(Path file) throws IOException, GeneralSecurityException {
            this.sslContext = TlsSupport.clientContext(file);
            return this;
        }

        public Builder connectTimeoutMillis(int v) {
            this.connectTimeoutMillis = v;
            return this;
        }

        /** How long one write or flush may block on a receiver that does not read; default 10 s. */
        public Builder writeTimeoutMillis(long v) {
            this.writeTimeoutMillis = Math.max(1, v);
            return this;
        }

        public Builder backoffMillis(long min, long max) {
            this.minBackoffMillis = min;
            this.maxBackoffMillis = max;
            return this;
        }

        public SyslogSink build() throws IOException, GeneralSecurityException {
            if (transport == Transport.TLS && sslContext == null) {
                sslContext = TlsSupport.clientContext(null);
            }
            return new SyslogSink(this);
        }
    }
}
