package io.mcpegress.instrumentation.urlconnection;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

import java.io.InputStream;
import java.net.URL;

/**
 * Wraps {@code getInputStream0()}, where the request is written and the response head read.
 * Later calls (getResponseCode after getInputStream, re-entry from inside) find the stream
 * already there and are not new exchanges.
 */
public final class ExchangeAdvice {

    private ExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static Object enter(@Advice.This Object connection,
                               @Advice.FieldValue("method") String method,
                               @Advice.FieldValue("url") URL url,
                               @Advice.FieldValue("inputStream") InputStream alreadyOpen,
                               @Advice.FieldValue("rememberedException") Exception alreadyFailed) {
        if (alreadyOpen != null || alreadyFailed != null
                || EgressHooks.currentExchange(connection) != null) {
            return null;
        }
        Object handle = EgressHooks.exchangeStart(HttpUrlConnectionModule.CLIENT, method, url);
        EgressHooks.setCurrentExchange(connection, handle);
        return handle;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.This Object connection,
                            @Advice.Enter Object firstHop,
                            @Advice.FieldValue("responseCode") int responseCode,
                            @Advice.Thrown Throwable thrown) {
        if (firstHop == null) {
            return;
        }
        // after redirects the connection's current exchange is the last hop, not the first
        Object lastHop = EgressHooks.currentExchange(connection);
        EgressHooks.setCurrentExchange(connection, null);
        EgressHooks.exchangeEnd(lastHop != null ? lastHop : firstHop, responseCode, "1.1", thrown);
    }
}
