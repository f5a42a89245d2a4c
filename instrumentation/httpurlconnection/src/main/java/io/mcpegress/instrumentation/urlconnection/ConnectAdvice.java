package io.mcpegress.instrumentation.urlconnection;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

import java.net.URL;

/**
 * Every connect is a policy checkpoint: a redirect hop to a denied destination, or a connection
 * the application opens itself ({@code connect()}, {@code getOutputStream()}) before any exchange,
 * fails here before a byte leaves. A connect also marks the current hop as really sent, and a
 * connect that fails outside getInputStream still gets its own event.
 */
public final class ConnectAdvice {

    private ConnectAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.This Object connection,
                               @Advice.FieldValue("method") String method,
                               @Advice.FieldValue("url") URL url) {
        Object hop = EgressHooks.currentExchange(connection);
        if (hop == null) {
            return EgressHooks.checkConnect(HttpUrlConnectionModule.CLIENT, method, url);
        }
        EgressDeniedException denied = EgressHooks.denial(hop);
        if (denied != null) {
            return denied;
        }
        EgressHooks.exchangeAttempted(hop);
        return null;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.This Object connection,
                            @Advice.Enter Object denied,
                            @Advice.FieldValue("method") String method,
                            @Advice.FieldValue("url") URL url,
                            @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (denied instanceof EgressDeniedException) {
            thrown = (EgressDeniedException) denied;
            return;
        }
        if (thrown == null || EgressHooks.currentExchange(connection) != null) {
            return;
        }
        EgressHooks.exchangeEnd(EgressHooks.exchangeStart(HttpUrlConnectionModule.CLIENT, method, url),
                0, null, thrown);
    }
}
