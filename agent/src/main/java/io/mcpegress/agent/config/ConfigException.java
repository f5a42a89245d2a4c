package io.mcpegress.agent.config;

/** A configuration value the agent cannot accept. The message is one line for the operator. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    /** "{key}='{value}' is invalid: expected {expected}" — names the key, the value and the form. */
    public static ConfigException invalid(String key, String value, String expected) {
        return new ConfigException(key + "='" + value + "' is invalid: expected " + expected);
    }
}
