package io.mcpegress.agent.guard;

import io.mcpegress.agent.dispatch.DirectExchanges;
import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressDispatcher;

import java.net.Proxy;
import java.util.concurrent.CompletableFuture;

/**
 * Wraps the agent's dispatcher to tell the socket guard which destinations the client layer has
 * already decided and audited, so their connections are not reported twice. Delegates everything.
 */
public final class TrackingDispatcher implements EgressDispatcher {

    private final EgressDispatcher delegate;
    private final ClientLayerDestinations destinations;

    TrackingDispatcher(EgressDispatcher delegate, ClientLayerDestinations destinations) {
        this.delegate = delegate;
        this.destinations = destinations;
    }

    /** {@code delegate} as the socket guard wraps it when it runs (with a proxy): for benchmarks of the whole hook path. */
    public static EgressDispatcher tracking(EgressDispatcher delegate) {
        return new TrackingDispatcher(delegate, new ClientLayerDestinations());
    }

    @Override
    public Proxy route(String client, String scheme, String host, int port, Proxy appProxy) {
        Proxy p = delegate.route(client, scheme, host, port, appProxy);
        destinations.record(host);
        return p;
    }

    @Override
    public Object exchangeStart(String client, String method, Object url) {
        destinations.recordUrl(url);
        Object handle = delegate.exchangeStart(client, method, url);
        destinations.recordDirect(handle);
        return handle;
    }

    @Override
    public void exchangeEnd(Object handle, int statusCode, String httpVersion, Throwable error) {
        delegate.exchangeEnd(handle, statusCode, httpVersion, error);
    }

    @Override
    public void exchangeEndWhenDone(Object handle, CompletableFuture<?> responseFuture) {
        delegate.exchangeEndWhenDone(handle, responseFuture);
    }

    @Override
    public Object currentExchange(Object owner) {
        return delegate.currentExchange(owner);
    }

    @Override
    public void setCurrentExchange(Object owner, Object handle) {
        delegate.setCurrentExchange(owner, handle);
    }

    @Override
    public Object redirectFollowed(Object handle, int statusCode, String newMethod, Object newUrl) {
        destinations.recordUrl(newUrl);
        Object next = delegate.redirectFollowed(handle, statusCode, newMethod, newUrl);
        destinations.recordDirect(next);
        return next;
    }

    @Override
    public void exchangeAttempted(Object handle) {
        delegate.exchangeAttempted(handle);
    }

    @Override
    public EgressDeniedException denial(Object handle) {
        return delegate.denial(handle);
    }

    /**
     * Only here, with the socket guard installed, can a direct exchange still be refused at connect
     * time; without the guard the dispatcher says no, and the JDK client's response future is not
     * wrapped in one more stage (for every exchange) to surface a denial that cannot happen.
     */
    @Override
    public boolean goesDirect(Object handle) {
        return DirectExchanges.allowedDirectHost(handle) != null;
    }

    @Override
    public EgressDeniedException hostHeaderDenial(Object handle, String hostHeader) {
        return delegate.hostHeaderDenial(handle, hostHeader);
    }

    @Override
    public EgressDeniedException checkConnect(String client, String method, Object url) {
        destinations.recordUrl(url);
        return delegate.checkConnect(client, method, url);
    }
}
