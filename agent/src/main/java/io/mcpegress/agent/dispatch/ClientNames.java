package io.mcpegress.agent.dispatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns an instrumentation name into the {@code mcp.egress.client} value, {@code name/version}.
 * JDK clients carry the JDK version; library modules register the version they detected.
 */
public final class ClientNames {

    private final String jdkVersion = System.getProperty("java.version", "unknown");
    private final Map<String, String> qualified = new ConcurrentHashMap<>();

    public void registerVersion(String client, String version) {
        qualified.put(client, client + "/" + version);
    }

    String qualified(String client) {
        return qualified.computeIfAbsent(client, c -> c + "/" + jdkVersion);
    }
}
