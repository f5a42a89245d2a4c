package io.mcpegress.agent.audit.sink;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

/** TLS client plumbing for the network sinks: JDK only, hostname verification always on. */
final class TlsSupport {

    private TlsSupport() {
    }

    /**
     * A client context trusting the PEM (or DER) certificates in {@code caFile}, or the JVM's
     * default trust store when {@code caFile} is {@code null}.
     */
    static SSLContext clientContext(Path caFile) throws IOException, GeneralSecurityException {
        if (caFile == null) {
            return SSLContext.getDefault();
        }
        Collection<? extends Certificate> certs;
        try (InputStream in = Files.newInputStream(caFile)) {
            certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
        if (certs.isEmpty()) {
            throw new GeneralSecurityException("no certificate in " + caFile);
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        int i = 0;
        for (Certificate c : certs) {
            trust.setCertificateEntry("ca-" + i++, c);
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    /**
     * Plain TCP connection with a connect timeout, Nagle off and a read timeout. Always direct
     * ({@link Proxy#NO_PROXY}): a SOCKS proxy the application configured, or any ProxySelector,
     * is never consulted for the agent's own traffic.
     */
    static Socket connectPlain(String host, int port, int connectTimeoutMillis, int readTimeoutMillis) throws IOException {
        Socket plain = new Socket(Proxy.NO_PROXY);
        try {
            plain.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
            plain.setTcpNoDelay(true);
            plain.setSoTimeout(readTimeoutMillis > 0 ? readTimeoutMillis : connectTimeoutMillis);
            return plain;
        } catch (IOException | RuntimeException e) {
            closeQuietly(plain);
            throw e;
        }
    }

    /** TLS on a connected socket; closing the TLS socket closes the plain one. */
    static SSLSocket layer(SSLContext ctx, Socket plain, String host, int port) throws IOException {
        SSLSocket tls = (SSLSocket) ctx.getSocketFactory().createSocket(plain, host, port, true);
        SSLParameters params = tls.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(params);
        tls.setUseClientMode(true);
        tls.startHandshake();
        return tls;
    }

    static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a broken connection
            }
        }
    }
}
