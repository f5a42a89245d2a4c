package io.mcpegress.agent.routing;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.util.Locale;

/** The configured forward proxy, parsed from {@code http://host:port}. */
public final class ProxyEndpoint {

    private final String host;
    private final int port;
    private final Proxy proxy;
    /** Built once: every routed event carries it. */
    private final String url;

    private ProxyEndpoint(String host, int port) {
        this.host = host;
        this.port = port;
        this.url = "http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        InetSocketAddress address = new InetSocketAddress(host, port);
        // an unresolvable name stays unresolved: the client resolves it per connection
        this.proxy = new Proxy(Proxy.Type.HTTP, address.isUnresolved()
                ? InetSocketAddress.createUnresolved(host, port) : address);
    }

    /** Accepts exactly {@code http://host:port} (a trailing '/' is tolerated). */
    public static ProxyEndpoint parse(String value) {
        URI uri = URI.create(value.trim());
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        boolean bareRoot = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
        if (!scheme.equals("http") || uri.getHost() == null || uri.getPort() <= 0 || uri.getPort() > 65535
                || uri.getRawUserInfo() != null || !bareRoot || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(value);
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new ProxyEndpoint(host, uri.getPort());
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** The {@link Proxy} handed to clients; one shared instance. */
    public Proxy asProxy() {
        return proxy;
    }

    @Override
    public String toString() {
        return url;
    }
}
