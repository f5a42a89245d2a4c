package io.mcpegress.agent.guard;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Hosts the client layer (the instrumented HTTP clients) has just audited: their connections are
 * already in the trail, so the socket guard must not report them a second time. Bounded and
 * time-limited; a host is remembered for {@link #TTL_NANOS} after its last exchange.
 */
final class ClientLayerDestinations {

    static final long TTL_NANOS = 10L * 60 * 1_000_000_000L;
    private static final int MAX = 4096;

    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();

    void record(String host) {
        if (host == null || host.isEmpty()) {
            return;
        }
        if (seen.size() >= MAX) {
            seen.clear();
        }
        seen.put(normalize(host), System.nanoTime());
    }

    void recordUrl(Object url) {
        try {
            if (url instanceof URI) {
                record(((URI) url).getHost());
            } else if (url instanceof URL) {
                record(((URL) url).getHost());
            }
        } catch (RuntimeException ignored) {
            // an odd URL is simply not remembered
        }
    }

    boolean contains(InetSocketAddress remote) {
        return fresh(remote.getHostString())
                || (remote.getAddress() != null && fresh(remote.getAddress().getHostAddress()));
    }

    private boolean fresh(String host) {
        if (host == null) {
            return false;
        }
        Long at = seen.get(normalize(host));
        return at != null && System.nanoTime() - at < TTL_NANOS;
    }

    private static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h;
    }
}
