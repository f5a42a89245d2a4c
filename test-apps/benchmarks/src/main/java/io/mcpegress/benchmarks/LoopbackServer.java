package io.mcpegress.benchmarks;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A keep-alive HTTP/1.1 target on 127.0.0.1 answering every GET with 200 and a 16-byte body. */
public final class LoopbackServer implements AutoCloseable {

    private static final byte[] BODY = "{\"ok\":true,\"n\":1}".getBytes(StandardCharsets.US_ASCII);

    private final HttpServer server;
    private final ExecutorService executor;

    public LoopbackServer(int threads) throws IOException {
        // without TCP_NODELAY the separate header and body writes meet delayed ACKs: ~40 ms per call
        System.setProperty("sun.net.httpserver.nodelay", "true");
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        executor = Executors.newFixedThreadPool(threads);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, BODY.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(BODY);
            }
        });
        server.start();
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/items?id=42&api_key=secret";
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /** Standalone: prints the URL and serves until killed. */
    public static void main(String[] args) throws Exception {
        LoopbackServer s = new LoopbackServer(args.length > 0 ? Integer.parseInt(args[0]) : 4);
        System.out.println(s.url());
        Thread.currentThread().join();
    }
}
