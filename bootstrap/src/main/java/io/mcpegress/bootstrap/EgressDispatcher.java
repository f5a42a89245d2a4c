package io.mcpegress.bootstrap;

import java.net.Proxy;
import java.util.concurrent.CompletableFuture;

/**
 * What the agent implements and the advice calls, through {@link EgressHooks}.
 *
 * <p>Lives on the bootstrap class path, so it may only mention JDK types: advice woven into
 * {@code java.net.http} or {@code sun.net.www} cannot see anything else. Opaque handles travel as
 * {@code Object}.
 */
public interface EgressDispatcher {

    /**
     * The proxy a client must use for a destination.
     *
     * @param client   instrumentation name, e.g. {@code jdk-httpclient}
     * @param appProxy what the application configured; {@code null} means "library default"
     * @return the proxy to use; {@code appProxy} itself when the agent leaves the call alone
     */
    Proxy route(String client, String scheme, String host, int port, Proxy appProxy);

    /**
     * An exchange (one request/response, a redirect hop is its own) is about to be sent.
     *
     * @param url the request URL as the client sees it, in plaintext ({@code java.net.URI} or
     *            {@code java.net.URL}); redacted before anything records it
     * @return a handle for {@link #exchangeEnd}, or {@code null} when the exchange is not audited
     */
    Object exchangeStart(String client, String method, Object url);

    /**
     * The exchange finished: a response head arrived ({@code statusCode > 0}) or it failed.
     *
     * @param httpVersion "1.1", "2", or {@code null} when unknown
     */
    void exchangeEnd(Object handle, int statusCode, String httpVersion, Throwable error);

    /**
     * Completes the exchange when {@code responseFuture} completes; the future's value is the
     * client's internal response object, read by the agent.
     */
    void exchangeEndWhenDone(Object handle, CompletableFuture<?> responseFuture);

    /**
     * Per-thread scratch for instrumentations that span several methods of one call on one
     * thread (HttpURLConnection follows redirects inside one getInputStream call).
     */
    Object currentExchange(Object owner);

    /** Binds or clears (handle == null) the exchange running for {@code owner} on this thread. */
    void setCurrentExchange(Object owner, Object handle);

    /**
     * A redirect hop finished and the client follows it: record the hop, start the next one. The
     * next hop only counts as an exchange once {@link #exchangeAttempted} is called for it (a client
     * that stops at its redirect limit prepares a hop it never sends).
     */
    Object redirectFollowed(Object handle, int statusCode, String newMethod, Object newUrl);

    /** The exchange really went to the network (connect or request write started). */
    void exchangeAttempted(Object handle);

    /**
     * The exception the client must fail with because the policy denies this exchange in enforce
     * mode, or {@code null} to let it proceed. A denied exchange is recorded (route {@code blocked})
     * before this returns; nothing has been sent.
     */
    EgressDeniedException denial(Object handle);

    /**
     * For a connection opened outside any exchange (the application called connect() first): the
     * exception to fail with when the destination is denied in enforce mode, else {@code null}.
     */
    EgressDeniedException checkConnect(String client, String method, Object url);

    /**
     * The application set a {@code Host} header on the exchange: when it names another host than the
     * URL (domain fronting: the proxy and TLS see the URL's host, the server routes by the header),
     * that host must pass the policy too. Returns the exception to fail with in enforce mode, after
     * recording the exchange as denied, else {@code null}. Nothing has been sent.
     */
    default EgressDeniedException hostHeaderDenial(Object handle, String hostHeader) {
        return null;
    }

    /**
     * True when the exchange was allowed and goes direct (no proxy): only then can the socket guard
     * still refuse its connection at connect time.
     */
    default boolean goesDirect(Object handle) {
        return false;
    }

    /** No-op implementation used before the agent installs itself and when it is disabled. */
    EgressDispatcher NOOP = new EgressDispatcher() {
        @Override
        public Proxy route(String client, String scheme, String host, int port, Proxy appProxy) {
            return appProxy;
        }

        @Override
        public Object exchangeStart(String client, String method, Object url) {
            return null;
        }

        @Override
        public void exchangeEnd(Object handle, int statusCode, String httpVersion, Throwable error) {
        }

        @Override
        public void exchangeEndWhenDone(Object handle, CompletableFuture<?> responseFuture) {
        }

        @Override
        public Object currentExchange(Object owner) {
            return null;
        }

        @Override
        public void setCurrentExchange(Object owner, Object handle) {
        }

        @Override
        public Object redirectFollowed(Object handle, int statusCode, String newMethod, Object newUrl) {
            return null;
        }

        @Override
        public void exchangeAttempted(Object handle) {
        }

        @Override
        public EgressDeniedException denial(Object handle) {
            return null;
        }

        @Override
        public EgressDeniedException checkConnect(String client, String method, Object url) {
            return null;
        }
    };
}
