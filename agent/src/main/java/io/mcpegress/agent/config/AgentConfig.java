package io.mcpegress.agent.config;

import io.mcpegress.agent.routing.HostPatterns;
import io.mcpegress.agent.routing.ProxyEndpoint;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** The validated configuration. Immutable; built once at start by {@link ConfigLoader}. */
public final class AgentConfig {

    public enum Mode { ENFORCE, MONITOR }

    public enum OnError { EXIT, CONTINUE }

    private final boolean enabled;
    private final ProxyEndpoint proxy;
    private final HostPatterns bypass;
    private final Mode mode;
    private final Path auditFile;
    private final String auditFormat;
    private final int queueCapacity;
    private final String serviceName;
    private final OnError onError;
    private final boolean debug;
    private final boolean injectFaults;
    private final String configFile;
    private final Map<String, String> raw;

    private AgentConfig(Map<String, String> raw) {
        this.raw = Map.copyOf(raw);
        this.enabled = bool(raw, ConfigKey.ENABLED);
        this.configFile = raw.get(ConfigKey.CONFIG_FILE.key());
        String proxyValue = value(raw, ConfigKey.PROXY);
        this.proxy = proxyValue == null || proxyValue.isBlank() ? null : parse(ConfigKey.PROXY, proxyValue, ProxyEndpoint::parse);
        this.bypass = parse(ConfigKey.PROXY_BYPASS, value(raw, ConfigKey.PROXY_BYPASS), HostPatterns::parse);
        this.mode = oneOf(raw, ConfigKey.MODE, Mode.class);
        String file = value(raw, ConfigKey.AUDIT_FILE);
        if (file == null || file.isBlank()) {
            throw ConfigException.invalid(ConfigKey.AUDIT_FILE.key(), String.valueOf(file), ConfigKey.AUDIT_FILE.expected());
        }
        this.auditFile = parse(ConfigKey.AUDIT_FILE, file, Path::of);
        this.auditFormat = value(raw, ConfigKey.AUDIT_FORMAT).trim().toLowerCase(Locale.ROOT);
        if (!auditFormat.equals("ecs") && !auditFormat.equals("ocsf")) {
            throw ConfigException.invalid(ConfigKey.AUDIT_FORMAT.key(), auditFormat, ConfigKey.AUDIT_FORMAT.expected());
        }
        this.queueCapacity = intInRange(raw, ConfigKey.AUDIT_QUEUE_CAPACITY, 16, 10_000_000);
        String service = value(raw, ConfigKey.SERVICE_NAME);
        if (service != null && service.isBlank()) {
            throw ConfigException.invalid(ConfigKey.SERVICE_NAME.key(), service, ConfigKey.SERVICE_NAME.expected());
        }
        this.serviceName = service;
        this.onError = oneOf(raw, ConfigKey.STARTUP_ON_ERROR, OnError.class);
        this.debug = bool(raw, ConfigKey.DEBUG);
        this.injectFaults = bool(raw, ConfigKey.DEBUG_INJECT_FAULTS);
    }

    public static AgentConfig from(Map<String, String> raw) {
        return new AgentConfig(raw);
    }

    public boolean enabled() {
        return enabled;
    }

    /** The forward proxy every non-bypassed call is sent through; empty means audit only. */
    public Optional<ProxyEndpoint> proxy() {
        return Optional.ofNullable(proxy);
    }

    public HostPatterns bypass() {
        return bypass;
    }

    public Mode mode() {
        return mode;
    }

    public Path auditFile() {
        return auditFile;
    }

    /**
     * SHA-256 over the effective settings (key=value, sorted), so a SIEM can tell which agents run
     * the same configuration and when it changed. Secrets never enter the configuration (tokens
     * are read from a variable or file named by it), so the hash reveals nothing.
     */
    public String configHash() {
        StringBuilder sb = new StringBuilder();
        new java.util.TreeMap<>(raw).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return io.mcpegress.agent.util.Sha256.hex(sb.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public String auditFormat() {
        return auditFormat;
    }

    public int queueCapacity() {
        return queueCapacity;
    }

    /** Configured service name, or empty to let the agent derive one. */
    public Optional<String> serviceName() {
        return Optional.ofNullable(serviceName);
    }

    public OnError onError() {
        return onError;
    }

    public boolean debug() {
        return debug;
    }

    /** Test switch: every agent hook fails, to prove the application never notices. */
    public boolean injectFaults() {
        return injectFaults;
    }

    public Optional<String> configFile() {
        return Optional.ofNullable(configFile);
    }

    /**
     * The resolved string value of any key (default applied), for subsystems that parse their own
     * keys (policy, sinks). {@code null} when unset and without default.
     */
    public String value(ConfigKey key) {
        return value(raw, key);
    }

    private static String value(Map<String, String> raw, ConfigKey key) {
        String v = raw.get(key.key());
        return v != null ? v : key.defaultValue();
    }

    private interface Parser<T> {
        T parse(String value) throws Exception;
    }

    private static <T> T parse(ConfigKey key, String value, Parser<T> parser) {
        try {
            return parser.parse(value);
        } catch (Exception e) {
            throw ConfigException.invalid(key.key(), value, key.expected());
        }
    }

    private static boolean bool(Map<String, String> raw, ConfigKey key) {
        String v = value(raw, key).trim().toLowerCase(Locale.ROOT);
        if (v.equals("true")) {
            return true;
        }
        if (v.equals("false")) {
            return false;
        }
        throw ConfigException.invalid(key.key(), v, "true or false");
    }

    private static <E extends Enum<E>> E oneOf(Map<String, String> raw, ConfigKey key, Class<E> type) {
        String v = value(raw, key);
        try {
            return Enum.valueOf(type, v.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(key.key(), v, key.expected());
        }
    }

    private static int intInRange(Map<String, String> raw, ConfigKey key, int min, int max) {
        String v = value(raw, key);
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through to the error
        }
        throw ConfigException.invalid(key.key(), v, key.expected());
    }
}
