package io.mcpegress.agent.audit.sink;

import javax.net.ssl.SSLContext;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A deliberately small HTTP/1.1 client for the HTTP sink: one persistent connection, blocking
 * I/O on the calling thread, {@code POST} with {@code Content-Length}, responses with
 * {@code Content-Length}, chunked or close-delimited bodies. It uses plain sockets on purpose:
 * the agent instruments {@code java.net.http} and {@code HttpURLConnection}, and the sink's own
 * traffic must never be audited, re-routed through the egress proxy or run on foreign threads.
 */
final class MiniHttpClient implements AutoCloseable {

    /** Response bodies beyond this are skipped (and the connection dropped). */
    private static final int MAX_BODY = 4 * 1024 * 1024;

    static final class Response {
        final int status;
        final Map<String, String> headers;
        final byte[] body;

        Response(int status, Map<String, String> headers, byte[] body) {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /**
     * A reused keep-alive connection failed before any response byte: the server had closed it
     * while idle and did not process the request, which may be sent again at once.
     */
    static final class StaleConnectionException extends IOException {
        private static final long serialVersionUID = 1L;

        StaleConnectionException(IOException cause) {
            super("reused connection failed before any response: " + cause, cause);
        }
    }

    private final String host;
    private final int port;
    private final SSLContext tls;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final String hostHeader;

    private Socket socket;
    private Socket rawSocket;
    private InputStream in;
    private OutputStream out;

    MiniHttpClient(String host, int port, SSLContext tls, int connectTimeoutMillis, int readTimeoutMillis) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.readTimeoutMillis = readTimeoutMillis;
        boolean defaultPort = tls == null ? port == 80 : port == 443;
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        this.hostHeader = defaultPort ? h : h + ":" + port;
    }

    /**
     * Sends one request and reads the response. A failure on a reused connection before any
     * response byte arrived is a {@link StaleConnectionException} (the server may have closed the
     * idle connection); the connection is then closed and the next call opens a new one.
     */
    Response post(String pathAndQuery, Map<String, String> headers, byte[] body) throws IOException {
        boolean reused = socket != null;
        if (!reused) {
            open();
        }
        String statusLine;
        try {
            StringBuilder head = new StringBuilder(256);
            head.append("POST ").append(pathAndQuery).append(" HTTP/1.1\r\n");
            head.append("Host: ").append(hostHeader).append("\r\n");
            for (Map.Entry<String, String> h : headers.entrySet()) {
                head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
            }
            head.append("Content-Length: ").append(body.length).append("\r\n\r\n");
            try (IoWatchdog.Guard guard = IoWatchdog.guard(rawSocket, readTimeoutMillis)) {
                try {
                    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
                    out.write(body);
                    out.flush();
                } catch (IOException e) {
                    if (guard.timeout(e) != e) {
                        // the collector stopped reading: not a stale connection, do not resend at once
                        close();
                        throw new SocketTimeoutException("request write timed out after " + readTimeoutMillis + " ms");
                    }
                    throw e;
                }
            }
            statusLine = readLine(in);
            if (statusLine == null) {
                throw new EOFException("connection closed before the response");
            }
        } catch (SocketTimeoutException slow) {
            // the server has the request and is slow: not a stale connection
            close();
            throw slow;
        } catch (IOException e) {
            close();
            throw reused ? new StaleConnectionException(e) : e;
        }
        try {
            String[] parts = statusLine.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP/1.x response: " + abbreviate(statusLine));
            }
            int status = Integer.parseInt(parts[1]);
            Map<String, String> responseHeaders = readHeaders(in);
            while (status >= 100 && status < 200) {
                // an interim response (100 Continue, 103 Early Hints): the real one follows
                statusLine = readLine(in);
                if (statusLine == null) {
                    throw new EOFException("connection closed before the response");
                }
                status = Integer.parseInt(statusLine.split(" ", 3)[1]);
                responseHeaders = readHeaders(in);
            }
            byte[] responseBody = readBody(responseHeaders);
            String connection = responseHeaders.getOrDefault("connection", "");
            if (connection.toLowerCase(Locale.ROOT).contains("close") || statusLine.startsWith("HTTP/1.0")) {
                close();
            }
            return new Response(status, responseHeaders, responseBody);
        } catch (IOException | RuntimeException e) {
            close();
            throw e instanceof IOException ? (IOException) e : new IOException("bad HTTP response: " + e, e);
        }
    }

    private void open() throws IOException {
        Socket raw = TlsSupport.connectPlain(host, port, connectTimeoutMillis, readTimeoutMillis);
        Socket s = raw;
        if (tls != null) {
            try {
                s = TlsSupport.layer(tls, raw, host, port);
            } catch (IOException | RuntimeException e) {
                TlsSupport.closeQuietly(raw);
                throw e;
            }
        }
        rawSocket = raw;
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = s.getOutputStream();
    }

    private byte[] readBody(Map<String, String> h) throws IOException {
        String te = h.get("transfer-encoding");
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    throw new EOFException("chunked body ended early");
                }
                int semi = sizeLine.indexOf(';');
                int size = Integer.parseInt((semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim(), 16);
                if (size == 0) {
                    // trailers until the empty line
                    while (true) {
                        String trailer = readLine(in);
                        if (trailer == null || trailer.isEmpty()) {
                            break;
                        }
                    }
                    return body.toByteArray();
                }
                copy(size, body);
                if (!"".equals(readLine(in))) {
                    throw new IOException("malformed chunk");
                }
            }
        }
        String cl = h.get("content-length");
        if (cl != null) {
            long length = Long.parseLong(cl.trim());
            ByteArrayOutputStream body = new ByteArrayOutputStream((int) Math.min(length, 64 * 1024));
            copy(length, body);
            return body.toByteArray();
        }
        // neither: the body runs until the server closes the connection
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
            if (body.size() < MAX_BODY) {
                body.write(buf, 0, Math.min(n, MAX_BODY - body.size()));
            }
        }
        close();
        return body.toByteArray();
    }

    private void copy(long length, ByteArrayOutputStream body) throws IOException {
        byte[] buf = new byte[8192];
        long left = length;
        while (left > 0) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, left));
            if (n < 0) {
                throw new EOFException("response body ended early");
            }
            if (body.size() < MAX_BODY) {
                body.write(buf, 0, Math.min(n, MAX_BODY - body.size()));
            }
            left -= n;
        }
    }

    private static Map<String, String> readHeaders(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        while (true) {
            String line = readLine(in);
            if (line == null) {
                throw new EOFException("connection closed in the response head");
            }
            if (line.isEmpty()) {
                return headers;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                String value = line.substring(colon + 1).trim();
                headers.merge(name, value, (a, b) -> a + ", " + b);
            }
            if (headers.size() > 200) {
                throw new IOException("too many response headers");
            }
        }
    }

    /** A CRLF (or LF) terminated ISO-8859-1 line without its terminator; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder(64);
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                int len = b.length();
                if (len > 0 && b.charAt(len - 1) == '\r') {
                    b.setLength(len - 1);
                }
                return b.toString();
            }
            if (b.length() > 16 * 1024) {
                throw new IOException("response line too long");
            }
            b.append((char) c);
        }
        return b.length() == 0 ? null : b.toString();
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }

    @Override
    public void close() {
        TlsSupport.closeQuietly(socket);
        TlsSupport.closeQuietly(rawSocket);
        socket = null;
        rawSocket = null;
        in = null;
        out = null;
    }
}
