package io.mcpegress.agent.util;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The agent's own diagnostics. Always stderr, never stdout: an MCP server on the stdio transport
 * speaks JSON-RPC on stdout and one stray line breaks its client.
 */
public final class AgentLog {

    private static final String PREFIX = "[mcp-egress-agent] ";
    private static final Set<String> ONCE = ConcurrentHashMap.newKeySet();
    private static volatile boolean debug;

    private AgentLog() {
    }

    public static void setDebug(boolean enabled) {
        debug = enabled;
    }

    public static boolean debugEnabled() {
        return debug;
    }

    public static void info(String message) {
        System.err.println(PREFIX + message);
    }

    public static void warn(String message) {
        System.err.println(PREFIX + "WARN " + message);
    }

    /** Logs the first occurrence per key only, so a persistent fault cannot flood stderr. */
    public static void warnOnce(String key, String message) {
        if (ONCE.add(key)) {
            warn(message + " (further occurrences are counted, not logged)");
        }
    }

    public static void debug(String message) {
        if (debug) {
            System.err.println(PREFIX + "DEBUG " + message);
        }
    }
}
