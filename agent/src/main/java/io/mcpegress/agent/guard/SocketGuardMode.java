package io.mcpegress.agent.guard;

import io.mcpegress.agent.config.AgentConfig;
import io.mcpegress.agent.config.ConfigException;
import io.mcpegress.agent.config.ConfigKey;

import java.util.Locale;

/** {@code mcp.egress.socket-guard}: {@code enforce}, {@code monitor} or {@code off}; unset follows {@code mcp.egress.mode}. */
public enum SocketGuardMode {
    ENFORCE, MONITOR, OFF;

    public static SocketGuardMode from(AgentConfig config) {
        String v = config.value(ConfigKey.SOCKET_GUARD);
        if (v == null || v.isBlank()) {
            return config.mode() == AgentConfig.Mode.ENFORCE ? ENFORCE : MONITOR;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "enforce":
                return ENFORCE;
            case "monitor":
                return MONITOR;
            case "off":
                return OFF;
            default:
                throw ConfigException.invalid(ConfigKey.SOCKET_GUARD.key(), v, ConfigKey.SOCKET_GUARD.expected());
        }
    }
}
