package io.mcpegress.bootstrap;

import java.io.IOException;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.util.List;

/**
 * A {@link ProxySelector} that asks the agent for the route of every URI. Instrumentations of
 * libraries that take a selector (OkHttp, Apache's system-default route planners) install it in
 * place of whatever the application configured; the application's selector is kept as the
 * delegate for destinations the agent leaves alone (bypass list, no proxy configured).
 */
public final class EgressProxySelector extends ProxySelector {

    private final String client;
    private final ProxySelector delegate;

    private EgressProxySelector(String client, ProxySelector delegate) {
        this.client = client;
        this.delegate = delegate;
    }

    /** Wraps {@code appSelector} (may be null: system default); never wraps twice. */
    public static ProxySelector wrap(String client, ProxySelector appSelector) {
        if (appSelector instanceof EgressProxySelector) {
            return appSelector;
        }
        return new EgressProxySelector(client, appSelector);
    }

    /** The application's own selector, or {@code null} for the system default. */
    public ProxySelector delegate() {
        return delegate;
    }

    @Override
    public List<Proxy> select(URI uri) {
        Proxy chosen = EgressHooks.route(client, uri.getScheme(), uri.getHost(), uri.getPort(), null);
        if (chosen != null) {
            return List.of(chosen);
        }
        ProxySelector app = delegate != null ? delegate : ProxySelector.getDefault();
        if (app == null || app instanceof EgressProxySelector) {
            return List.of(Proxy.NO_PROXY);
        }
        return app.select(uri);
    }

    @Override
    public void connectFailed(URI uri, SocketAddress address, IOException failure) {
        ProxySelector app = delegate != null ? delegate : ProxySelector.getDefault();
        if (app != null && !(app instanceof EgressProxySelector)) {
            app.connectFailed(uri, address, failure);
        }
    }
}
