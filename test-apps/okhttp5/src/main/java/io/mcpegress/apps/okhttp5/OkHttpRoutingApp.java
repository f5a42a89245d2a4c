package io.mcpegress.apps.okhttp5;

import okhttp3.CertificatePinner;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * OkHttp configurations beyond the shared contract, each of which must still leave through the
 * agent's proxy with TLS end to end: a proxy of the application's own, a selector naming that proxy,
 * a custom SSL socket factory, a certificate pin that does not match (the call must fail: the TLS
 * session is with the real destination), and many clients built from one builder (nothing may
 * pile up on it). One tab-separated line per case: {@code case status error note}.
 *
 * <p>Args: {@code <http-base> <https-base> <run> <dead-port> <results-file>}; the application's own
 * proxy points at the dead port, so a call that used it would fail.
 */
public final class OkHttpRoutingApp {

    private OkHttpRoutingApp() {
    }

    public static void main(String[] args) throws Exception {
        String http = args[0];
        String https = args[1];
        String run = args[2];
        Proxy ownProxy = new Proxy(Proxy.Type.HTTP, new InetSocketAddress("127.0.0.1", Integer.parseInt(args[3])));
        Path results = Path.of(args[4]);

        OkHttpClient base = new OkHttpClient.Builder().connectTimeout(5, TimeUnit.SECONDS).build();
        List<String> out = new ArrayList<>();
        try {
            out.add(call("own-proxy-http", base.newBuilder().proxy(ownProxy).build(), http, run, ""));
            out.add(call("own-proxy-https", base.newBuilder().proxy(ownProxy).build(), https, run, ""));
            out.add(call("own-selector-https", base.newBuilder().proxySelector(new FixedSelector(ownProxy)).build(),
                    https, run, ""));

            X509TrustManager trust = defaultTrustManager();
            CountingSslSocketFactory ssl = new CountingSslSocketFactory(SSLContext.getDefault().getSocketFactory());
            OkHttpClient custom = base.newBuilder().sslSocketFactory(ssl, trust).build();
            String line = call("custom-ssl-https", custom, https, run, "");
            out.add(line + "sockets=" + ssl.created.get());

            CertificatePinner wrongPin = new CertificatePinner.Builder()
                    .add("127.0.0.1", "sha256/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=").build();
            out.add(call("wrong-pin-https", base.newBuilder().certificatePinner(wrongPin).build(), https, run, ""));

            OkHttpClient.Builder one = base.newBuilder();
            int ok = 0;
            String error = "";
            for (int i = 0; i < 20; i++) {
                String l = call("many-clients", one.build(), http + "?n=" + i, run, "");
                if (l.split("\t", -1)[1].equals("200")) {
                    ok++;
                } else {
                    error = l;
                }
            }
            out.add("many-clients\t" + (ok == 20 ? 200 : 0) + "\t" + error + "\tinterceptors="
                    + one.interceptors().size() + " networkInterceptors=" + one.networkInterceptors().size());
        } finally {
            base.dispatcher().executorService().shutdown();
            base.connectionPool().evictAll();
        }
        Files.write(results, out);
    }

    /** Calls {@code <base>/s/<run>.okhttp.<case>/ok}; never throws. */
    private static String call(String name, OkHttpClient client, String base, String run, String note) {
        String url = base.contains("?") ? base.replace("?", "/s/" + run + ".okhttp." + name + "/ok?")
                : base + "/s/" + run + ".okhttp." + name + "/ok";
        try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
            r.body().string();
            return name + "\t" + r.code() + "\t\t" + note;
        } catch (Exception e) {
            return name + "\t0\t" + e.getClass().getName() + ": " + String.valueOf(e.getMessage()).replace('\n', ' ') + "\t" + note;
        }
    }

    private static X509TrustManager defaultTrustManager() throws Exception {
        TrustManagerFactory f = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init((KeyStore) null);
        for (TrustManager tm : f.getTrustManagers()) {
            if (tm instanceof X509TrustManager) {
                return (X509TrustManager) tm;
            }
        }
        throw new IllegalStateException("no X509TrustManager");
    }

    /** An application's selector that names its own proxy for everything. */
    private static final class FixedSelector extends ProxySelector {
        private final Proxy proxy;

        FixedSelector(Proxy proxy) {
            this.proxy = proxy;
        }

        @Override
        public List<Proxy> select(URI uri) {
            return List.of(proxy);
        }

        @Override
        public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
        }
    }

    /** Delegates to the default factory and counts the TLS sockets OkHttp layers over its connection. */
    private static final class CountingSslSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;
        final AtomicInteger created = new AtomicInteger();

        CountingSslSocketFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            created.incrementAndGet();
            return delegate.createSocket(s, host, port, autoClose);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            created.incrementAndGet();
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            created.incrementAndGet();
            return delegate.createSocket(host, port, localHost, localPort);
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            created.incrementAndGet();
            return delegate.createSocket(host, port);
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            created.incrementAndGet();
            return delegate.createSocket(address, port, localAddress, localPort);
        }
    }
}
