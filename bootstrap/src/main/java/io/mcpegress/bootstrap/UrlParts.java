package io.mcpegress.bootstrap;

/**
 * A request URL as the parts a client library already holds, for
 * {@link EgressHooks#exchangeStart}: OkHttp's {@code HttpUrl.uri()} re-encodes the whole URL and
 * parses it again into a {@link java.net.URI} on every call, a few microseconds and a kilobyte of
 * garbage per request that the agent only takes apart again. Parts are raw (percent-encoded) as in
 * {@link java.net.URI#getRawPath()}.
 */
public final class UrlParts {

    public final String scheme;
    public final String host;
    /** The port, or -1 for the scheme's default. */
    public final int port;
    public final String rawPath;
    /** Without '?', {@code null} when there is none. */
    public final String rawQuery;
    /** The user name of the URL's user info, or {@code null}/empty; a password is never passed. */
    public final String user;

    private UrlParts(String scheme, String host, int port, String rawPath, String rawQuery, String user) {
        this.scheme = scheme;
        this.host = host;
        this.port = port;
        this.rawPath = rawPath;
        this.rawQuery = rawQuery;
        this.user = user;
    }

    public static UrlParts of(String scheme, String host, int port, String rawPath, String rawQuery, String user) {
        return new UrlParts(scheme, host, port, rawPath, rawQuery, user);
    }

    @Override
    public String toString() {
        return scheme + "://" + (host != null && host.indexOf(':') >= 0 ? "[" + host + "]" : host)
                + (port > 0 ? ":" + port : "") + rawPath + (rawQuery != null ? "?<query>" : "");
    }
}
