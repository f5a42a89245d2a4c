package io.mcpegress.apps.jdk;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Opens TCP connections to {@code host:port} the way uninstrumented libraries do (a raw
 * {@code Socket}, the connecting {@code Socket} constructor, {@code SocketChannel.open(addr)}, a
 * channel's socket adaptor) and then calls the same server with both instrumented JDK clients.
 * Each raw connection sends one HTTP request for scenario {@code sg-<kind>} so the server shows
 * whether anything arrived. Args: {@code <results-file> <host> <port>}; one result line per attempt.
 */
public final class SocketGuardApp {

    private SocketGuardApp() {
    }

    public static void main(String[] args) throws Exception {
        Path results = Path.of(args[0]);
        String host = args[1];
        int port = Integer.parseInt(args[2]);
        InetSocketAddress address = new InetSocketAddress(host, port);
        List<String> out = new ArrayList<>();

        attempt(out, "socket", () -> {
            try (Socket s = new Socket()) {
                s.connect(address, 5000);
                return exchange(s, host, "sg-socket");
            }
        });
        attempt(out, "socket-ctor", () -> {
            try (Socket s = new Socket(host, port)) {
                return exchange(s, host, "sg-socket-ctor");
            }
        });
        attempt(out, "channel", () -> {
            try (SocketChannel c = SocketChannel.open(address)) {
                c.write(ByteBuffer.wrap(request(host, "sg-channel")));
                return new BufferedReader(new InputStreamReader(Channels.newInputStream(c), StandardCharsets.ISO_8859_1))
                        .readLine();
            }
        });
        attempt(out, "adaptor", () -> {
            try (SocketChannel c = SocketChannel.open()) {
                c.socket().connect(address, 5000);
                return exchange(c.socket(), host, "sg-adaptor");
            }
        });
        attempt(out, "jdk-httpclient", () -> "status " + HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + "/s/sg-httpclient/ok")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode());
        attempt(out, "httpurlconnection", () -> {
            HttpURLConnection c = (HttpURLConnection) new URL("http://" + host + ":" + port + "/s/sg-huc/ok").openConnection();
            c.getInputStream().close();
            return "status " + c.getResponseCode();
        });
        Files.write(results, out);
    }

    private interface Attempt {
        String run() throws Exception;
    }

    private static void attempt(List<String> out, String name, Attempt a) {
        try {
            out.add(name + " ok " + a.run());
        } catch (Exception e) {
            out.add(name + " failed " + e.getClass().getName() + " " + e.getMessage());
        }
    }

    private static byte[] request(String host, String scenario) {
        return ("GET /s/" + scenario + "/ok HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String exchange(Socket s, String host, String scenario) throws Exception {
        OutputStream o = s.getOutputStream();
        o.write(request(host, scenario));
        o.flush();
        return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1)).readLine();
    }
}
