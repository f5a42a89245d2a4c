package org.apache.http.impl.nio.client;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.protocol.HttpClientContext;

import java.net.URI;

/**
 * {@code MainClientExec.prepareRequest(state, handler)} runs once for the first request and once
 * for every redirect hop, after the route is set and the target resolved: the hop's exchange
 * starts here, so a hop that fails before it is written (proxy unreachable) is still recorded.
 * The handle rides in the exchange's own {@code HttpClientContext} until the response head or
 * the failure ends it. A denied hop fails here, before a connection is requested for it: the
 * exception reaches the application's callback and future through the handler's {@code failed}.
 */
public final class EgressPrepareRequestAdvice {

    private EgressPrepareRequestAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Origin Class<?> mainClientExec,
                            @Advice.Argument(0) InternalState state,
                            @Advice.Argument(1) AbstractClientExchangeHandler handler,
                            @Advice.Thrown(readOnly = false) Throwable thrown) {
        HttpClientContext context = state.getLocalContext();
        if (thrown != null || context.getAttribute("io.mcpegress.exchange") != null) {
            return;
        }
        HttpRequestWrapper request = handler.getCurrentRequest();
        HttpRequest original = request.getOriginal();
        URI uri = original instanceof HttpUriRequest ? ((HttpUriRequest) original).getURI()
                : URI.create(original.getRequestLine().getUri());
        if (!uri.isAbsolute()) {
            HttpHost target = (HttpHost) context.getAttribute("http.target_host");
            String path = uri.toString();
            uri = URI.create((target != null ? target : handler.getRoute().getTargetHost()).toURI()
                    + (path.startsWith("/") ? path : "/" + path));
        }
        Package library = mainClientExec.getPackage();
        String version = library == null ? null : library.getImplementationVersion();
        Object hop = EgressHooks.exchangeStart("apache-httpasyncclient/" + (version == null ? "unknown" : version),
                request.getMethod(), uri);
        EgressDeniedException denied = EgressHooks.denial(hop);
        if (denied == null) {
            // the protocol processor has set Host by now; one the application set may name another host
            org.apache.http.Header host = request.getFirstHeader("Host");
            denied = EgressHooks.hostHeaderDenial(hop, host == null ? null : host.getValue());
        }
        if (denied != null) {
            thrown = denied;
        } else if (hop != null) {
            context.setAttribute("io.mcpegress.exchange", hop);
        }
    }
}
