package io.mcpegress.instrumentation.apache5;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import io.mcpegress.bootstrap.apache.AsyncExecCallbackAudit;
import io.mcpegress.bootstrap.apache.HttpClient5Support;
import net.bytebuddy.asm.Advice;
import org.apache.hc.client5.http.async.AsyncExecCallback;
import org.apache.hc.client5.http.async.AsyncExecChain;
import org.apache.hc.core5.http.HttpRequest;

import java.net.URI;

/**
 * {@code AsyncProtocolExec.execute(request, entityProducer, scope, chain, callback)} of the async
 * client: below {@code AsyncRedirectExec} and {@code AsyncHttpRequestRetryExec}, so once per hop or
 * retry, whatever the application used on top ({@code SimpleHttpRequest}, request producers and
 * response consumers, streaming or not, HTTP/1.1 or HTTP/2). The exchange starts here; its callback
 * is wrapped so the response head ({@code handleResponse}) or the failure ({@code failed}) ends it.
 * A denied exchange is not executed: {@code execute} throws the denial, which the exec chain hands
 * to the application's callback and future (a synchronous failure is not retried).
 */
public final class AsyncExchangeAdvice {

    private AsyncExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.Origin Class<?> asyncProtocolExec,
                               @Advice.Argument(0) HttpRequest request,
                               @Advice.Argument(2) AsyncExecChain.Scope scope,
                               @Advice.Argument(value = 4, readOnly = false) AsyncExecCallback callback) throws Exception {
        URI uri = request.getUri();
        if (!uri.isAbsolute()) {
            String path = uri.toString();
            uri = URI.create(scope.route.getTargetHost().toURI() + (path.startsWith("/") ? path : "/" + path));
        }
        Object earlier = scope.clientContext.getAttribute(ApacheHttpClient5Module.DENIED_ATTRIBUTE);
        if (earlier != null) {
            Object repeated = HttpClient5Support.repeatedDenial(earlier, scope.originalRequest, uri);
            if (repeated instanceof EgressDeniedException) {
                return repeated; // the retry of an exchange refused at connect time: same denial, no new event
            }
        }
        Object handle = EgressHooks.exchangeStart(HttpClient5Support.asyncClient(asyncProtocolExec), request.getMethod(), uri);
        EgressDeniedException denied = EgressHooks.denial(handle);
        if (denied == null) {
            org.apache.hc.core5.http.Header host = request.getFirstHeader("Host"); // only one the application set
            denied = EgressHooks.hostHeaderDenial(handle, host == null ? null : host.getValue());
        }
        if (denied != null) {
            return denied;
        }
        callback = (AsyncExecCallback) AsyncExecCallbackAudit.wrap(AsyncExecCallback.class, callback, handle,
                scope.clientContext, ApacheHttpClient5Module.DENIED_ATTRIBUTE, new Object[] {scope.originalRequest, uri, null});
        return handle;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object handle, @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (handle instanceof EgressDeniedException) {
            thrown = (EgressDeniedException) handle;
        } else if (thrown != null) {
            EgressHooks.exchangeEnd(handle, 0, null, thrown);
        }
    }
}
