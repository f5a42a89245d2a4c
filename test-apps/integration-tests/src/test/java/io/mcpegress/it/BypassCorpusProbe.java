package io.mcpegress.it;

import io.mcpegress.contract.ClientAdapter;
import io.mcpegress.contract.ContractRequest;

import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLSocketFactory;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs in a child JVM of {@link BypassCorpusIT} on a test app's class path: every
 * {@link ClientAdapter} there tries every trick of {@link #CORPUS} against the target server (the
 * blocking and asynchronously), then the tricks that need no adapter: raw sockets and channels,
 * a raw SSL socket, a custom {@code SSLSocketFactory}, and reflection into a built client's proxy
 * field. One line per attempt: {@code <id> <trick> -> <outcome>} (see {@link PolicyProbe#outcome}).
 * Args: {@code <results-file> <http-port> <https-port>}.
 */
public final class BypassCorpusProbe {

    /** {label, URL} with {@code {P}} the HTTP port, {@code {S}} the HTTPS port, {@code {id}} the attempt. */
    static final String[][] CORPUS = {
            {"plain", "http://127.0.0.1:{P}/s/{id}/ok"},
            {"decimal", "http://2130706433:{P}/s/{id}/ok"},
            {"hex", "http://0x7f000001:{P}/s/{id}/ok"},
            {"hex-dotted", "http://0x7f.0.0.1:{P}/s/{id}/ok"},
            {"octal-looking", "http://0177.0.0.1:{P}/s/{id}/ok"},
            {"short", "http://127.1:{P}/s/{id}/ok"},
            {"short-3", "http://127.0.1:{P}/s/{id}/ok"},
            {"v4-mapped", "http://[::ffff:127.0.0.1]:{P}/s/{id}/ok"},
            {"v4-mapped-hex", "http://[::ffff:7f00:1]:{P}/s/{id}/ok"},
            {"nat64", "http://[64:ff9b::7f00:1]:{P}/s/{id}/ok"},
            {"ipv6-loopback", "http://[::1]:{P}/s/{id}/ok"},
            {"zero", "http://0.0.0.0:{P}/s/{id}/ok"},
            {"localhost", "http://localhost:{P}/s/{id}/ok"},
            {"mixed-case", "http://LocalHost:{P}/s/{id}/ok"},
            {"trailing-dot", "http://localhost.:{P}/s/{id}/ok"},
            {"ip-trailing-dot", "http://127.0.0.1.:{P}/s/{id}/ok"},
            {"userinfo", "http://allowed.example@127.0.0.1:{P}/s/{id}/ok"},
            {"userinfo-password", "http://allowed.example:secret@localhost:{P}/s/{id}/ok"},
            {"percent-encoded", "http://%31%32%37.0.0.1:{P}/s/{id}/ok"},
            {"https", "https://127.0.0.1:{S}/s/{id}/ok"},
            {"metadata", "http://169.254.169.254/s/{id}/latest/meta-data/"},
            {"metadata-decimal", "http://2852039166/s/{id}/latest/meta-data/"},
            {"metadata-hex", "http://0xa9fea9fe/s/{id}/latest/meta-data/"},
            {"metadata-mapped", "http://[::ffff:a9fe:a9fe]/s/{id}/latest/meta-data/"},
            {"metadata-name", "http://metadata.google.internal/s/{id}/computeMetadata/v1/"},
            {"metadata-ecs", "http://169.254.170.2/s/{id}/v2/credentials"},
            {"metadata-v6", "http://[fd00:ec2::254]/s/{id}/latest/meta-data/"},
    };


    private BypassCorpusProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        String p = args[1];
        String s = args[2];
        List<String> lines = new ArrayList<>();
        for (ClientAdapter adapter : ServiceLoader.load(ClientAdapter.class)) {
            for (int i = 0; i < CORPUS.length; i++) {
                String id = "bp." + adapter.name() + "." + CORPUS[i][0];
                String url = CORPUS[i][1].replace("{P}", p).replace("{S}", s).replace("{id}", id);
                lines.add(id + " " + url + " -> " + PolicyProbe.outcome(() -> adapter.execute(ContractRequest.get(url)).status()));
                {
                    String aid = id + ".async";
                    String aurl = CORPUS[i][1].replace("{P}", p).replace("{S}", s).replace("{id}", aid);
                    lines.add(aid + " " + aurl + " -> " + PolicyProbe.outcome(() ->
                            adapter.executeAsync(ContractRequest.get(aurl)).get(30, TimeUnit.SECONDS).status()));
                }
            }
            adapter.close();
        }
        int port = Integer.parseInt(p);
        int httpsPort = Integer.parseInt(s);
        if (has("java.net.http.HttpClient") && has("io.mcpegress.apps.jdk.JdkHttpClientAdapter")) {
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
            raw(lines, "bp.raw.socket", () -> {
                try (Socket socket = new Socket()) {
                    socket.connect(target, 5000);
                    return send(socket, "bp.raw.socket");
                }
            });
            raw(lines, "bp.raw.socket-decimal-name", () -> {
                try (Socket socket = new Socket("2130706433", port)) {
                    return send(socket, "bp.raw.socket-decimal-name");
                }
            });
            raw(lines, "bp.raw.channel", () -> {
                try (SocketChannel c = SocketChannel.open(target)) {
                    c.write(ByteBuffer.wrap(request("bp.raw.channel")));
                    return 0;
                }
            });
            raw(lines, "bp.raw.channel-adaptor", () -> {
                try (SocketChannel c = SocketChannel.open()) {
                    c.socket().connect(target, 5000);
                    return send(c.socket(), "bp.raw.channel-adaptor");
                }
            });
            raw(lines, "bp.raw.ssl-socket", () -> {
                try (Socket socket = SSLSocketFactory.getDefault().createSocket("127.0.0.1", httpsPort)) {
                    return send(socket, "bp.raw.ssl-socket");
                }
            });
            raw(lines, "bp.raw.nonblocking-channel", () -> {
                try (SocketChannel c = SocketChannel.open()) {
                    c.configureBlocking(false);
                    c.connect(target);
                    c.finishConnect();
                    return 0;
                }
            });
            raw(lines, "bp.raw.async-channel-future", () -> {
                try (AsynchronousSocketChannel c = AsynchronousSocketChannel.open()) {
                    c.connect(target).get(5, TimeUnit.SECONDS);
                    return c.write(ByteBuffer.wrap(request("bp.raw.async-channel-future"))).get(5, TimeUnit.SECONDS);
                }
            });
            raw(lines, "bp.raw.async-channel-handler", () -> {
                try (AsynchronousSocketChannel c = AsynchronousSocketChannel.open()) {
                    CompletableFuture<Void> connected = new CompletableFuture<>();
                    c.connect(target, null, new CompletionHandler<Void, Object>() {
                        @Override
                        public void completed(Void result, Object attachment) {
                            connected.complete(null);
                        }

                        @Override
                        public void failed(Throwable exc, Object attachment) {
                            connected.completeExceptionally(exc);
                        }
                    });
                    connected.get(5, TimeUnit.SECONDS);
                    return c.write(ByteBuffer.wrap(request("bp.raw.async-channel-handler"))).get(5, TimeUnit.SECONDS);
                }
            });
            String sslUrl = "https://127.0.0.1:" + httpsPort + "/s/bp.trick.custom-ssl-socket-factory/ok";
            raw(lines, "bp.trick.custom-ssl-socket-factory " + sslUrl, () -> {
                HttpsURLConnection c = (HttpsURLConnection) new URL(sslUrl).openConnection(Proxy.NO_PROXY);
                c.setSSLSocketFactory(new DirectSslSocketFactory(new InetSocketAddress("127.0.0.1", httpsPort)));
                return c.getResponseCode();
            });
            String reflected = "http://127.0.0.1:" + port + "/s/bp.trick.httpclient-proxy-field/ok";
            raw(lines, "bp.trick.httpclient-proxy-field " + reflected, () -> {
                HttpClient client = HttpClient.newHttpClient();
                Field facade = client.getClass().getDeclaredField("impl"); // HttpClientFacade -> HttpClientImpl
                facade.setAccessible(true);
                Object impl = facade.get(client);
                for (String name : new String[] {"proxySelector", "userProxySelector"}) {
                    Field f = impl.getClass().getDeclaredField(name);
                    f.setAccessible(true);
                    f.set(impl, new ProxySelector() {
                        @Override
                        public List<Proxy> select(URI uri) {
                            return List.of(Proxy.NO_PROXY);
                        }

                        @Override
                        public void connectFailed(URI uri, SocketAddress sa, java.io.IOException ioe) {
                        }
                    });
                }
                return client.send(HttpRequest.newBuilder(URI.create(reflected)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
            });
            String huc = "http://127.0.0.1:" + port + "/s/bp.trick.urlconnection-no-proxy/ok";
            raw(lines, "bp.trick.urlconnection-no-proxy " + huc, () -> {
                HttpURLConnection c = (HttpURLConnection) new URL(huc).openConnection(Proxy.NO_PROXY);
                return c.getResponseCode();
            });
        }
        if (has("okhttp3.OkHttpClient")) {
            String url = "http://127.0.0.1:" + port + "/s/bp.trick.okhttp-proxy-field/ok";
            raw(lines, "bp.trick.okhttp-proxy-field " + url, () -> okHttpWithProxyFieldSetToDirect(url));
        }
        Files.write(results, lines);
    }

    /** Builds an OkHttpClient, then sets its {@code proxy} field to NO_PROXY by reflection and calls. */
    private static int okHttpWithProxyFieldSetToDirect(String url) throws Exception {
        Class<?> clientType = Class.forName("okhttp3.OkHttpClient");
        Object client = clientType.getConstructor().newInstance();
        Field proxy = clientType.getDeclaredField("proxy");
        proxy.setAccessible(true);
        proxy.set(client, Proxy.NO_PROXY);
        Class<?> builderType = Class.forName("okhttp3.Request$Builder");
        Object builder = builderType.getConstructor().newInstance();
        builderType.getMethod("url", String.class).invoke(builder, url);
        Object request = builderType.getMethod("build").invoke(builder);
        Object call = clientType.getMethod("newCall", Class.forName("okhttp3.Request")).invoke(client, request);
        Object response = Class.forName("okhttp3.Call").getMethod("execute").invoke(call);
        try {
            return (Integer) response.getClass().getMethod("code").invoke(response);
        } finally {
            ((AutoCloseable) response).close();
        }
    }

    private static boolean has(String className) {
        try {
            Class.forName(className, false, BypassCorpusProbe.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private static void raw(List<String> lines, String label, Callable<Integer> attempt) {
        lines.add(label + " -> " + PolicyProbe.outcome(() -> {
            try {
                return attempt.call();
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
            }
        }));
    }

    private static byte[] request(String scenario) {
        return ("GET /s/" + scenario + "/ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static int send(Socket socket, String scenario) throws Exception {
        OutputStream o = socket.getOutputStream();
        o.write(request(scenario));
        o.flush();
        return socket.getInputStream().read();
    }

    /** Ignores the socket it is given (the proxy tunnel) and opens its own, straight to {@code direct}. */
    static final class DirectSslSocketFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate = (SSLSocketFactory) SSLSocketFactory.getDefault();
        private final InetSocketAddress direct;

        DirectSslSocketFactory(InetSocketAddress direct) {
            this.direct = direct;
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
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws java.io.IOException {
            return delegate.createSocket(direct.getHostString(), direct.getPort());
        }

        @Override
        public Socket createSocket() throws java.io.IOException {
            return delegate.createSocket();
        }

        @Override
        public Socket createSocket(String host, int port) throws java.io.IOException {
            return delegate.createSocket(direct.getHostString(), direct.getPort());
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws java.io.IOException {
            return delegate.createSocket(direct.getHostString(), direct.getPort());
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws java.io.IOException {
            return delegate.createSocket(direct.getHostString(), direct.getPort());
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws java.io.IOException {
            return delegate.createSocket(direct.getHostString(), direct.getPort());
        }
    }
}
