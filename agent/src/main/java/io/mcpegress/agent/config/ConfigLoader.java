package io.mcpegress.agent.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Collects raw values from the four sources and resolves them by precedence, highest first:
 * <ol>
 *   <li>agent arguments ({@code -javaagent:agent.jar=proxy=http://p:3128;mode=monitor})</li>
 *   <li>system properties ({@code -Dmcp.egress.proxy=...})</li>
 *   <li>environment variables ({@code MCP_EGRESS_PROXY=...})</li>
 *   <li>the file named by {@code mcp.egress.config} (YAML or .properties)</li>
 *   <li>built-in defaults</li>
 * </ol>
 * Unknown keys under {@code mcp.egress.} (or {@code MCP_EGRESS_}) are errors.
 */
public final class ConfigLoader {

    private ConfigLoader() {
    }

    public static AgentConfig load(String agentArgs, Properties systemProperties, Map<String, String> env) {
        Map<String, String> fromArgs = parseAgentArgs(agentArgs);
        Map<String, String> fromProps = fromSystemProperties(systemProperties);
        Map<String, String> fromEnv = fromEnvironment(env);

        String configFile = firstNonNull(ConfigKey.CONFIG_FILE.key(), fromArgs, fromProps, fromEnv);
        Map<String, String> fromFile = configFile == null ? Map.of() : readFile(configFile);

        Map<String, String> merged = new LinkedHashMap<>(fromFile);
        merged.putAll(fromEnv);
        merged.putAll(fromProps);
        merged.putAll(fromArgs);
        return AgentConfig.from(merged);
    }

    private static String firstNonNull(String key, Map<String, String>... sources) {
        for (Map<String, String> source : sources) {
            String v = source.get(key);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    /** {@code key=value} pairs separated by ';'. Keys may omit the {@code mcp.egress.} prefix. */
    static Map<String, String> parseAgentArgs(String args) {
        Map<String, String> out = new LinkedHashMap<>();
        if (args == null || args.isBlank()) {
            return out;
        }
        for (String pair : args.split(";")) {
            if (pair.isBlank()) {
                continue;
            }
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("agent argument '" + pair.trim()
                        + "' is invalid: expected key=value pairs separated by ';'");
            }
            put(out, qualify(pair.substring(0, eq).trim()), pair.substring(eq + 1).trim());
        }
        return out;
    }

    static Map<String, String> fromSystemProperties(Properties props) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith(ConfigKey.PREFIX)) {
                put(out, name, props.getProperty(name));
            }
        }
        return out;
    }

    static Map<String, String> fromEnvironment(Map<String, String> env) {
        String envPrefix = ConfigKey.toEnvName(ConfigKey.PREFIX);
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().startsWith(envPrefix)) {
                continue;
            }
            ConfigKey key = ConfigKey.byEnvName(e.getKey()).orElseThrow(() -> new ConfigException(
                    "unknown environment variable " + e.getKey() + ": expected one of the keys in docs/configuration.md"
                            + hint(e.getKey().toLowerCase(Locale.ROOT).replace('_', '.'))));
            out.put(key.key(), e.getValue());
        }
        return out;
    }

    static Map<String, String> readFile(String file) {
        Path path = Path.of(file);
        if (!Files.isReadable(path)) {
            throw ConfigException.invalid(ConfigKey.CONFIG_FILE.key(), file, ConfigKey.CONFIG_FILE.expected()
                    + " that exists and is readable");
        }
        String lower = file.toLowerCase(Locale.ROOT);
        try {
            if (lower.endsWith(".yaml") || lower.endsWith(".yml")) {
                return readYaml(path);
            }
            if (lower.endsWith(".properties")) {
                Properties props = new Properties();
                try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
                    props.load(r);
                }
                Map<String, String> out = new LinkedHashMap<>();
                for (String name : props.stringPropertyNames()) {
                    put(out, qualify(name), props.getProperty(name));
                }
                return out;
            }
        } catch (IOException e) {
            throw ConfigException.invalid(ConfigKey.CONFIG_FILE.key(), file, "a readable file (" + e.getMessage() + ")");
        }
        throw ConfigException.invalid(ConfigKey.CONFIG_FILE.key(), file, "a file ending in .yaml, .yml or .properties");
    }

    private static Map<String, String> readYaml(Path path) throws IOException {
        Object root;
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ConfigException(ConfigKey.CONFIG_FILE.key() + "='" + path + "' line " + line
                    + ": " + e.getProblem() + ": expected valid YAML");
        }
        Map<String, String> out = new LinkedHashMap<>();
        if (root == null) {
            return out;
        }
        if (!(root instanceof Map)) {
            throw ConfigException.invalid(ConfigKey.CONFIG_FILE.key(), path.toString(), "a YAML mapping of keys to values");
        }
        flatten("", (Map<?, ?>) root, out);
        return out;
    }

    /** {@code audit: {file: x}} becomes {@code mcp.egress.audit.file=x}; lists become comma lists. */
    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String name = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map) {
                flatten(name + ".", (Map<?, ?>) v, out);
            } else if (v instanceof Collection) {
                put(out, qualify(name), ((Collection<?>) v).stream().map(String::valueOf).collect(Collectors.joining(",")));
            } else {
                put(out, qualify(name), v == null ? "" : String.valueOf(v));
            }
        }
    }

    private static String qualify(String name) {
        String n = name.startsWith(ConfigKey.PREFIX) ? name : ConfigKey.PREFIX + name;
        return n;
    }

    private static void put(Map<String, String> out, String key, String value) {
        if (ConfigKey.byName(key).isEmpty()) {
            throw new ConfigException("unknown configuration key " + key + ": expected one of the keys in docs/configuration.md" + hint(key));
        }
        out.put(key, value);
    }

    private static String hint(String key) {
        return ConfigKey.closest(key).map(k -> " (did you mean " + k.key() + "?)").orElse("");
    }
}
