package io.mcpegress.instrumentation.urlconnection;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

import java.io.InputStream;
import java.net.URL;
import java.net.URLConnection;

/**
 * Wraps {@code getInputStream0()}, where the request is written and the response head read.
 * Later calls (getResponseCode after getInputStream, re-entry from inside) find the stream
 * already there and are not new exchanges. A denied first hop skips the method and throws.
 */
public final class ExchangeAdvice {

    private ExchangeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
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
        EgressDeniedException denied = EgressHooks.denial(handle);
        if (denied == null && handle != null) {
            // only with -Dsun.net.http.allowRestrictedHeaders=true can the application set Host
            String host = null;
            try {
                host = ((URLConnection) connection).getRequestProperty("Host");
            } catch (RuntimeException notReadable) {
                // nothing to check
            }
            denied = EgressHooks.hostHeaderDenial(handle, host);
        }
        if (denied != null) {
            return denied;
        }
        EgressHooks.setCurrentExchange(connection, handle);
        return handle;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.This Object connection,
                            @Advice.Enter Object firstHop,
                            @Advice.FieldValue("responseCode") int responseCode,
                            @Advice.FieldValue(value = "rememberedException", readOnly = false) Exception remembered,
                            @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (firstHop instanceof EgressDeniedException) {
            thrown = (EgressDeniedException) firstHop;
        }
        if (thrown instanceof EgressDeniedException) {
            // later getResponseCode()/getHeaderField() calls rethrow it instead of asking again
            remembered = (EgressDeniedException) thrown;
        }
        if (firstHop instanceof EgressDeniedException) {
            return;
        }
        if (firstHop == null) {
            return;
        }
        // after redirects the connection's current exchange is the last hop, not the first
        Object lastHop = EgressHooks.currentExchange(connection);
        EgressHooks.setCurrentExchange(connection, null);
        EgressHooks.exchangeEnd(lastHop != null ? lastHop : firstHop, responseCode, "1.1", thrown);
    }
}
