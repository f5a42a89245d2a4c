package io.mcpegress.agent.audit.sink;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.mcpegress.agent.audit.AuditEvent;
import io.mcpegress.agent.audit.EcsEncoder;
import io.mcpegress.agent.audit.ProcessIdentity;
import io.mcpegress.agent.audit.RequestTarget;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Real encoded events, a minimal JSON tree reader (the agent has no jackson-databind) and waits. */
final class TestSupport {

    static final long BASE_MILLIS = 1_795_000_000_000L; // 2026-11-18T...
    private static final EcsEncoder ENCODER = new EcsEncoder(new ProcessIdentity("svc-test", "0.1.0-test"));
    private static final JsonFactory JSON = new JsonFactory();

    private TestSupport() {
    }

    /** Event {@code i}: GET https://api.example.com/items/i with status 200 through the proxy. */
    static AuditEvent event(int i) {
        return AuditEvent.builder()
                .startEpochMillis(BASE_MILLIS + i)
                .durationNanos(1_500_000)
                .client("jdk-httpclient/17")
                .method("GET")
                .target(RequestTarget.of(URI.create("https://api.example.com/items/" + i + "?token=s3cret&q=" + i)))
                .statusCode(200)
                .httpVersion("2")
                .route("proxy")
                .proxy("http://127.0.0.1:3128")
                .build();
    }

    static byte[] encode(AuditEvent e) {
        try {
            ByteArrayOutputStream b = ENCODER.encode(e);
            return Arrays.copyOf(b.toByteArray(), b.size());
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    static byte[] line(int i) {
        return encode(event(i));
    }

    /** The line without its trailing newline, as text. */
    static String text(byte[] line) {
        String s = new String(line, StandardCharsets.UTF_8);
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    // ---- JSON tree -------------------------------------------------------------------------

    static Object parse(byte[] json) {
        try (JsonParser p = JSON.createParser(json)) {
            Object v = read(p, p.nextToken());
            if (p.nextToken() != null) {
                throw new IllegalArgumentException("trailing content after JSON value");
            }
            return v;
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    static Object parse(String json) {
        return parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static Object read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                Map<String, Object> m = new LinkedHashMap<>();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    if (m.containsKey(name)) {
                        throw new IOException("duplicate field " + name);
                    }
                    m.put(name, read(p, p.nextToken()));
                }
                return m;
            }
            case START_ARRAY: {
                List<Object> l = new ArrayList<>();
                JsonToken n;
                while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
                    l.add(read(p, n));
                }
                return l;
            }
            case VALUE_STRING:
                return p.getText();
            case VALUE_NUMBER_INT:
                return p.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return p.getDecimalValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new IOException("unexpected " + t);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> obj(Object o) {
        if (!(o instanceof Map)) {
            throw new AssertionError("expected a JSON object, got " + o);
        }
        return (Map<String, Object>) o;
    }

    @SuppressWarnings("unchecked")
    static List<Object> arr(Object o) {
        if (!(o instanceof List)) {
            throw new AssertionError("expected a JSON array, got " + o);
        }
        return (List<Object>) o;
    }

    /** Dotted path into nested objects. */
    static Object at(Object root, String path) {
        Object cur = root;
        for (String part : path.split("\\.")) {
            cur = obj(cur).get(part);
        }
        return cur;
    }

    // ---- misc ------------------------------------------------------------------------------

    static int freeTcpPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        }
    }

    static int freeUdpPort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void await(String what, long timeoutMillis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + timeoutMillis * 1_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out after " + timeoutMillis + " ms waiting for " + what);
            }
            Thread.sleep(20);
        }
    }
}
