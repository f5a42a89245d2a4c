package io.mcpegress.agent.audit;

import java.net.URI;
import java.net.URL;
import java.util.Locale;

/**
 * The destination of one exchange, parsed from the client's URI or URL and already redacted:
 * the password of any userinfo is dropped and secret query parameters are masked.
 */
public final class RequestTarget {

    private final String scheme;
    private final String host;
    private final int port;
    private final String path;
    private final String query;
    private final String username;
    private final String full;

    private RequestTarget(String scheme, String host, int port, String path, String query, String username) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.path = path == null || path.isEmpty() ? "/" : path;
        this.query = Redaction.redactQuery(query);
        this.username = username;
        StringBuilder b = new StringBuilder(64);
        b.append(scheme).append("://");
        if (host != null) {
            b.append(host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host);
        }
        if (port > 0 && port != defaultPort(scheme)) {
            b.append(':').append(port);
        }
        b.append(this.path);
        if (this.query != null) {
            b.append('?').append(this.query);
        }
        this.full = b.toString();
    }

    /** From a {@link URI} or {@link URL}; anything else (or a malformed value) gives an "unknown" target. */
    public static RequestTarget of(Object url) {
        try {
            if (url instanceof URI) {
                URI u = (URI) url;
                return create(u.getScheme(), u.getHost() != null ? u.getHost() : u.getRawAuthority(),
                        u.getPort(), u.getRawPath(), u.getRawQuery(), u.getRawUserInfo());
            }
            if (url instanceof URL) {
                URL u = (URL) url;
                return create(u.getProtocol(), u.getHost(), u.getPort(), u.getPath(), u.getQuery(), u.getUserInfo());
            }
        } catch (RuntimeException malformed) {
            // fall through: an odd URL must never break the call or lose the event
        }
        return create("unknown", String.valueOf(url), -1, null, null, null);
    }

    static RequestTarget create(String scheme, String host, int port, String path, String query, String userInfo) {
        String s = scheme == null ? "unknown" : scheme.toLowerCase(Locale.ROOT);
        int effectivePort = port > 0 ? port : defaultPort(s);
        String user = null;
        if (userInfo != null && !userInfo.isEmpty()) {
            int colon = userInfo.indexOf(':');
            user = colon >= 0 ? userInfo.substring(0, colon) : userInfo;
        }
        String h = host == null ? null : host.toLowerCase(Locale.ROOT);
        if (h != null && h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        return new RequestTarget(s, h, effectivePort, path, query, user);
    }

    static int defaultPort(String scheme) {
        switch (scheme) {
            case "http":
            case "ws":
                return 80;
            case "https":
            case "wss":
                return 443;
            default:
                return -1;
        }
    }

    public String scheme() {
        return scheme;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public String path() {
        return path;
    }

    /** Redacted query without '?', or {@code null}. */
    public String query() {
        return query;
    }

    public String username() {
        return username;
    }

    /** The redacted URL: no password, no fragment, secret parameters masked. */
    public String full() {
        return full;
    }

    /** True when the host is an IPv4 or IPv6 literal rather than a name. */
    public boolean hostIsIp() {
        if (host == null || host.isEmpty()) {
            return false;
        }
        if (host.indexOf(':') >= 0) {
            return true;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(c >= '0' && c <= '9' || c == '.')) {
                return false;
            }
        }
        return true;
    }
}
