package io.mcpegress.agent.audit;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.mcpegress.bootstrap.McpContext;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-written encoders ({@link JsonLineWriter}) write exactly the bytes the Jackson-based
 * encoders wrote before them ({@link JacksonEcsReference}, {@link JacksonOcsfReference}, kept in
 * test code only): on every single char, on numbers at their limits, and on a large randomized
 * corpus of exchanges and agent events full of odd strings (control chars, quotes, backslashes,
 * emoji, lone surrogates, huge values, nulls), chained and not.
 */
class EncoderEquivalenceTest {

    private static final JsonFactory JACKSON = new JsonFactory();

    /** Jackson's bytes for {"k":value} against ours, value written by both as a string. */
    private static void assertSameString(String value) throws IOException {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (JsonGenerator g = JACKSON.createGenerator(expected, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("k", value);
            g.writeArrayFieldStart("a");
            g.writeString(value);
            g.writeString(value);
            g.writeEndArray();
            g.writeEndObject();
        }
        expected.write('\n');
        LineBuffer actual = new LineBuffer();
        JsonLineWriter w = new JsonLineWriter(actual).startLine();
        w.string(JsonLineWriter.name("k"), value);
        w.startArray(JsonLineWriter.name("a"));
        w.string(value);
        w.string(value);
        w.endArray();
        w.endLine();
        assertThat(actual.toByteArray()).as("%s", value == null ? null : escapeForMessage(value))
                .isEqualTo(expected.toByteArray());
    }

    private static String escapeForMessage(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(s.length(), 200); i++) {
            char c = s.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }

    @Test
    void everySingleCharIsWrittenAsJacksonWritesIt() throws IOException {
        for (int c = 0; c <= 0xFFFF; c++) {
            String one = String.valueOf((char) c);
            assertSameString(one);
            assertSameString("a" + one + "b");
        }
    }

    @Test
    void surrogatesPairedLoneAndReversedAndNull() throws IOException {
        for (String s : new String[] {"\uD83D\uDE00", "x\uD83D\uDE00y", "\uD83D", "\uDE00", "\uDE00\uD83D", "\uD83D\uD83D\uDE00",
            "\uD83Dx", "end\uD800", "\uDBFF\uDFFF", "", "\u0000", "\u007f\u0080\u07ff\u0800\uffff", "\"\\/\b\f\n\r\t",
            "caf\u00e9 \u65e5\u672c \u0645\u0631\u062d\u0628\u0627", null}) {
            assertSameString(s);
        }
    }

    @Test
    void hugeStringsGrowTheBuffer() throws IOException {
        Random r = new Random(3);
        assertSameString("a".repeat(1 << 20));
        assertSameString("\u0001".repeat(300_000)); // six bytes per char
        assertSameString("\u65e5".repeat(200_000));
        assertSameString(randomString(r, 500_000));
    }

    @Test
    void numbersAtTheirLimits() throws IOException {
        long[] values = {0, 1, -1, 9, 10, 99, 100, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE,
            Long.MAX_VALUE - 1, Long.MIN_VALUE + 1, 1_000_000_000_000_000_000L, -999_999_999_999_999_999L};
        Random r = new Random(5);
        List<Long> all = new ArrayList<>();
        for (long v : values) {
            all.add(v);
        }
        for (int i = 0; i < 10_000; i++) {
            all.add(r.nextLong() >> r.nextInt(64));
        }
        for (long v : all) {
            ByteArrayOutputStream expected = new ByteArrayOutputStream();
            try (JsonGenerator g = JACKSON.createGenerator(expected, JsonEncoding.UTF8)) {
                g.writeStartObject();
                g.writeNumberField("n", v);
                g.writeBooleanField("t", true);
                g.writeBooleanField("f", false);
                g.writeObjectFieldStart("o");
                g.writeEndObject();
                g.writeArrayFieldStart("e");
                g.writeEndArray();
                g.writeNumberField("m", v);
                g.writeEndObject();
            }
            expected.write('\n');
            LineBuffer actual = new LineBuffer();
            JsonLineWriter w = new JsonLineWriter(actual).startLine();
            w.number(JsonLineWriter.name("n"), v);
            w.bool(JsonLineWriter.name("t"), true);
            w.bool(JsonLineWriter.name("f"), false);
            w.startObject(JsonLineWriter.name("o"));
            w.endObject();
            w.startArray(JsonLineWriter.name("e"));
            w.endArray();
            w.number(JsonLineWriter.name("m"), v);
            w.endLine();
            assertThat(new String(actual.toByteArray(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(expected.toByteArray(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void randomizedCorpusEncodesIdenticallyInBothSchemas() throws IOException {
        Random r = new Random(20261124);
        for (int round = 0; round < 40; round++) {
            ProcessIdentity identity = new ProcessIdentity(r.nextInt(4) == 0 ? randomString(r, 30) : "svc-" + round,
                    r.nextInt(4) == 0 ? randomString(r, 10) : "1.2." + round);
            EcsEncoder ecs = new EcsEncoder(identity);
            OcsfEncoder ocsf = new OcsfEncoder(identity);
            JacksonEcsReference ecsRef = new JacksonEcsReference(identity);
            JacksonOcsfReference ocsfRef = new JacksonOcsfReference(identity);
            ChainStamp stamp = null;
            if (round % 2 == 1) {
                stamp = new ChainStamp(r.nextInt(5) == 0 ? randomString(r, 40) : java.util.UUID.randomUUID().toString(),
                        r.nextBoolean() ? ChainStamp.SHA256 : ChainStamp.HMAC_SHA256);
                ecs.attach(stamp);
                ocsf.attach(stamp);
                ecsRef.attach(stamp);
                ocsfRef.attach(stamp);
            }
            for (int i = 0; i < 1_000; i++) {
                AuditRecord record = r.nextInt(12) == 0 ? randomAgentEvent(r) : randomExchange(r);
                if (stamp != null) {
                    stamp.advance(r.nextInt(3) == 0 ? r.nextLong() : i + 1, hex(r));
                }
                // ours first: the new ECS encoder writes url.full in pieces only while the target has not built it
                ByteArrayOutputStream ecsLine = bytesOf(ecs.encode(record).toByteArray());
                assertSame(ecsRef.encode(record), ecsLine, record);
                assertSame(ocsfRef.encode(record), ocsf.encode(record), record);
            }
        }
    }

    /**
     * The encoders keep fragments (HTTP, rule, client and route, destination, URL) while their values
     * repeat: a stream that mostly repeats a few values, as equal strings built anew or the same
     * instances, with changes in between, must still give the reference's bytes line for line.
     */
    @Test
    void keptFragmentsFollowEveryChangeOfTheirValues() throws IOException {
        Random r = new Random(13);
        ProcessIdentity identity = new ProcessIdentity("svc", "1.0");
        EcsEncoder ecs = new EcsEncoder(identity);
        OcsfEncoder ocsf = new OcsfEncoder(identity);
        JacksonEcsReference ecsRef = new JacksonEcsReference(identity);
        JacksonOcsfReference ocsfRef = new JacksonOcsfReference(identity);
        String[] hosts = {"api.example.com", "10.0.0.7", "::1"};
        String[] paths = {"/v1/search", "/v1/caf\u00e9", "/a\"b"};
        String[] queries = {null, "q=mcp&api_key=abc", "x=\u0001"};
        for (int i = 0; i < 5_000; i++) {
            // each value on its own: mostly the first of its kind, sometimes another; strings sometimes built anew
            boolean denied = r.nextInt(10) < 2;
            AuditEvent.Builder b = AuditEvent.builder().startEpochMillis(1_700_000_000_000L + i).durationNanos(1_000 + i)
                    .client(often(r, "okhttp/4.12.0", "jdk-httpclient/17", null))
                    .method(often(r, "GET", "POST", "get"))
                    .target(RequestTarget.create(r.nextInt(10) == 0 ? "http" : "https", often(r, hosts),
                            r.nextInt(10) == 0 ? 8443 : -1, often(r, paths), often(r, queries), null))
                    .statusCode(new int[] {200, 404, 0}[r.nextInt(10) < 8 ? 0 : r.nextInt(3)])
                    .httpVersion(often(r, "1.1", "2", null))
                    .route(often(r, "direct", "proxy", null))
                    .proxy(often(r, null, "http://egress-proxy.internal:3128", "http://[::1]:8080"))
                    .denied(denied)
                    .enforced(denied && r.nextBoolean())
                    .error(r.nextInt(10) == 0 ? new java.io.IOException("connect timed out") : null);
            if (r.nextInt(4) != 0) {
                b.rule(often(r, "allow-api", "deny-metadata", null), often(r, "corp", null, "other"), often(r, "rule", "default", null));
            }
            if (r.nextInt(10) == 0) {
                b.caller("com.example.Db");
            }
            AuditEvent e = b.build();
            assertSame(ecsRef.encode(e), ecs.encode(e), e);
            assertSame(ocsfRef.encode(e), ocsf.encode(e), e);
        }
    }

    /** The first value 8 times in 10, else any; a string half the time as a new instance equal to it. */
    private static String often(Random r, String... values) {
        String v = r.nextInt(10) < 8 ? values[0] : values[r.nextInt(values.length)];
        return v != null && r.nextBoolean() ? new String(v) : v;
    }

    @Test
    void traceparentCheckAcceptsExactlyWhatTheRegexDid() {
        java.util.regex.Pattern regex = java.util.regex.Pattern.compile("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
        String valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        List<String> candidates = new ArrayList<>(List.of(valid, valid.toUpperCase(), valid + "x", valid.substring(1), "",
                "01" + valid.substring(2), valid.replace('-', '0')));
        String alphabet = "0123456789abcdefgABF-x\u00e9";
        Random r = new Random(9);
        for (int i = 0; i < valid.length(); i++) {
            for (int k = 0; k < alphabet.length(); k++) {
                candidates.add(valid.substring(0, i) + alphabet.charAt(k) + valid.substring(i + 1));
            }
        }
        for (int i = 0; i < 20_000; i++) {
            StringBuilder b = new StringBuilder(valid);
            for (int j = r.nextInt(3); j >= 0; j--) {
                b.setCharAt(r.nextInt(b.length()), alphabet.charAt(r.nextInt(alphabet.length())));
            }
            candidates.add(b.toString());
        }
        for (String c : candidates) {
            assertThat(EcsEncoder.isTraceparent(c)).as(c).isEqualTo(regex.matcher(c).matches());
        }
        assertThat(EcsEncoder.isTraceparent(null)).isFalse();
    }

    @Test
    void existingFixtureShapesEncodeIdentically() throws IOException {
        ProcessIdentity identity = new ProcessIdentity("weather-mcp", "0.1.0-test");
        AuditRecord[] fixtures = {
            AuditEvent.builder().startEpochMillis(1_700_000_000_000L).durationNanos(1234).client("jdk-httpclient/17")
                    .method("GET").target(RequestTarget.of(URI.create("https://a.example/p?x=1"))).statusCode(200)
                    .httpVersion("1.1").route("direct").build(),
            AuditEvent.builder().startEpochMillis(1_700_000_000_123L).durationNanos(5_000_000).client("okhttp/4.12.0")
                    .method("POST").target(RequestTarget.of(URI.create("http://user:pw@10.0.0.1:8080/x?api_key=s&q=1")))
                    .route("blocked").denied(true).enforced(true).rule("no-internal", "corp", "rule")
                    .error(new java.io.IOException("denied by mcp-egress-agent: rule no-internal")).build(),
            AuditEvent.builder().startEpochMillis(1_700_000_000_001L).durationNanos(1).client("socket-guard")
                    .method("CONNECT").target(RequestTarget.of(URI.create("tcp://[::1]:5432"))).route("direct")
                    .denied(true).enforced(false).caller("com.example.Db").build(),
            AuditEvent.builder().startEpochMillis(1_700_000_000_999L).durationNanos(2_000_000_001L).client("apache-5")
                    .method("DELETE").target(RequestTarget.of(URI.create("https://api.example.com/v1/items/7")))
                    .statusCode(503).httpVersion("2").route("proxy").proxy("http://proxy.internal:3128")
                    .mcp(McpContext.builder().method("tools/call").toolName("delete_item").requestId("7")
                            .sessionId("s-1").clientName("claude").clientVersion("1.0").serverName("srv")
                            .serverVersion("2.0").traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                            .build()).build(),
            AgentEvent.start("abc123", "enforce", "http://proxy:3128", List.of("jdk-httpclient", "okhttp"), "agent started"),
            AgentEvent.heartbeat(new AgentCounters(1, 2, 3, 4, 5, 6, 7)),
            AgentEvent.configReload("def456", false, "bad yaml: line 3"),
            AgentEvent.shutdown(new AgentCounters(10, 0, 0, 0, 0, 0, 0)),
            AgentEvent.dropped(12, new AgentCounters(1, 1, 12, 0, 0, 3, 0), "queue full"),
            AgentEvent.libraryInstrumented("okhttp", "4.12.0", "okhttp3.OkHttpClient"),
            AgentEvent.libraryUnsupported("apache-httpclient-5", null, "org.apache.X", "unknown version"),
        };
        for (boolean chained : new boolean[] {false, true}) {
            EcsEncoder ecs = new EcsEncoder(identity);
            OcsfEncoder ocsf = new OcsfEncoder(identity);
            JacksonEcsReference ecsRef = new JacksonEcsReference(identity);
            JacksonOcsfReference ocsfRef = new JacksonOcsfReference(identity);
            if (chained) {
                ChainStamp stamp = new ChainStamp("5f0c8a3e-1b2d-4c5e-9f00-112233445566", ChainStamp.SHA256);
                stamp.advance(1, ChainStamp.HASH_PLACEHOLDER);
                ecs.attach(stamp);
                ocsf.attach(stamp);
                ecsRef.attach(stamp);
                ocsfRef.attach(stamp);
            }
            for (AuditRecord record : fixtures) {
                assertSame(ecsRef.encode(record), ecs.encode(record), record);
                assertSame(ocsfRef.encode(record), ocsf.encode(record), record);
            }
        }
    }

    @Test
    void chainedEncoderStampsTheSameBytesAsBefore() throws IOException {
        // reference: the Jackson line with the same stamp, hashed as the old ChainedEncoder did (copy, zeroed hash)
        Random r = new Random(11);
        for (byte[] key : new byte[][] {null, "k3y".getBytes(StandardCharsets.UTF_8)}) {
            ProcessIdentity identity = new ProcessIdentity("svc", "1.0");
            for (ChainableEncoder schema : new ChainableEncoder[] {new EcsEncoder(identity), new OcsfEncoder(identity)}) {
                ChainedEncoder ours = new ChainedEncoder(schema, key);
                ChainableEncoder ref = schema instanceof EcsEncoder ? new JacksonEcsReference(identity)
                        : new JacksonOcsfReference(identity);
                ChainStamp refStamp = new ChainStamp(ours.run(), key == null ? ChainStamp.SHA256 : ChainStamp.HMAC_SHA256);
                ref.attach(refStamp);
                ChainedEncoder.LineDigest digest = new ChainedEncoder.LineDigest(key);
                String prev = ChainStamp.HASH_PLACEHOLDER;
                for (int i = 1; i <= 2_000; i++) {
                    AuditRecord record = r.nextInt(10) == 0 ? randomAgentEvent(r) : randomExchange(r);
                    refStamp.advance(i, prev);
                    byte[] expected = ref.encode(record).toByteArray();
                    String placeholder = "\"hash\":\"" + ChainStamp.HASH_PLACEHOLDER + "\"";
                    String text = new String(expected, StandardCharsets.UTF_8);
                    int at = text.lastIndexOf(placeholder);
                    assertThat(at).isPositive();
                    int value = new String(expected, StandardCharsets.ISO_8859_1).lastIndexOf(placeholder) + 8;
                    byte[] h = digest.hash(expected, 0, expected.length - 1);
                    StringBuilder hex = new StringBuilder();
                    for (byte x : h) {
                        hex.append(Character.forDigit((x >> 4) & 0xf, 16)).append(Character.forDigit(x & 0xf, 16));
                    }
                    System.arraycopy(hex.toString().getBytes(StandardCharsets.US_ASCII), 0, expected, value, 64);
                    prev = hex.toString();
                    assertSame(bytesOf(expected), ours.encode(record), record);
                }
            }
        }
    }

    private static ByteArrayOutputStream bytesOf(byte[] bytes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes);
        return out;
    }

    private static void assertSame(ByteArrayOutputStream expected, ByteArrayOutputStream actual, AuditRecord record) {
        byte[] e = expected.toByteArray();
        byte[] a = actual.toByteArray();
        if (!java.util.Arrays.equals(e, a)) {
            assertThat(new String(a, StandardCharsets.UTF_8)).as("record %s", record)
                    .isEqualTo(new String(e, StandardCharsets.UTF_8));
            assertThat(a).as("record %s", record).isEqualTo(e);
        }
    }

    private static String hex(Random r) {
        StringBuilder b = new StringBuilder(64);
        for (int i = 0; i < 64; i++) {
            b.append(Character.forDigit(r.nextInt(16), 16));
        }
        return b.toString();
    }

    /** Mostly plain ASCII, with every kind of trouble mixed in. */
    static String randomString(Random r, int maxLength) {
        int n = r.nextInt(maxLength + 1);
        StringBuilder b = new StringBuilder(n);
        int style = r.nextInt(6);
        for (int i = 0; i < n; i++) {
            int k = style == 0 ? r.nextInt(10) : r.nextInt(100);
            if (k < 70) {
                b.append((char) (0x20 + r.nextInt(0x5f)));
            } else if (k < 76) {
                b.append((char) r.nextInt(0x20));
            } else if (k < 80) {
                b.append("\"\\/\u007f".charAt(r.nextInt(4)));
            } else if (k < 85) {
                b.append((char) (0x80 + r.nextInt(0x780)));
            } else if (k < 90) {
                b.append((char) (0x800 + r.nextInt(0xD000)));
            } else if (k < 94) {
                b.appendCodePoint(0x1F300 + r.nextInt(0x300)); // emoji: a surrogate pair
            } else if (k < 97) {
                b.append((char) (0xD800 + r.nextInt(0x800))); // a lone surrogate, high or low
            } else {
                b.append((char) (0xE000 + r.nextInt(0x2000)));
            }
        }
        return b.toString();
    }

    private static String maybe(Random r, String plain, int maxLength) {
        int k = r.nextInt(10);
        if (k == 0) {
            return null;
        }
        if (k < 4) {
            return randomString(r, r.nextInt(50) == 0 ? 5_000 : maxLength);
        }
        return plain;
    }

    static AuditEvent randomExchange(Random r) {
        String host = r.nextInt(5) == 0 ? "10.0." + r.nextInt(256) + "." + r.nextInt(256)
                : r.nextInt(8) == 0 ? "::1" : r.nextInt(8) == 0 ? randomString(r, 30) : "api" + r.nextInt(9) + ".example.com";
        RequestTarget target = r.nextInt(30) == 0
                ? RequestTarget.of(r.nextBoolean() ? "not a url \u0001\"" : URI.create("https://a.example/x?token=t&q=%22"))
                : RequestTarget.create(r.nextInt(10) == 0 ? randomString(r, 8) : r.nextBoolean() ? "https" : "http",
                        r.nextInt(20) == 0 ? null : host, r.nextInt(3) == 0 ? r.nextInt(70_000) - 1 : -1,
                        maybe(r, "/v1/search", 80),
                        maybe(r, "q=mcp&api_key=abc&page=" + r.nextInt(9), 80),
                        r.nextInt(6) == 0 ? maybe(r, "user:secret", 20) : null);
        McpContext mcp = null;
        if (r.nextBoolean()) {
            mcp = McpContext.builder()
                    .method(r.nextBoolean() ? "tools/call" : maybe(r, "resources/read", 20))
                    .toolName(maybe(r, "search_web", 20))
                    .requestId(maybe(r, String.valueOf(r.nextInt(1000)), 20))
                    .sessionId(maybe(r, "5f0c8a3e-1b2d-4c5e-9f00-112233445566", 40))
                    .clientName(maybe(r, "claude-desktop", 20))
                    .clientVersion(maybe(r, "0.9.1", 10))
                    .serverName(maybe(r, "weather-mcp", 20))
                    .serverVersion(maybe(r, "0.1.0", 10))
                    .traceparent(r.nextInt(3) == 0 ? maybe(r, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", 60)
                            : "00-" + hex(r).substring(0, 32) + "-" + hex(r).substring(0, 16) + "-01")
                    .build();
        }
        long start = switch (r.nextInt(8)) {
            case 0 -> r.nextLong() % 400_000_000_000_000L; // before 1970, after year 10000
            case 1 -> 253_402_300_799_000L + r.nextInt(2_000_000);
            case 2 -> -r.nextInt(100_000_000);
            default -> 1_700_000_000_000L + r.nextInt(1_000_000_000);
        };
        long duration = switch (r.nextInt(6)) {
            case 0 -> r.nextInt(1000) * 1_000_000L;
            case 1 -> r.nextInt(1000) * 1000L;
            case 2 -> r.nextLong() % 10_000_000_000_000L;
            default -> r.nextInt(2_000_000_000);
        };
        boolean denied = r.nextInt(4) == 0;
        Throwable error = r.nextInt(5) == 0 ? (r.nextBoolean() ? new java.io.IOException(maybe(r, "connect timed out", 200))
                : new IllegalStateException((String) null)) : null;
        AuditEvent.Builder b = AuditEvent.builder().startEpochMillis(start).durationNanos(duration)
                .client(maybe(r, "jdk-httpclient/17.0.21", 30))
                .method(r.nextInt(10) == 0 ? maybe(r, "get", 10)
                        : new String[] {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"}[r.nextInt(9)])
                .target(target)
                .statusCode(r.nextInt(4) == 0 ? 0 : 100 + r.nextInt(500))
                .httpVersion(r.nextBoolean() ? "1.1" : maybe(r, "2", 5))
                .route(r.nextBoolean() ? "direct" : maybe(r, "proxy", 10))
                .proxy(r.nextInt(3) == 0 ? (r.nextBoolean() ? "http://egress-proxy.internal:3128"
                        : r.nextBoolean() ? "http://[::1]:8080" : r.nextBoolean() ? "http://10.1.2.3" : maybe(r, "bad proxy", 30)) : null)
                .denied(denied)
                .enforced(denied && r.nextBoolean())
                .error(error)
                .mcp(mcp);
        if (r.nextInt(3) == 0) {
            b.rule(maybe(r, "allow-api", 30), maybe(r, "corp", 20), maybe(r, "rule", 20));
        }
        if (r.nextInt(10) == 0) {
            b.caller(maybe(r, "com.example.Db", 60));
        }
        return b.build();
    }

    static AgentEvent randomAgentEvent(Random r) {
        AgentCounters counters = new AgentCounters(r.nextLong(), r.nextInt(100), r.nextInt(), 0, r.nextInt(9),
                Long.MIN_VALUE, Long.MAX_VALUE);
        String text = randomString(r, 120);
        switch (r.nextInt(7)) {
            case 0:
                List<String> modules = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    modules.add(randomString(r, 20));
                }
                return AgentEvent.start(maybe(r, "abc", 64), maybe(r, "enforce", 10), maybe(r, "http://p:3128", 30),
                        r.nextInt(5) == 0 ? null : modules, text);
            case 1:
                return AgentEvent.heartbeat(counters);
            case 2:
                return AgentEvent.configReload(maybe(r, "abc", 64), r.nextBoolean(), text);
            case 3:
                return AgentEvent.shutdown(r.nextBoolean() ? counters : null);
            case 4:
                return AgentEvent.dropped(r.nextInt(1000), counters, text);
            case 5:
                return AgentEvent.libraryInstrumented(maybe(r, "okhttp", 20), maybe(r, "4.12.0", 10), maybe(r, "okhttp3.X", 40));
            default:
                return AgentEvent.libraryUnsupported(maybe(r, "okhttp", 20), maybe(r, "4.12.0", 10), maybe(r, "okhttp3.X", 40), text);
        }
    }
}
