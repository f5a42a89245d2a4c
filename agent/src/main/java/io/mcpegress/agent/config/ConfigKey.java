package io.mcpegress.agent.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

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
    AUDIT_FORMAT("mcp.egress.audit.format", "ecs", "ecs"),
    AUDIT_QUEUE_CAPACITY("mcp.egress.audit.queue.capacity", "integer 16..10000000", "65536"),
    AUDIT_HEADERS("mcp.egress.audit.headers", "boolean", "false"),
    SERVICE_NAME("mcp.egress.service.name", "non-empty string", null),
    STARTUP_ON_ERROR("mcp.egress.startup.on-error", "exit or continue", "exit"),
    DEBUG("mcp.egress.debug", "boolean", "false");

    static final String PREFIX = "mcp.egress.";

    private static final Map<String, ConfigKey> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toMap(ConfigKey::key, Function.identity()));
    private static final Map<String, ConfigKey> BY_ENV = Arrays.stream(values())
            .collect(Collectors.toMap(ConfigKey::envName, Function.identity()));

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
