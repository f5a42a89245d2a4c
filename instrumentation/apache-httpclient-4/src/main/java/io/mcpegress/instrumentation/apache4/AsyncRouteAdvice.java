package io.mcpegress.instrumentation.apache4;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import org.apache.http.HttpHost;
import org.apache.http.conn.routing.HttpRoute;

import java.net.InetSocketAddress;
import java.net.Proxy;

/**
 * {@code AbstractClientExchangeHandler.setRoute(route)}: HttpAsyncClient 4.1's exec stores the
 * planner's route here for the first request and for every redirect hop, before it rewrites the
 * request URI and asks the pool for a connection. Replacing the argument reroutes the exchange
 * whatever planner made it. Only the full client's handler is touched: the minimal and pipelining
 * handlers cannot talk to a proxy (they never tunnel), so their calls are left to the socket guard.
 */
public final class AsyncRouteAdvice {

    private AsyncRouteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object handler,
                             @Advice.Argument(value = 0, readOnly = false) HttpRoute route) {
        if (route == null || !ApacheHttpClient4Module.ASYNC_HANDLER.equals(handler.getClass().getName())) {
            return;
        }
        HttpHost target = route.getTargetHost();
        String scheme = target.getSchemeName();
        boolean https = "https".equalsIgnoreCase(scheme);
        if (!https && !"http".equalsIgnoreCase(scheme)) {
            return;
        }
        Proxy proxy = EgressHooks.route(ApacheHttpClient4Module.ASYNC, scheme, target.getHostName(), target.getPort(), null);
        if (proxy != null && proxy.type() == Proxy.Type.HTTP && proxy.address() instanceof InetSocketAddress) {
            InetSocketAddress address = (InetSocketAddress) proxy.address();
            HttpHost current = route.getProxyHost();
            if (route.getHopCount() != 2 || current == null || current.getPort() != address.getPort()
                    || !current.getHostName().equalsIgnoreCase(address.getHostString())) {
                route = new HttpRoute(target, route.getLocalAddress(),
                        new HttpHost(address.getHostString(), address.getPort()), route.isSecure() || https);
            }
        }
    }
}
