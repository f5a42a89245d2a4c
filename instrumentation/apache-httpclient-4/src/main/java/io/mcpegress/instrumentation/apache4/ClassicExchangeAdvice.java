package io.mcpegress.instrumentation.apache4;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.ProtocolVersion;
import org.apache.http.StatusLine;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.protocol.HttpClientContext;
import org.apache.http.conn.routing.HttpRoute;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;

/**
 * Wraps {@code ProtocolExec.execute(route, request, context, execAware)}, which the classic client
 * runs once per exchange it sends: the first request, every redirect hop ({@code RedirectExec}
 * sits above it) and every retry ({@code RetryExec} too).
 * <ul>
 *   <li>Routing: the route arrives as an argument, whatever planner made it (default, system
 *       selector, {@code setProxy}, the application's own {@code HttpRoutePlanner}) and before
 *       anything used it, so replacing it here reroutes every call. A proxied route makes the
 *       library itself write absolute-form requests for http and open a CONNECT tunnel for https,
 *       so TLS stays end to end and certificates are checked as before.</li>
 *   <li>Audit: one event per call; ended by the response head (the body is streamed later) or by
 *       the failure thrown.</li>
 *   <li>Policy: a denied exchange is not executed, the call fails with the denial. {@code RetryExec}
 *       retries idempotent requests after an IOException; its retries of the same request get the
 *       same denial again without a new event.</li>
 * </ul>
 */
public final class ClassicExchangeAdvice {

    private ClassicExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.Origin Class<?> protocolExec,
                               @Advice.Argument(value = 0, readOnly = false) HttpRoute route,
                               @Advice.Argument(1) HttpRequestWrapper request,
                               @Advice.Argument(2) HttpClientContext context) {
        HttpHost target = route.getTargetHost();
        String scheme = target.getSchemeName();
        boolean https = "https".equalsIgnoreCase(scheme);
        if (https || "http".equalsIgnoreCase(scheme)) {
            Proxy proxy = EgressHooks.route(ApacheHttpClient4Module.CLASSIC, scheme, target.getHostName(),
                    target.getPort(), null);
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

        Object earlier = context.getAttribute(ApacheHttpClient4Module.DENIED_ATTRIBUTE);
        if (earlier instanceof Object[] && ((Object[]) earlier)[0] == request) {
            return ((Object[]) earlier)[1];
        }
        HttpRequest original = request.getOriginal();
        URI uri = original instanceof HttpUriRequest ? ((HttpUriRequest) original).getURI()
                : URI.create(original.getRequestLine().getUri());
        if (!uri.isAbsolute()) {
            String path = uri.toString();
            uri = URI.create(target.toURI() + (path.startsWith("/") ? path : "/" + path));
        }
        Package library = protocolExec.getPackage();
        String version = library == null ? null : library.getImplementationVersion();
        Object handle = EgressHooks.exchangeStart(
                ApacheHttpClient4Module.CLASSIC + "/" + (version == null ? "unknown" : version), request.getMethod(), uri);
        EgressDeniedException denied = EgressHooks.denial(handle);
        if (denied == null) {
            org.apache.http.Header host = request.getFirstHeader("Host"); // only one the application set
            denied = EgressHooks.hostHeaderDenial(handle, host == null ? null : host.getValue());
        }
        if (denied != null) {
            context.setAttribute(ApacheHttpClient4Module.DENIED_ATTRIBUTE, new Object[] {request, denied});
            return denied;
        }
        return handle;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object handle,
                            @Advice.Argument(1) HttpRequestWrapper request,
                            @Advice.Argument(2) HttpClientContext context,
                            @Advice.Return CloseableHttpResponse response,
                            @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (handle instanceof EgressDeniedException) {
            thrown = (EgressDeniedException) handle;
            return;
        }
        if (handle == null) {
            return;
        }
        if (response == null) {
            EgressHooks.exchangeEnd(handle, 0, null, thrown);
            EgressDeniedException atConnect = EgressDeniedException.lateDenial(thrown);
            if (atConnect != null) {
                // refused at connect time (socket guard): RetryExec's retries get it without a new event
                context.setAttribute(ApacheHttpClient4Module.DENIED_ATTRIBUTE, new Object[] {request, atConnect});
                thrown = atConnect;
            }
            return;
        }
        StatusLine status = response.getStatusLine();
        ProtocolVersion version = status.getProtocolVersion();
        EgressHooks.exchangeEnd(handle, status.getStatusCode(),
                version == null ? null : version.getMajor() + "." + version.getMinor(), null);
    }
}
