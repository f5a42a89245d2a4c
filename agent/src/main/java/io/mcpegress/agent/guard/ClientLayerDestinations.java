package io.mcpegress.agent.guard;

import io.mcpegress.agent.dispatch.DirectExchanges;
import io.mcpegress.agent.policy.PolicyRequest;
import io.mcpegress.bootstrap.UrlParts;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URL;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Hosts the client layer (the instrumented HTTP clients) has just audited: their connections are
 * already in the trail, so the socket guard must not report them a second time. Bounded and
 * time-limited; a host is remembered for {@link #TTL_NANOS} after its last exchange (to within {@link #REFRESH_NANOS}).
 */
final class ClientLayerDestinations {

    static final long TTL_NANOS = 10L * 60 * 1_000_000_000L;
    /**
     * A host's time is rewritten at most this often: every exchange records its host (two or three
     * times with redirects and the route call), and rewriting took the map's bin lock and boxed a
     * Long on each, under contention when many threads call the same API. A TTL of minutes does
     * not need a time more exact than a second.
     */
    static final long REFRESH_NANOS = 1_000_000_000L;
    private static final int MAX = 4096;

    /** A direct exchange connects right after it starts; older entries are not trusted. */
    static final long DIRECT_TTL_NANOS = 60L * 1_000_000_000L;

    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>();
    /** Host name to the handle of the latest allowed direct exchange to it (no wrapper: one put per exchange). */
    private final ConcurrentHashMap<String, Object> direct = new ConcurrentHashMap<>();

    ClientLayerDestinations() {
        this(System::nanoTime);
    }

    /** With another clock than {@link System#nanoTime()} for the hosts' times (tests). */
    ClientLayerDestinations(LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * An exchange has started: when it is allowed and goes direct, its connection is re-checked with
     * the resolved address in its own context (method, path, tool).
     */
    void recordDirect(Object exchange) {
        String host = DirectExchanges.allowedDirectHost(exchange);
        if (host == null || host.isEmpty()) {
            return;
        }
        if (direct.size() >= MAX) {
            direct.clear();
        }
        direct.put(normalize(host), exchange);
    }

    /** For tests: a direct call to {@code request.host()} with this request, without an exchange. */
    void recordDirect(PolicyRequest request) {
        direct.put(normalize(request.host()), request);
    }

    /**
     * The policy request of the most recent direct exchange to the host this connection names (the
     * host as the client gave it, which a resolved {@code InetSocketAddress} keeps), or {@code null}.
     */
    PolicyRequest directRequest(InetSocketAddress remote) {
        String host = remote.getHostString();
        if (host == null) {
            return null;
        }
        Object exchange = direct.get(normalize(host));
        if (exchange instanceof PolicyRequest) {
            return (PolicyRequest) exchange;
        }
        // the exchange's start is System.nanoTime() of the dispatcher, whatever clock this uses
        return exchange != null && System.nanoTime() - DirectExchanges.startNanos(exchange) < DIRECT_TTL_NANOS
                ? DirectExchanges.request(exchange) : null;
    }

    void record(String host) {
        if (host == null || host.isEmpty()) {
            return;
        }
        String key = normalize(host);
        long now = clock.getAsLong();
        Long at = seen.get(key); // lock-free: the common case writes nothing
        if (at != null && now - at < REFRESH_NANOS) {
            return;
        }
        if (seen.size() >= MAX) {
            seen.clear();
        }
        seen.put(key, now);
    }

    void recordUrl(Object url) {
        try {
            if (url instanceof URI) {
                record(((URI) url).getHost());
            } else if (url instanceof URL) {
                record(((URL) url).getHost());
            } else if (url instanceof UrlParts) {
                record(((UrlParts) url).host);
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
        return at != null && clock.getAsLong() - at < TTL_NANOS;
    }

    private static String normalize(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return h;
    }
}
