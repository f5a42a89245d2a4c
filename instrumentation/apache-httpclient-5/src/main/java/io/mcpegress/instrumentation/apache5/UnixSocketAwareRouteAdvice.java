package io.mcpegress.instrumentation.apache5;

import io.mcpegress.bootstrap.apache.HttpClient5Support;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.core5.http.HttpHost;

import java.net.InetSocketAddress;

/**
 * Routing for HttpClient 5.6+: keeps the target name and never touches a Unix-domain-socket route.
 *
 * <p>Runs on entry of the {@code ExecChain.Scope} / {@code AsyncExecChain.Scope} constructors and
 * replaces their {@code route} argument before it is stored. Every exchange of the classic and the
 * async client carries its route in a scope: the first request (route from the client's planner,
 * whichever it is: default, system selector, {@code setProxy}, a custom {@code HttpRoutePlanner})
 * and every redirect hop (a new scope with the planner's new route). The library's own proxy support
 * then does the rest: absolute-form requests for http, a CONNECT tunnel for https, TLS end to end.
 * Left alone: schemes other than http/https (custom socket factories, e.g. Docker's unix://),
 * the HTTP/2-only client (it cannot use a proxy: the socket guard meets those calls), and Unix-domain-socket routes (local IPC).
 */
public final class UnixSocketAwareRouteAdvice {

    private UnixSocketAwareRouteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 1, readOnly = false) HttpRoute route,
                             @Advice.AllArguments Object[] arguments) {
        if (route == null || route.getUnixDomainSocket() != null) {
            return;
        }
        HttpHost target = route.getTargetHost();
        HttpHost proxy = route.getProxyHost();
        InetSocketAddress address = HttpClient5Support.proxyFor(arguments, target.getSchemeName(), target.getHostName(),
                target.getPort(), route.getHopCount(), proxy == null ? null : proxy.getHostName(),
                proxy == null ? -1 : proxy.getPort());
        if (address == null) {
            return;
        }
        route = new HttpRoute(target, route.getTargetName(), route.getLocalAddress(),
                new HttpHost(address.getHostString(), address.getPort()), route.isSecure() || "https".equalsIgnoreCase(target.getSchemeName()));
    }
}
