package io.mcpegress.agent.audit;

import io.mcpegress.bootstrap.UrlParts;

import java.net.URI;
import java.net.URL;
import java.util.Locale;
import java.util.Objects;

/**
 * The destination of one exchange, parsed from the client's URI or URL. Only the redacted form
 * ever leaves it: the password of any userinfo is dropped at once, and {@link #query()} and
 * {@link #full()} mask secret query parameters. Those two strings are built on first use: the
 * redacted query by the audit writer thread, normally; the full URL only for a denial's message,
 * as the encoders write it in pieces ({@link #writeFull}). The application thread pays only for
 * this small object.
 */
public final class RequestTarget {

    private final String scheme;
    private final String host;
    private final int port;
    private final String path;
    /** The query as the client gave it: only ever read through {@link #query()}, which redacts. */
    private final String rawQuery;
    private final String username;
    // Built on first use (see above): the application thread keeps only the parts. Racy
    // single-check (like String.hash): Strings are immutable, so at worst two threads compute the
    // same value.
    private String query;
    private String full;

    private RequestTarget(String scheme, String host, int port, String path, String rawQuery, String username) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.path = path == null || path.isEmpty() ? "/" : path;
        this.rawQuery = rawQuery;
        this.username = username;
    }

    /** From a {@link URI}, {@link URL} or {@link UrlParts}; anything else (or a malformed value) gives an "unknown" target. */
    public static RequestTarget of(Object url) {
        try {
            if (url instanceof URI) {
                URI u = (URI) url;
                return create(u.getScheme(), u.getHost() != null ? u.getHost() : u.getRawAuthority(),
                        u.getPort(), u.getRawPath(), u.getRawQuery(), u.getRawUserInfo());
            }
            if (url instanceof UrlParts p) {
                return create(p.scheme, p.host, p.port, p.rawPath, p.rawQuery, p.user);
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
        if (rawQuery == null) {
            return null;
        }
        String q = query;
        if (q == null) {
            q = Redaction.redactQuery(rawQuery); // never null for a non-null query
            query = q;
        }
        return q;
    }

    public String username() {
        return username;
    }

    /** The redacted URL: no password, no fragment, secret parameters masked. */
    public String full() {
        String f = full;
        if (f == null) {
            f = buildFull();
            full = f;
        }
        return f;
    }

    private String buildFull() {
        String q = query();
        int length = scheme.length() + 3 + (host == null ? 0 : host.length() + 2) + 6 + path.length()
                + (q == null ? 0 : q.length() + 1);
        StringBuilder b = new StringBuilder(length);
        b.append(scheme).append("://");
        if (host != null) {
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                b.append('[').append(host).append(']');
            } else {
                b.append(host);
            }
        }
        if (port > 0 && port != defaultPort(scheme)) {
            b.append(':').append(port);
        }
        b.append(path);
        if (q != null) {
            b.append('?').append(q);
        }
        return b.toString();
    }

    /**
     * Where {@link #writeFull} put the path and the query in the line: offsets of their escaped
     * bytes, so the {@code path} and {@code query} fields copy them instead of escaping them again.
     * One per encoder, reused for every line.
     */
    static final class Spans {
        int pathFrom;
        int pathTo;
        /** -1 when there is no query. */
        int queryFrom = -1;
        int queryTo;

        /** The path as a string field, copied from the full URL written last. */
        void copyPath(JsonLineWriter g, byte[] name) {
            g.copiedString(name, pathFrom, pathTo);
        }

        /** The query as a string field, copied likewise; nothing when there is none. */
        void copyQuery(JsonLineWriter g, byte[] name) {
            if (queryFrom >= 0) {
                g.copiedString(name, queryFrom, queryTo);
            }
        }
    }

    /**
     * {@link #full()} as a string field, written in pieces straight into the audit line (no String
     * when it was not built yet, the usual case on the writer thread); {@code at} learns where the
     * path and query went. Escaping is per char, so a piece's bytes are those of the part alone.
     */
    void writeFull(JsonLineWriter g, byte[] name, Spans at) {
        g.startString(name);
        appendFull(g, at);
        g.endString();
    }

    /** {@link #full()} escaped into the string the writer has open; {@code at} learns where the path and query went. */
    void appendFull(JsonLineWriter g, Spans at) {
        String q = query();
        g.append(scheme);
        g.append(':');
        g.append('/');
        g.append('/');
        if (host != null) {
            if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
                g.append('[');
                g.append(host);
                g.append(']');
            } else {
                g.append(host);
            }
        }
        if (port > 0 && port != defaultPort(scheme)) {
            g.append(':');
            g.append(port);
        }
        at.pathFrom = g.position();
        g.append(path);
        at.pathTo = g.position();
        at.queryFrom = -1;
        if (q != null) {
            g.append('?');
            at.queryFrom = g.position();
            g.append(q);
            at.queryTo = g.position();
        }
    }

    /**
     * Whether {@code o} names the same destination: every part an audit line is made from is equal
     * (the query as given, so equal redacted forms follow).
     */
    boolean sameDestination(RequestTarget o) {
        return port == o.port && scheme.equals(o.scheme) && path.equals(o.path)
                && Objects.equals(host, o.host) && Objects.equals(rawQuery, o.rawQuery)
                && Objects.equals(username, o.username);
    }

    /**
     * A hash of the parts {@link #sameDestination} compares, cheap on the writer thread: the host's
     * (a String keeps its hash, and clients reuse the host string), but only the length and last
     * char of the path and the query, which are new strings per call (hashing them char by char
     * was 6 % of the writer's CPU). Two destinations that share a hash only share a cache slot.
     */
    int destinationHash() {
        int h = host == null ? 0 : host.hashCode();
        h = 31 * h + path.length() * 127 + path.charAt(path.length() - 1);
        if (rawQuery != null && !rawQuery.isEmpty()) {
            h = 31 * h + rawQuery.length() * 127 + rawQuery.charAt(rawQuery.length() - 1);
        }
        h = 31 * h + port;
        return h ^ (h >>> 16);
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
