package io.mcpegress.agent.audit.sink;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Builds one RFC 5424 syslog message from an encoded audit event:
 * <pre>
 * &lt;PRI&gt;1 TIMESTAMP HOSTNAME mcp-egress-agent PROCID egress [mcpEgress@32473 method="GET" host="api.example.com" port="443" status="200" route="proxy" outcome="success" client="jdk-httpclient/17"] {"@timestamp":...}
 * </pre>
 * The structured data carries the fields a syslog operator filters on; the MSG part is the
 * complete JSON event (optionally after a UTF-8 BOM, as RFC 5424 section 6.4 allows).
 * PARAM-VALUE escapes {@code "}, {@code \} and {@code ]} with a backslash (section 6.3.3) and
 * replaces control characters with {@code ?}.
 */
final class Rfc5424 {

    static final String APP_NAME = "mcp-egress-agent";
    static final String MSG_ID = "egress";
    /** SD-ID: name@private-enterprise-number. 32473 is the PEN IANA reserves for examples (RFC 5612). */
    static final String SD_ID = "mcpEgress@32473";

    static final int SEVERITY_WARNING = 4;
    static final int SEVERITY_NOTICE = 5;
    static final int SEVERITY_INFO = 6;

    /**
     * In a holder: {@link SinkConfig} reads the facility through this class at every start, and
     * building a formatter initialises DateTimeFormatter (~3 ms) even when no syslog sink runs.
     */
    private static final class Timestamps {
        static final DateTimeFormatter FORMAT =
                DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    }
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private Rfc5424() {
    }

    /** Denied calls are warnings, failed calls notices, the rest informational. */
    static int severity(EventFields f) {
        if (f.denied) {
            return SEVERITY_WARNING;
        }
        return f.isFailure() ? SEVERITY_NOTICE : SEVERITY_INFO;
    }

    static byte[] format(byte[] line, int offset, int length, int facility, boolean bom, long fallbackPid) {
        EventFields f = EventFields.parse(line, offset, length);
        StringBuilder h = new StringBuilder(256);
        h.append('<').append(facility * 8 + severity(f)).append(">1 ");
        long millis = f.epochMillis >= 0 ? f.epochMillis : System.currentTimeMillis();
        h.append(Timestamps.FORMAT.format(Instant.ofEpochMilli(millis))).append(' ');
        h.append(headerField(f.hostname, 255)).append(' ');
        h.append(APP_NAME).append(' ');
        h.append(f.pid > 0 ? f.pid : fallbackPid).append(' ');
        h.append(MSG_ID).append(' ');
        h.append('[').append(SD_ID);
        param(h, "method", f.method);
        param(h, "host", f.host);
        param(h, "port", f.port > 0 ? Integer.toString(f.port) : null);
        param(h, "status", f.status > 0 ? Integer.toString(f.status) : null);
        param(h, "route", f.route);
        param(h, "outcome", f.outcomeOrDerived());
        if (f.denied) {
            param(h, "denied", "true");
        }
        param(h, "rule", f.rule);
        param(h, "client", f.client);
        h.append("] ");

        int end = Lines.endWithoutNewline(line, offset, length);
        byte[] head = h.toString().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(head.length + (end - offset) + 3);
        out.write(head, 0, head.length);
        if (bom) {
            out.write(BOM, 0, BOM.length);
        }
        out.write(line, offset, end - offset);
        return out.toByteArray();
    }

    /** PRINTUSASCII (33..126), at most {@code max} characters; NILVALUE when empty. */
    static String headerField(String value, int max) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder b = new StringBuilder(Math.min(value.length(), max));
        for (int i = 0; i < value.length() && b.length() < max; i++) {
            char c = value.charAt(i);
            b.append(c >= 33 && c <= 126 ? c : '_');
        }
        return b.toString();
    }

    private static void param(StringBuilder h, String name, String value) {
        if (value == null) {
            return;
        }
        h.append(' ').append(name).append("=\"");
        escape(h, value);
        h.append('"');
    }

    static void escape(StringBuilder h, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\' || c == ']') {
                h.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                h.append('?');
            } else {
                h.append(c);
            }
        }
    }

    /** RFC 6587 octet counting: {@code MSG-LEN SP SYSLOG-MSG}, no trailer. */
    static byte[] octetCounted(byte[] message) {
        byte[] prefix = (message.length + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[prefix.length + message.length];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        System.arraycopy(message, 0, out, prefix.length, message.length);
        return out;
    }

    /** Facility by number 0..23 or name (kern, user, ..., local0..local7); -1 when unknown. */
    static int facility(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        String[] names = {"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
            "authpriv", "ftp", "ntp", "audit", "alert", "clock", "local0", "local1", "local2", "local3", "local4",
            "local5", "local6", "local7"};
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(v)) {
                return i;
            }
        }
        try {
            int n = Integer.parseInt(v);
            return n >= 0 && n <= 23 ? n : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
