package io.mcpegress.agent.audit.sink;

import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigKey;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The validated sink settings, read from {@link AgentConfig#value(ConfigKey)}. Every bad value
 * fails with {@link ConfigException#invalid} naming the key, the value and the expected form.
 * Immutable; holds no secret (the token is read by {@link SinkFactory} from its variable or file).
 */
public final class SinkConfig {

    /** The sink names of {@code mcp.egress.audit.sinks}, in the order they are written to. */
    public enum Kind { FILE, STDERR, STDOUT, SYSLOG, HTTP }

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    final List<Kind> kinds;
    final Path file;
    final long fileMaxBytes;
    final RotatingFileSink.Rotation fileRotation;
    final int fileRetention;
    final RotatingFileSink.Fsync fileFsync;
    final long fileFsyncIntervalMillis;
    final String stdioServer;
    final SyslogSink.Transport syslogTransport;
    final String syslogHost;
    final int syslogPort;
    final Path syslogCaFile;
    final int syslogFacility;
    final URI httpUrl;
    final HttpBatchSink.Format httpFormat;
    final String httpTokenEnv;
    final Path httpTokenFile;
    final String httpAuthScheme;
    final Path httpCaFile;
    final String httpIndex;
    final boolean httpGzip;
    final int httpBatchSize;
    final long httpBatchBytes;
    final long httpFlushIntervalMillis;
    final int httpMaxRetries;
    final long httpBufferBytes;
    final io.mcpegress.agent.audit.AuditPipeline.OverflowPolicy overflow;
    final long heartbeatMillis;
    final Path spoolDir;
    final long spoolMaxBytes;

    private SinkConfig(AgentConfig c, Map<String, String> env) {
        this.kinds = kinds(c.value(ConfigKey.AUDIT_SINKS));
        String fileValue = c.value(ConfigKey.AUDIT_FILE);
        this.file = fileValue == null || fileValue.isBlank() ? null : Path.of(fileValue.trim());
        if (kinds.contains(Kind.FILE) && file == null) {
            throw invalid(ConfigKey.AUDIT_FILE, fileValue);
        }
        this.fileMaxBytes = size(c, ConfigKey.AUDIT_FILE_MAX_SIZE, 0, Long.MAX_VALUE);
        if (fileMaxBytes > 0 && fileMaxBytes < 1024) {
            throw invalid(ConfigKey.AUDIT_FILE_MAX_SIZE, c.value(ConfigKey.AUDIT_FILE_MAX_SIZE));
        }
        this.fileRotation = oneOf(c, ConfigKey.AUDIT_FILE_ROTATE, RotatingFileSink.Rotation.class);
        this.fileRetention = integer(c, ConfigKey.AUDIT_FILE_RETENTION, 0, 100_000);
        this.fileFsync = oneOf(c, ConfigKey.AUDIT_FILE_FSYNC, RotatingFileSink.Fsync.class);
        this.fileFsyncIntervalMillis = duration(c, ConfigKey.AUDIT_FILE_FSYNC_INTERVAL, 1, 3_600_000);
        this.overflow = oneOf(c, ConfigKey.AUDIT_OVERFLOW, io.mcpegress.agent.audit.AuditPipeline.OverflowPolicy.class);
        this.heartbeatMillis = duration(c, ConfigKey.AUDIT_HEARTBEAT_INTERVAL, 0, 86_400_000);
        String spool = c.value(ConfigKey.AUDIT_SPOOL_DIR);
        if (spool == null || spool.isBlank()) {
            throw invalid(ConfigKey.AUDIT_SPOOL_DIR, spool);
        }
        this.spoolDir = spool.trim().equalsIgnoreCase("none") ? null : Path.of(spool.trim());
        this.spoolMaxBytes = size(c, ConfigKey.AUDIT_SPOOL_MAX_SIZE, 1L << 20, 1L << 40);
        if (heartbeatMillis > 0 && heartbeatMillis < 1000) {
            throw invalid(ConfigKey.AUDIT_HEARTBEAT_INTERVAL, c.value(ConfigKey.AUDIT_HEARTBEAT_INTERVAL));
        }

        String stdio = c.value(ConfigKey.STDIO_SERVER);
        String s = stdio == null ? "auto" : stdio.trim().toLowerCase(Locale.ROOT);
        if (!s.equals("auto") && !s.equals("true") && !s.equals("false")) {
            throw invalid(ConfigKey.STDIO_SERVER, stdio);
        }
        this.stdioServer = s;

        // syslog
        String syslogUrl = c.value(ConfigKey.AUDIT_SYSLOG_URL);
        boolean syslog = kinds.contains(Kind.SYSLOG);
        requireConsistent(syslog, syslogUrl, ConfigKey.AUDIT_SYSLOG_URL, "syslog", c);
        if (syslog) {
            URI u = uri(ConfigKey.AUDIT_SYSLOG_URL, syslogUrl);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.matches("udp|tcp|tls") || u.getHost() == null || u.getPort() <= 0 || u.getPort() > 65535
                    || u.getRawUserInfo() != null || u.getRawQuery() != null
                    || u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
                throw invalid(ConfigKey.AUDIT_SYSLOG_URL, syslogUrl);
            }
            this.syslogTransport = SyslogSink.Transport.valueOf(scheme.toUpperCase(Locale.ROOT));
            this.syslogHost = stripBrackets(u.getHost());
            this.syslogPort = u.getPort();
        } else {
            this.syslogTransport = null;
            this.syslogHost = null;
            this.syslogPort = -1;
        }
        this.syslogCaFile = readableFile(c, ConfigKey.AUDIT_SYSLOG_CA_FILE);
        String facility = c.value(ConfigKey.AUDIT_SYSLOG_FACILITY);
        this.syslogFacility = facility == null ? 16 : Rfc5424.facility(facility);
        if (syslogFacility < 0) {
            throw invalid(ConfigKey.AUDIT_SYSLOG_FACILITY, facility);
        }

        // http
        String httpUrlValue = c.value(ConfigKey.AUDIT_HTTP_URL);
        boolean http = kinds.contains(Kind.HTTP);
        requireConsistent(http, httpUrlValue, ConfigKey.AUDIT_HTTP_URL, "http", c);
        if (http) {
            URI u = uri(ConfigKey.AUDIT_HTTP_URL, httpUrlValue);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.matches("https?") || u.getHost() == null || u.getPort() > 65535 || u.getRawUserInfo() != null
                    || u.getRawFragment() != null) {
                throw invalid(ConfigKey.AUDIT_HTTP_URL, httpUrlValue);
            }
            this.httpUrl = u;
            String f = c.value(ConfigKey.AUDIT_HTTP_FORMAT);
            this.httpFormat = f == null ? null : HttpBatchSink.Format.byName(f);
            if (httpFormat == null) {
                throw invalid(ConfigKey.AUDIT_HTTP_FORMAT, f);
            }
        } else {
            this.httpUrl = null;
            this.httpFormat = null;
        }
        String tokenEnv = blankToNull(c.value(ConfigKey.AUDIT_HTTP_TOKEN_ENV));
        this.httpTokenFile = readableFile(c, ConfigKey.AUDIT_HTTP_TOKEN_FILE);
        if (tokenEnv != null) {
            if (httpTokenFile != null) {
                throw ConfigException.invalid(ConfigKey.AUDIT_HTTP_TOKEN_ENV.key(), tokenEnv,
                        "at most one of " + ConfigKey.AUDIT_HTTP_TOKEN_ENV.key() + " and "
                                + ConfigKey.AUDIT_HTTP_TOKEN_FILE.key());
            }
            if (!tokenEnv.matches("[A-Za-z_][A-Za-z0-9_]*") || tokenEnv.toUpperCase(Locale.ROOT).startsWith("MCP_EGRESS_")) {
                throw ConfigException.invalid(ConfigKey.AUDIT_HTTP_TOKEN_ENV.key(), tokenEnv,
                        "an environment variable name not starting with MCP_EGRESS_ (that prefix is reserved for settings)");
            }
            String v = env.get(tokenEnv);
            if (http && (v == null || v.isBlank())) {
                throw ConfigException.invalid(ConfigKey.AUDIT_HTTP_TOKEN_ENV.key(), tokenEnv,
                        ConfigKey.AUDIT_HTTP_TOKEN_ENV.expected() + " (it is unset or empty)");
            }
        }
        this.httpTokenEnv = tokenEnv;
        String scheme = blankToNull(c.value(ConfigKey.AUDIT_HTTP_AUTH_SCHEME));
        if (scheme != null && !scheme.matches("[A-Za-z][A-Za-z0-9_-]*")) {
            throw invalid(ConfigKey.AUDIT_HTTP_AUTH_SCHEME, scheme);
        }
        this.httpAuthScheme = scheme == null ? null : scheme.equalsIgnoreCase("none") ? "" : scheme;
        this.httpCaFile = readableFile(c, ConfigKey.AUDIT_HTTP_CA_FILE);
        String index = blankToNull(c.value(ConfigKey.AUDIT_HTTP_INDEX));
        if (index != null && !index.matches("[a-z0-9][a-z0-9._+-]{0,254}")) {
            throw ConfigException.invalid(ConfigKey.AUDIT_HTTP_INDEX.key(), index,
                    "an index name: lower case letters, digits, '.', '_', '-', '+'");
        }
        this.httpIndex = index;
        this.httpGzip = bool(c, ConfigKey.AUDIT_HTTP_GZIP);
        this.httpBatchSize = integer(c, ConfigKey.AUDIT_HTTP_BATCH_SIZE, 1, 100_000);
        this.httpBatchBytes = size(c, ConfigKey.AUDIT_HTTP_BATCH_BYTES, 1024, 100L * 1024 * 1024);
        this.httpFlushIntervalMillis = duration(c, ConfigKey.AUDIT_HTTP_FLUSH_INTERVAL, 0, 3_600_000);
        this.httpMaxRetries = integer(c, ConfigKey.AUDIT_HTTP_MAX_RETRIES, 0, 1000);
        this.httpBufferBytes = size(c, ConfigKey.AUDIT_HTTP_BUFFER_SIZE, 64 * 1024, 1024L * 1024 * 1024);
    }

    public static SinkConfig from(AgentConfig config) {
        return new SinkConfig(config, System.getenv());
    }

    static SinkConfig from(AgentConfig config, Map<String, String> env) {
        return new SinkConfig(config, env);
    }

    public List<Kind> kinds() {
        return kinds;
    }

    /** {@code mcp.egress.audit.overflow}: what a full audit queue does to the calling thread. */
    public io.mcpegress.agent.audit.AuditPipeline.OverflowPolicy overflow() {
        return overflow;
    }

    /** {@code mcp.egress.audit.heartbeat-interval} in milliseconds, 0 for none. */
    public long heartbeatMillis() {
        return heartbeatMillis;
    }

    // ---- parsing helpers -------------------------------------------------------------------

    private static List<Kind> kinds(String value) {
        if (value == null || value.isBlank()) {
            throw invalid(ConfigKey.AUDIT_SINKS, value);
        }
        List<Kind> out = new ArrayList<>();
        for (String part : value.split(",")) {
            String name = part.trim().toUpperCase(Locale.ROOT);
            Kind k;
            try {
                k = Kind.valueOf(name);
            } catch (IllegalArgumentException e) {
                throw invalid(ConfigKey.AUDIT_SINKS, value);
            }
            if (out.contains(k)) {
                throw ConfigException.invalid(ConfigKey.AUDIT_SINKS.key(), value,
                        ConfigKey.AUDIT_SINKS.expected() + ", each at most once");
            }
            out.add(k);
        }
        return Collections.unmodifiableList(out);
    }

    /** A URL for a sink that is not listed is a mistake that would silently switch an audit copy off. */
    private static void requireConsistent(boolean listed, String url, ConfigKey urlKey, String name, AgentConfig c) {
        if (listed && (url == null || url.isBlank())) {
            throw invalid(urlKey, url == null ? "" : url);
        }
        if (!listed && url != null && !url.isBlank()) {
            throw ConfigException.invalid(ConfigKey.AUDIT_SINKS.key(), c.value(ConfigKey.AUDIT_SINKS),
                    "a list that includes " + name + " when " + urlKey.key() + " is set");
        }
    }

    private static URI uri(ConfigKey key, String value) {
        try {
            return new URI(value.trim());
        } catch (Exception e) {
            throw invalid(key, value);
        }
    }

    private static String stripBrackets(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static Path readableFile(AgentConfig c, ConfigKey key) {
        String v = blankToNull(c.value(key));
        if (v == null) {
            return null;
        }
        Path p = Path.of(v);
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            throw ConfigException.invalid(key.key(), v, key.expected() + " (not found or not readable)");
        }
        return p;
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static ConfigException invalid(ConfigKey key, String value) {
        return ConfigException.invalid(key.key(), String.valueOf(value), key.expected());
    }

    private static boolean bool(AgentConfig c, ConfigKey key) {
        String v = String.valueOf(c.value(key)).trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return v.equals("true");
        }
        throw invalid(key, c.value(key));
    }

    private static int integer(AgentConfig c, ConfigKey key, int min, int max) {
        String v = c.value(key);
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (RuntimeException e) {
            // fall through
        }
        throw invalid(key, v);
    }

    private static <E extends Enum<E>> E oneOf(AgentConfig c, ConfigKey key, Class<E> type) {
        String v = c.value(key);
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (RuntimeException e) {
            throw invalid(key, v);
        }
    }

    /** {@code 1048576}, {@code 512KB}, {@code 10MB}, {@code 1GB} (binary multiples; case-insensitive). */
    static long parseSize(String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(value);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        int shift = unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : unit.startsWith("g") ? 30 : 0;
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException(value);
        }
        return n << shift;
    }

    /** {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}; a bare number is milliseconds. */
    static long parseDurationMillis(String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(value);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        switch (unit) {
            case "s":
                return Math.multiplyExact(n, 1000L);
            case "m":
                return Math.multiplyExact(n, 60_000L);
            case "h":
                return Math.multiplyExact(n, 3_600_000L);
            default:
                return n;
        }
    }

    private static long size(AgentConfig c, ConfigKey key, long min, long max) {
        String v = c.value(key);
        try {
            long n = parseSize(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (RuntimeException e) {
            // fall through
        }
        throw invalid(key, v);
    }

    /** A duration key's value in milliseconds, checked against its range (also used outside the sinks). */
    public static long duration(AgentConfig c, ConfigKey key, long min, long max) {
        String v = c.value(key);
        try {
            long n = parseDurationMillis(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (RuntimeException e) {
            // fall through
        }
        throw invalid(key, v);
    }
}
