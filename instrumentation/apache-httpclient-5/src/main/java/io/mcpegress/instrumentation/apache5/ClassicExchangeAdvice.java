package io.mcpegress.instrumentation.apache5;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import io.mcpegress.bootstrap.apache.HttpClient5Support;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ProtocolVersion;

import java.net.URI;

/**
 * {@code ProtocolExec.execute(request, scope, chain)} of the classic client: below
 * {@code RedirectExec} and {@code HttpRequestRetryExec}, so once per hop or retry whatever
 * {@code execute} overload or response handler the application used. The event ends with the
 * response head (the body is streamed later) or the failure thrown, connect failures included.
 * A denied exchange is not executed and the call fails with the denial; the retry exec's retries
 * of it (same original request, same URI) get the same denial without a new event.
 */
public final class ClassicExchangeAdvice {

    private ClassicExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.Origin Class<?> protocolExec,
                               @Advice.Argument(0) ClassicHttpRequest request,
                               @Advice.Argument(1) ExecChain.Scope scope) throws Exception {
        URI uri = request.getUri();
        if (!uri.isAbsolute()) {
            String path = uri.toString();
            uri = URI.create(scope.route.getTargetHost().toURI() + (path.startsWith("/") ? path : "/" + path));
        }
        Object earlier = scope.clientContext.getAttribute(ApacheHttpClient5Module.DENIED_ATTRIBUTE);
        if (earlier != null) {
            Object repeated = HttpClient5Support.repeatedDenial(earlier, scope.originalRequest, uri);
            if (repeated != null) {
                return repeated;
            }
        }
        Object handle = EgressHooks.exchangeStart(HttpClient5Support.classicClient(protocolExec), request.getMethod(), uri);
        EgressDeniedException denied = EgressHooks.denial(handle);
        if (denied == null) {
            org.apache.hc.core5.http.Header host = request.getFirstHeader("Host"); // only one the application set
            denied = EgressHooks.hostHeaderDenial(handle, host == null ? null : host.getValue());
        }
        if (denied != null) {
            scope.clientContext.setAttribute(ApacheHttpClient5Module.DENIED_ATTRIBUTE,
                    new Object[] {scope.originalRequest, uri, denied});
            return denied;
        }
        return handle;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object handle,
                            @Advice.Argument(0) ClassicHttpRequest request,
                            @Advice.Argument(1) ExecChain.Scope scope,
                            @Advice.Return ClassicHttpResponse response,
                            @Advice.Thrown(readOnly = false) Throwable thrown) throws Exception {
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
                // refused at connect time (socket guard): the retry exec's retries get it without a new event
                URI uri = request.getUri();
                if (!uri.isAbsolute()) {
                    String path = uri.toString();
                    uri = URI.create(scope.route.getTargetHost().toURI() + (path.startsWith("/") ? path : "/" + path));
                }
                scope.clientContext.setAttribute(ApacheHttpClient5Module.DENIED_ATTRIBUTE,
                        new Object[] {scope.originalRequest, uri, atConnect});
                thrown = atConnect;
            }
            return;
        }
        ProtocolVersion version = response.getVersion();
        EgressHooks.exchangeEnd(handle, response.getCode(),
                version == null ? null : HttpClient5Support.httpVersion(version.getMajor(), version.getMinor()), null);
    }
}
