package org.apache.http.impl.nio.client;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import org.apache.http.HttpHost;
import org.apache.http.HttpRequest;
import org.apache.http.client.methods.HttpRequestWrapper;
import org.apache.http.client.methods.HttpUriRequest;
import org.apache.http.client.protocol.HttpClientContext;

import java.net.URI;

/**
 * {@code MainClientExec.generateRequest(state, handler)} returns each request about to be written.
 * A request sent again without a new prepare (the answer to an authentication challenge) is a new
 * exchange on the wire and gets its own event; the proxy's CONNECT (route not yet established) and
 * a hop whose exchange is already open are not new exchanges.
 */
public final class EgressGenerateRequestAdvice {

    private EgressGenerateRequestAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Origin Class<?> mainClientExec,
                            @Advice.Argument(0) InternalState state,
                            @Advice.Argument(1) AbstractClientExchangeHandler handler,
                            @Advice.Return HttpRequest generated) {
        HttpClientContext context = state.getLocalContext();
        if (generated == null || !handler.isRouteEstablished() || context.getAttribute("io.mcpegress.exchange") != null) {
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
        if (hop != null) {
            context.setAttribute("io.mcpegress.exchange", hop);
        }
    }
}
