package io.mcpegress.testkit;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.eclipse.jetty.alpn.server.ALPNServerConnectionFactory;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http2.HTTP2Cipher;
import org.eclipse.jetty.http2.server.HTTP2ServerConnectionFactory;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The destination of the egress calls: a Jetty 12 server on 127.0.0.1 with a plain HTTP/1.1
 * connector and a TLS connector offering h2 + http/1.1 via ALPN. It records every request,
 * most importantly the peer address: 127.0.0.2 means "came through Squid", 127.0.0.1 means
 * "came direct" (see {@link SquidProxy}).
 *
 * <p>Endpoints:
 * <ul>
 *   <li>{@code /status/{code}} - responds with that status and a small body</li>
 *   <li>{@code /redirect/{n}} - 302 to relative {@code /redirect/{n-1}}; {@code /redirect/0} is 200 "done"</li>
 *   <li>{@code /circular/a} and {@code /circular/b} - 302 to each other forever</li>
 *   <li>{@code /redirect-to?url=<absolute url>[&status=307]} - redirect (default 302) to that url</li>
 *   <li>{@code /echo} - 200 with the request body; the method in header {@code X-Echo-Method}</li>
 *   <li>{@code /delay/{ms}} - sleeps, then 200</li>
 *   <li>anything else - 200 "ok"</li>
 * </ul>
 * Every response carries Content-Length and {@code X-Remote-Address} (the peer IP the server saw).
 */
public final class TargetServer implements AutoCloseable {

    public static final String HOST = "127.0.0.1";
    public static final String SCENARIO_HEADER = "X-Scenario";

    private final Server server;
    private final ServerConnector http;
    private final ServerConnector https;
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();

    private TargetServer() {
        QueuedThreadPool threads = new QueuedThreadPool();
        threads.setName("target-server");
        // daemon threads: a test that forgets close() must not keep the JVM alive
        threads.setDaemon(true);
        server = new Server(threads);
        // no graceful phase: it would wait for clients' idle keep-alive connections and time out
        server.setStopTimeout(0);

        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        http = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        http.setHost(HOST);
        http.setPort(0);

        HttpConfiguration httpsConfig = new HttpConfiguration(httpConfig);
        SecureRequestCustomizer secure = new SecureRequestCustomizer();
        // tests may connect by IP or by "localhost"; never reject on SNI mismatch
        secure.setSniHostCheck(false);
        httpsConfig.addCustomizer(secure);

        TestCertificates certs = TestCertificates.get();
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(certs.keyStore().toString());
        ssl.setKeyStorePassword(certs.password());
        ssl.setKeyStoreType(certs.storeType());
        // h2 forbids some cipher suites (RFC 7540 9.2.2); prefer the allowed ones
        ssl.setCipherComparator(HTTP2Cipher.COMPARATOR);

        ALPNServerConnectionFactory alpn = new ALPNServerConnectionFactory("h2", "http/1.1");
        // clients that do not speak ALPN at all get HTTP/1.1
        alpn.setDefaultProtocol("http/1.1");
        https = new ServerConnector(server,
                new SslConnectionFactory(ssl, alpn.getProtocol()),
                alpn,
                new HTTP2ServerConnectionFactory(httpsConfig),
                new HttpConnectionFactory(httpsConfig));
        https.setHost(HOST);
        https.setPort(0);

        server.addConnector(http);
        server.addConnector(https);
        server.setHandler(new RecordingHandler());
    }

    /** Starts a new server on two free ports; close it when done. */
    public static TargetServer start() {
        TargetServer target = new TargetServer();
        try {
            target.server.start();
        } catch (Exception e) {
            target.close();
            throw new IllegalStateException("cannot start the Jetty target server", e);
        }
        return target;
    }

    public int httpPort() {
        return http.getLocalPort();
    }

    public int httpsPort() {
        return https.getLocalPort();
    }

    /** {@code http://127.0.0.1:PORT} + path (path should start with "/"). */
    public String httpUrl(String path) {
        return "http://" + HOST + ":" + httpPort() + path;
    }

    /** {@code https://127.0.0.1:PORT} + path (path should start with "/"). */
    public String httpsUrl(String path) {
        return "https://" + HOST + ":" + httpsPort() + path;
    }

    public URI httpUri(String path) {
        return URI.create(httpUrl(path));
    }

    public URI httpsUri(String path) {
        return URI.create(httpsUrl(path));
    }

    /** Snapshot of all requests received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    /** Requests whose {@code X-Scenario} header equals {@code scenario}. */
    public List<RecordedRequest> requestsFor(String scenario) {
        return requests.stream()
                .filter(r -> scenario.equals(r.scenario()))
                .collect(Collectors.toUnmodifiableList());
    }

    /** Waits until at least {@code count} requests match, then returns all matching ones. */
    public List<RecordedRequest> awaitRequests(Predicate<RecordedRequest> matcher, int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<RecordedRequest> matching = requests.stream().filter(matcher).collect(Collectors.toList());
            if (matching.size() >= count) {
                return matching;
            }
            if (System.nanoTime() >= deadline) {
                throw new AssertionError("expected " + count + " matching requests within " + timeout
                        + " but got " + matching.size() + "; all requests: " + requests);
            }
            FreePorts.sleep(20);
        }
    }

    public void clear() {
        requests.clear();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("cannot stop the Jetty target server", e);
        }
    }

    @Override
    public String toString() {
        return "TargetServer[http=" + httpPort() + ", https=" + httpsPort() + "]";
    }

    /** Core (non-servlet) handler: record first, then answer. Runs on a blocking-capable thread. */
    private final class RecordingHandler extends Handler.Abstract {

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String body = Content.Source.asString(request, StandardCharsets.UTF_8);
            String path = request.getHttpURI().getPath();
            String query = request.getHttpURI().getQuery();
            // "/s/{scenario}/rest" names the scenario in the URL itself (so audit events, which see
            // only the URL, can be matched to it); redirects keep the prefix
            String scenarioFromPath = null;
            String prefix = "";
            if (path != null && path.startsWith("/s/")) {
                int slash = path.indexOf('/', 3);
                scenarioFromPath = slash < 0 ? path.substring(3) : path.substring(3, slash);
                prefix = "/s/" + scenarioFromPath;
                path = slash < 0 ? "/" : path.substring(slash);
            }
            String scenarioHeader = request.getHeaders().get(SCENARIO_HEADER);

            Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (HttpField field : request.getHeaders()) {
                headers.computeIfAbsent(field.getName(), k -> new ArrayList<>()).add(field.getValue());
            }
            headers.replaceAll((k, v) -> List.copyOf(v));
            String remote = Request.getRemoteAddr(request);
            requests.add(new RecordedRequest(
                    request.isSecure() ? "https" : "http",
                    request.getMethod(),
                    path,
                    query,
                    request.getConnectionMetaData().getProtocol(),
                    remote,
                    Collections.unmodifiableMap(headers),
                    body,
                    scenarioHeader != null ? scenarioHeader : scenarioFromPath));

            response.getHeaders().put("X-Remote-Address", remote);
            route(request, response, callback, path == null ? "/" : path, body, prefix);
            return true;
        }

        private void route(Request request, Response response, Callback callback, String path, String body,
                           String prefix) {
            if (path.startsWith("/status/")) {
                Integer code = parseInt(path.substring("/status/".length()));
                if (code == null || code < 200 || code > 599) {
                    send(response, callback, 400, "bad status code");
                } else {
                    send(response, callback, code, "status " + code);
                }
            } else if (path.startsWith("/redirect/")) {
                Integer n = parseInt(path.substring("/redirect/".length()));
                if (n == null || n < 0) {
                    send(response, callback, 400, "bad redirect count");
                } else if (n == 0) {
                    send(response, callback, 200, "done");
                } else {
                    redirect(response, callback, 302, prefix + "/redirect/" + (n - 1));
                }
            } else if (path.startsWith("/circular/")) {
                redirect(response, callback, 302, prefix + (path.equals("/circular/a") ? "/circular/b" : "/circular/a"));
            } else if (path.equals("/redirect-to")) {
                Fields params = Request.extractQueryParameters(request);
                String url = params.getValue("url");
                Integer status = params.getValue("status") == null ? Integer.valueOf(302)
                        : parseInt(params.getValue("status"));
                if (url == null || status == null || status < 300 || status > 399) {
                    send(response, callback, 400, "need ?url=<absolute url>[&status=3xx]");
                } else {
                    redirect(response, callback, status, url);
                }
            } else if (path.equals("/echo")) {
                response.getHeaders().put("X-Echo-Method", request.getMethod());
                String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
                if (contentType != null) {
                    response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
                }
                send(response, callback, 200, body);
            } else if (path.startsWith("/delay/")) {
                Integer ms = parseInt(path.substring("/delay/".length()));
                if (ms == null || ms < 0) {
                    send(response, callback, 400, "bad delay");
                    return;
                }
                try {
                    Thread.sleep(ms);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                send(response, callback, 200, "delayed " + ms);
            } else {
                send(response, callback, 200, "ok");
            }
        }

        private void redirect(Response response, Callback callback, int status, String location) {
            // set verbatim: Jetty must not absolutize the relative Location
            response.getHeaders().put(HttpHeader.LOCATION, location);
            send(response, callback, status, "redirect to " + location);
        }

        private void send(Response response, Callback callback, int status, String body) {
            response.setStatus(status);
            if (status == 204 || status == 304) {
                // these statuses must not carry a body
                response.write(true, null, callback);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            if (!response.getHeaders().contains(HttpHeader.CONTENT_TYPE)) {
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
            }
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
        }

        private Integer parseInt(String s) {
            try {
                return Integer.valueOf(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }
}
