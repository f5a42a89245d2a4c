package io.mcpegress.bootstrap;

import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * The client ({@code clientInfo} name and version) of each live MCP session, for SDK sessions whose
 * request path cannot read it directly (the streamable HTTP session keeps it in a private field of
 * the outer session, while requests run in its per-POST stream object). Keyed weakly by the session
 * object: an ended session leaves nothing behind.
 */
public final class McpSessionClients {

    private static final Map<Object, String[]> CLIENTS = Collections.synchronizedMap(new WeakHashMap<>());

    private McpSessionClients() {
    }

    public static void register(Object session, String clientName, String clientVersion) {
        if (session != null && (clientName != null || clientVersion != null)) {
            CLIENTS.put(session, new String[] {clientName, clientVersion});
        }
    }

    /** {@code [name, version]} of the session's client, or {@code null} when unknown. */
    public static String[] lookup(Object session) {
        return session == null ? null : CLIENTS.get(session);
    }
}
