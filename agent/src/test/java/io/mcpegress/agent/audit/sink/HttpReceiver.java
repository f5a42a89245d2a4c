package io.mcpegress.agent.audit.sink;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * A loopback HTTP(S) collector for the HTTP sink tests. Records every request with its headers
 * and body (gzip decoded after checking the magic bytes), checks the framing every HTTP/1.1
 * request must have, and answers what the test's responder says.
 */
final class HttpReceiver implements AutoCloseable {

    static final class Request {
        final String method;
        final String path;
        final String query;
        final Map<String, List<String>> headers;
        final byte[] rawBody;
        final byte[] body;

        Request(HttpExchange ex, byte[] rawBody, byte[] body) {
            this.method = ex.getRequestMethod();
            this.path = ex.getRequestURI().getRawPath();
            this.query = ex.getRequestURI().getRawQuery();
            this.headers = ex.getRequestHeaders();
            this.rawBody = rawBody;
            this.body = body;
        }

        String header(String name) {
            List<String> v = headers.get(name);
            if (v == null) {
                for (Map.Entry<String, List<String>> e : headers.entrySet()) {
                    if (e.getKey().equalsIgnoreCase(name)) {
                        v = e.getValue();
                    }
                }
            }
            if (v == null || v.isEmpty()) {
                return null;
            }
            if (v.size() > 1) {
                throw new AssertionError("header " + name + " sent " + v.size() + " times");
            }
            return v.get(0);
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** What to answer: status, body, extra headers; {@code chunked} uses Transfer-Encoding: chunked. */
    static final class Reply {
        final int status;
        final String body;
        final boolean chunked;
        final Map<String, String> headers;

        Reply(int status, String body, boolean chunked, Map<String, String> headers) {
            this.status = status;
            this.body = body;
            this.chunked = chunked;
            this.headers = headers;
        }

        static Reply of(int status, String body) {
            return new Reply(status, body, false, Map.of());
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-http-receiver"));
    private final List<Request> requests = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private volatile Function<Request, Reply> responder;

    private HttpReceiver(HttpServer server, Function<Request, Reply> responder) {
        this.server = server;
        this.responder = responder;
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static HttpReceiver start(int port, Function<Request, Reply> responder) throws IOException {
        return new HttpReceiver(HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16), responder);
    }

    static HttpReceiver startTls(SSLContext ctx, Function<Request, Reply> responder) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        return new HttpReceiver(s, responder);
    }

    void respond(Function<Request, Reply> r) {
        this.responder = r;
    }

    int port() {
        return server.getAddress().getPort();
    }

    List<Request> requests() {
        synchronized (requests) {
            return new ArrayList<>(requests);
        }
    }

    /** Framing problems seen (each must be empty at the end of a test). */
    List<String> violations() {
        synchronized (violations) {
            return new ArrayList<>(violations);
        }
    }

    private void handle(HttpExchange ex) throws IOException {
        try {
            byte[] raw;
            try (InputStream in = ex.getRequestBody()) {
                raw = in.readAllBytes();
            }
            String length = ex.getRequestHeaders().getFirst("Content-Length");
            if (length == null || Integer.parseInt(length) != raw.length) {
                violations.add("Content-Length " + length + " but body has " + raw.length + " bytes");
            }
            if (ex.getRequestHeaders().containsKey("Transfer-Encoding")) {
                violations.add("unexpected Transfer-Encoding");
            }
            if (ex.getRequestHeaders().getFirst("Host") == null) {
                violations.add("no Host header");
            }
            byte[] body = raw;
            if ("gzip".equals(ex.getRequestHeaders().getFirst("Content-Encoding"))) {
                if (raw.length < 2 || (raw[0] & 0xff) != 0x1f || (raw[1] & 0xff) != 0x8b) {
                    violations.add("Content-Encoding gzip but no gzip magic");
                }
                try (InputStream z = new GZIPInputStream(new ByteArrayInputStream(raw))) {
                    body = z.readAllBytes();
                }
            }
            Request r = new Request(ex, raw, body);
            requests.add(r);
            Reply reply = responder.apply(r);
            byte[] out = reply.body.getBytes(StandardCharsets.UTF_8);
            reply.headers.forEach((k, v) -> ex.getResponseHeaders().add(k, v));
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(reply.status, reply.chunked ? 0 : out.length == 0 ? -1 : out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        } catch (RuntimeException e) {
            violations.add("receiver failed: " + e);
            ex.sendResponseHeaders(599, -1);
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
