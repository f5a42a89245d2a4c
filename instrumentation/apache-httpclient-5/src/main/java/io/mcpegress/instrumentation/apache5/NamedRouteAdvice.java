package io.mcpegress.instrumentation.apache5;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.core5.http.HttpHost;

import java.net.InetSocketAddress;
import java.net.Proxy;

/**
 * Routing for HttpClient 5.4 and 5.5: the rerouted route keeps the original target name (TLS server name).
 *
 * <p>Runs on entry of the {@code ExecChain.Scope} / {@code AsyncExecChain.Scope} constructors and
 * replaces their {@code route} argument before it is stored. Every exchange of the classic and the
 * async client carries its route in a scope: the first request (route from the client's planner,
 * whichever it is: default, system selector, {@code setProxy}, a custom {@code HttpRoutePlanner})
 * and every redirect hop (a new scope with the planner's new route). The library's own proxy support
 * then does the rest: absolute-form requests for http, a CONNECT tunnel for https, TLS end to end.
 * Left alone: schemes other than http/https (custom socket factories, e.g. Docker's unix://),
 * the HTTP/2-only client (it cannot use a proxy: the socket guard meets those calls).
 */
public final class NamedRouteAdvice {

    private NamedRouteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 1, readOnly = false) HttpRoute route,
                             @Advice.AllArguments Object[] arguments) {
        if (route == null) {
            return;
        }
        for (Object argument : arguments) {
            if (argument != null && ApacheHttpClient5Module.H2_RUNTIME.equals(argument.getClass().getName())) {
                return;
            }
        }
        HttpHost target = route.getTargetHost();
        String scheme = target.getSchemeName();
        boolean https = "https".equalsIgnoreCase(scheme);
        if (!https && !"http".equalsIgnoreCase(scheme)) {
            return;
        }
        Proxy proxy = EgressHooks.route(ApacheHttpClient5Module.CLASSIC, scheme, target.getHostName(), target.getPort(), null);
        if (proxy == null || proxy.type() != Proxy.Type.HTTP || !(proxy.address() instanceof InetSocketAddress)) {
            return;
        }
        InetSocketAddress address = (InetSocketAddress) proxy.address();
        HttpHost current = route.getProxyHost();
        if (route.getHopCount() == 2 && current != null && current.getPort() == address.getPort()
                && current.getHostName().equalsIgnoreCase(address.getHostString())) {
            return;
        }
        route = new HttpRoute(target, route.getTargetName(), route.getLocalAddress(), new HttpHost(address.getHostString(), address.getPort()),
                route.isSecure() || https);
    }
}
