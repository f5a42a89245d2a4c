package io.mcpegress.agent.dispatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an instrumentation name into the {@code mcp.egress.client} value, {@code name/version}.
 * JDK clients pass their bare name and get the JDK version; library instrumentations pass
 * {@code name/version} themselves (they read the library's own version constant).
 */
public final class ClientNames {

    private final String jdkVersion = System.getProperty("java.version", "unknown");
    private final Map<String, String> qualified = new ConcurrentHashMap<>();

    String qualified(String client) {
        String known = qualified.get(client); // the lambda below captures this: built only on a miss
        return known != null ? known : qualified.computeIfAbsent(client, c -> c.indexOf('/') >= 0 ? c : c + "/" + jdkVersion);
    }
}
