package io.mcpegress.instrumentation.okhttp;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import io.mcpegress.bootstrap.UrlParts;
import net.bytebuddy.asm.Advice;

import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.OkHttp;
import okhttp3.Request;
import okhttp3.Response;

import java.io.UncheckedIOException;

/**
 * OkHttp 4 and 5: one audit event per {@code ConnectInterceptor.intercept}, i.e. per attempt that
 * goes to the network. Started before the connection is obtained, ended when the response head has
 * come back through the network interceptors (the body need not be read) or the attempt failed.
 * The advice only calls getters of OkHttp's immutable Request and Response values.
 */
public final class ExchangeAdvice {

    private ExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.Argument(0) Interceptor.Chain chain) {
        Request request = chain.request();
        // a plain static field read at run time (no string concatenation: that would be an indy call)
        HttpUrl url = request.url();
        // the parts OkHttp holds: HttpUrl.uri() would re-encode and re-parse the URL on every call
        Object handle = EgressHooks.exchangeStart("okhttp/".concat(OkHttp.VERSION), request.method(), UrlParts.of(url.scheme(),
                url.host(), url.port(), url.encodedPath(), url.encodedQuery(), url.encodedUsername()));
        // a denied attempt is not made: the call fails with the denial (recorded as its event)
        EgressDeniedException denied = EgressHooks.denial(handle);
        if (denied == null) {
            // BridgeInterceptor has set Host by now; one the application set itself may name another host
            denied = EgressHooks.hostHeaderDenial(handle, request.header("Host"));
        }
        return denied != null ? denied : handle;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object handle,
                            @Advice.Return Response response,
                            @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (handle instanceof EgressDeniedException) {
            // unchecked, so RetryAndFollowUpInterceptor does not retry it (it would, forever: no route
            // was tried); UnwrapDenialAdvice turns it back into the denial on the way out
            thrown = new UncheckedIOException((EgressDeniedException) handle);
            return;
        }
        if (handle == null) {
            return;
        }
        if (response == null) {
            // OkHttp 3 and 4 wrap connect failures in an unchecked RouteException; its cause is the
            // IOException the application finally sees
            boolean wrapped = thrown != null && thrown.getCause() != null
                    && "okhttp3.internal.connection.RouteException".equals(thrown.getClass().getName());
            EgressHooks.exchangeEnd(handle, 0, null, wrapped ? thrown.getCause() : thrown);
            return;
        }
        // Protocol.toString() is the ALPN id: "http/1.0", "http/1.1", "h2", "h2_prior_knowledge"
        String protocol = response.protocol().toString();
        EgressHooks.exchangeEnd(handle, response.code(),
                protocol.startsWith("h2") ? "2" : "http/1.0".equals(protocol) ? "1.0" : "1.1", null);
    }
}
