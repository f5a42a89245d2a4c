package io.mcpegress.instrumentation.jdkhttp;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

import java.net.http.HttpRequest;
import java.util.concurrent.CompletableFuture;

/**
 * One audit event per {@code Exchange}: started when the exchange asks for its response, ended
 * when the response head arrives or the exchange fails (the body need not be read). A denied
 * exchange never runs: its response future fails with the denial, which {@code send} rethrows. So
 * does an exchange whose connection the socket guard refused at connect time (not the
 * ConnectException the client would wrap it in and retry once).
 */
public final class AuditExchangeAdvice {

    private AuditExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.FieldValue("request") HttpRequest request) {
        Object handle = EgressHooks.exchangeStart("jdk-httpclient", request.method(), request.uri());
        EgressDeniedException denied = EgressHooks.denial(handle);
        if (denied == null) {
            // only with -Djdk.httpclient.allowRestrictedHeaders=host can the application set one
            denied = EgressHooks.hostHeaderDenial(handle, request.headers().firstValue("Host").orElse(null));
        }
        return denied != null ? denied : handle;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object handle,
                            @Advice.Return(readOnly = false) CompletableFuture<?> response,
                            @Advice.Thrown Throwable thrown) {
        if (handle instanceof EgressDeniedException) {
            response = CompletableFuture.failedFuture((EgressDeniedException) handle);
        } else if (thrown != null) {
            EgressHooks.exchangeEnd(handle, 0, null, thrown);
        } else {
            EgressHooks.exchangeEndWhenDone(handle, response);
            if (EgressHooks.goesDirect(handle)) {
                // a connect-time denial (socket guard) fails the exchange as itself: no connect retry
                response = EgressDeniedException.surfacingConnectDenial(response);
            }
        }
    }
}
