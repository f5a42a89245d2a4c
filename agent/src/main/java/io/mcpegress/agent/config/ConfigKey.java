package io.mcpegress.agent.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Every configuration key the agent accepts. docs/configuration.md documents each one (a test
 * checks that it does), and anything else under {@code mcp.egress.} is rejected at start, so a typo
 * never silently leaves a control switched off.
 */
public enum ConfigKey {
    ENABLED("mcp.egress.enabled", "boolean", "true"),
    CONFIG_FILE("mcp.egress.config", "path to a .yaml/.yml or .properties file", null),
    PROXY("mcp.egress.proxy", "http://host:port", null),
    PROXY_BYPASS("mcp.egress.proxy.bypass", "comma list of host, *.suffix, IP or CIDR", ""),
    MODE("mcp.egress.mode", "enforce or monitor", "enforce"),
    AUDIT_FILE("mcp.egress.audit.file", "writable file path", "mcp-egress-audit.jsonl"),
    AUDIT_FORMAT("mcp.egress.audit.format", "ecs or ocsf", "ecs"),
    AUDIT_QUEUE_CAPACITY("mcp.egress.audit.queue.capacity", "integer 16..10000000", "65536"),
    SERVICE_NAME("mcp.egress.service.name", "non-empty string", null),
    STARTUP_ON_ERROR("mcp.egress.startup.on-error", "exit or continue", "exit"),
    AUDIT_SINKS("mcp.egress.audit.sinks", "comma list of file, stderr, stdout, syslog, http", "file"),
    AUDIT_FILE_MAX_SIZE("mcp.egress.audit.file.max-size", "0 (no limit) or a size of at least 1KB: bytes, or with suffix KB, MB or GB", "0"),
    AUDIT_FILE_ROTATE("mcp.egress.audit.file.rotate", "none, hourly or daily", "none"),
    AUDIT_FILE_RETENTION("mcp.egress.audit.file.retention", "integer 0..100000 (rotated files kept, 0 = all)", "0"),
    AUDIT_FILE_FSYNC("mcp.egress.audit.file.fsync", "always, interval or never", "interval"),
    AUDIT_FILE_FSYNC_INTERVAL("mcp.egress.audit.file.fsync-interval", "duration 1ms..1h, e.g. 500ms, 1s, 1m", "1s"),
    AUDIT_SYSLOG_URL("mcp.egress.audit.syslog.url", "udp://host:port, tcp://host:port or tls://host:port", null),
    AUDIT_SYSLOG_CA_FILE("mcp.egress.audit.syslog.ca-file", "readable PEM file of CA certificates", null),
    AUDIT_SYSLOG_FACILITY("mcp.egress.audit.syslog.facility", "facility 0..23 or name (local0..local7, auth, ...)", "local0"),
    AUDIT_HTTP_URL("mcp.egress.audit.http.url", "http(s)://host[:port][/path], no user info", null),
    AUDIT_HTTP_FORMAT("mcp.egress.audit.http.format", "splunk-hec, otlp or elasticsearch", null),
    AUDIT_HTTP_TOKEN_ENV("mcp.egress.audit.http.token-env", "name of a set environment variable holding the token", null),
    AUDIT_HTTP_TOKEN_FILE("mcp.egress.audit.http.token-file", "readable file holding the token", null),
    AUDIT_HTTP_AUTH_SCHEME("mcp.egress.audit.http.auth-scheme", "one word (Splunk, Bearer, ApiKey, Basic) or none", null),
    AUDIT_HTTP_CA_FILE("mcp.egress.audit.http.ca-file", "readable PEM file of CA certificates", null),
    AUDIT_HTTP_INDEX("mcp.egress.audit.http.index", "index name", null),
    AUDIT_HTTP_GZIP("mcp.egress.audit.http.gzip", "boolean", "false"),
    AUDIT_HTTP_BATCH_SIZE("mcp.egress.audit.http.batch-size", "integer 1..100000 (events per request)", "500"),
    AUDIT_HTTP_BATCH_BYTES("mcp.egress.audit.http.batch-bytes", "size 1KB..100MB, e.g. 1MB", "1MB"),
    AUDIT_HTTP_FLUSH_INTERVAL("mcp.egress.audit.http.flush-interval", "duration 0ms..1h, e.g. 1s", "1s"),
    AUDIT_HTTP_MAX_RETRIES("mcp.egress.audit.http.max-retries", "integer 0..1000", "8"),
    AUDIT_HTTP_BUFFER_SIZE("mcp.egress.audit.http.buffer-size", "size 64KB..1GB, e.g. 16MB", "16MB"),
    AUDIT_OVERFLOW("mcp.egress.audit.overflow", "drop or block", "drop"),
    AUDIT_SPOOL_DIR("mcp.egress.audit.spool.dir", "directory path, or none to keep undelivered events in memory only", "mcp-egress-spool"),
    AUDIT_SPOOL_MAX_SIZE("mcp.egress.audit.spool.max-size", "size 1MB..1TB, e.g. 256MB", "256MB"),
    AUDIT_HEARTBEAT_INTERVAL("mcp.egress.audit.heartbeat-interval", "0 (off) or a duration 1s..24h, e.g. 60s", "60s"),
    STDIO_SERVER("mcp.egress.stdio-server", "true, false or auto", "auto"),
    ALLOW("mcp.egress.allow", "comma list of host, *.suffix, IP or CIDR, each with optional :port or :from-to ([IPv6]:port)", null),
    DENY("mcp.egress.deny", "comma list of host, *.suffix, IP or CIDR, each with optional :port or :from-to ([IPv6]:port)", null),
    POLICY_FILE("mcp.egress.policy", "path to a readable YAML policy file (docs/policy.md)", null),
    POLICY_RELOAD_INTERVAL("mcp.egress.policy.reload-interval", "0 (off) or a duration 1s..1h, e.g. 5s", "5s"),
    BLOCK_METADATA("mcp.egress.block-metadata", "boolean", "true"),
    BLOCK_PRIVATE("mcp.egress.block-private", "boolean", "false"),
    SOCKET_GUARD("mcp.egress.socket-guard", "enforce, monitor or off", null),
    AUDIT_INTEGRITY_KEY_ENV("mcp.egress.audit.integrity.key-env", "name of a set, non-empty environment variable", null),
    AUDIT_INTEGRITY_KEY_FILE("mcp.egress.audit.integrity.key-file", "readable, non-empty file", null),
    WEAVE_CACHE("mcp.egress.weave-cache", "directory path, or none", null),
    DEBUG("mcp.egress.debug", "boolean", "false"),
    DEBUG_INJECT_FAULTS("mcp.egress.debug.inject-faults", "boolean", "false");

    static final String PREFIX = "mcp.egress.";

    // plain loops: a stream with method references here was the JVM's first lambda and stream
    // set-up in premain, ~7 ms of the agent's start-up
    private static final Map<String, ConfigKey> BY_NAME = new HashMap<>();
    private static final Map<String, ConfigKey> BY_ENV = new HashMap<>();

    static {
        for (ConfigKey k : values()) {
            BY_NAME.put(k.key, k);
            BY_ENV.put(k.envName(), k);
        }
    }

    private final String key;
    private final String expected;
    private final String defaultValue;

    ConfigKey(String key, String expected, String defaultValue) {
        this.key = key;
        this.expected = expected;
        this.defaultValue = defaultValue;
    }

    public String key() {
        return key;
    }

    /** The form a value must have, as said in error messages and the docs. */
    public String expected() {
        return expected;
    }

    /** Default as a string, or {@code null} when the key has no default. */
    public String defaultValue() {
        return defaultValue;
    }

    /** {@code mcp.egress.audit.queue.capacity} -> {@code MCP_EGRESS_AUDIT_QUEUE_CAPACITY}. */
    public String envName() {
        return toEnvName(key);
    }

    static String toEnvName(String key) {
        return key.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    public static Optional<ConfigKey> byName(String name) {
        return Optional.ofNullable(BY_NAME.get(name));
    }

    public static Optional<ConfigKey> byEnvName(String name) {
        return Optional.ofNullable(BY_ENV.get(name));
    }

    /** The known key closest to a misspelt one, for "did you mean" hints. */
    public static Optional<ConfigKey> closest(String name) {
        ConfigKey best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey k : values()) {
            int d = distance(name, k.key);
            if (d < bestDistance) {
                bestDistance = d;
                best = k;
            }
        }
        return bestDistance <= 4 ? Optional.ofNullable(best) : Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
