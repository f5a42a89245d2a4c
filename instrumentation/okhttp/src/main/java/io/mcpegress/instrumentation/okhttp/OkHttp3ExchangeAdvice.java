package io.mcpegress.instrumentation.okhttp;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import io.mcpegress.bootstrap.UrlParts;
import net.bytebuddy.asm.Advice;

import okhttp3.HttpUrl;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.internal.Version;

import java.io.UncheckedIOException;

/**
 * OkHttp 3: the same as {@link ExchangeAdvice}; only the version comes from elsewhere
 * ({@code Version.userAgent()} is already {@code okhttp/3.x.y}).
 */
public final class OkHttp3ExchangeAdvice {

    private OkHttp3ExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.Argument(0) Interceptor.Chain chain) {
        Request request = chain.request();
        HttpUrl url = request.url();
        // the parts OkHttp holds: HttpUrl.uri() would re-encode and re-parse the URL on every call
        Object handle = EgressHooks.exchangeStart(Version.userAgent(), request.method(), UrlParts.of(url.scheme(),
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
            boolean wrapped = thrown != null && thrown.getCause() != null
                    && "okhttp3.internal.connection.RouteException".equals(thrown.getClass().getName());
            EgressHooks.exchangeEnd(handle, 0, null, wrapped ? thrown.getCause() : thrown);
            return;
        }
        String protocol = response.protocol().toString();
        EgressHooks.exchangeEnd(handle, response.code(),
                protocol.startsWith("h2") ? "2" : "http/1.0".equals(protocol) ? "1.0" : "1.1", null);
    }
}
