package io.mcpegress.agent.dispatch;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressDispatcher;

import java.net.Proxy;
import java.util.concurrent.CompletableFuture;

/**
 * Enabled by {@code mcp.egress.debug.inject-faults=true}: every hook throws. It exists to prove the
 * "never break the host" rule end to end: with the agent failing at every step, the application's
 * calls must still behave exactly as without the agent, and every failure must be counted.
 */
public final class FaultInjectingDispatcher implements EgressDispatcher {

    private static RuntimeException fault() {
        return new IllegalStateException("injected agent fault (mcp.egress.debug.inject-faults=true)");
    }

    @Override
    public Proxy route(String client, String scheme, String host, int port, Proxy appProxy) {
        throw fault();
    }

    @Override
    public Object exchangeStart(String client, String method, Object url) {
        throw fault();
    }

    @Override
    public void exchangeEnd(Object handle, int statusCode, String httpVersion, Throwable error) {
        throw fault();
    }

    @Override
    public void exchangeEndWhenDone(Object handle, CompletableFuture<?> responseFuture) {
        throw fault();
    }

    @Override
    public Object currentExchange(Object owner) {
        throw fault();
    }

    @Override
    public void setCurrentExchange(Object owner, Object handle) {
        throw fault();
    }

    @Override
    public Object redirectFollowed(Object handle, int statusCode, String newMethod, Object newUrl) {
        throw fault();
    }

    @Override
    public void exchangeAttempted(Object handle) {
        throw fault();
    }

    @Override
    public EgressDeniedException denial(Object handle) {
        throw fault();
    }

    @Override
    public EgressDeniedException checkConnect(String client, String method, Object url) {
        throw fault();
    }
}
