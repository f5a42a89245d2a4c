package io.mcpegress.instrumentation.urlconnection;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

import java.net.URL;

/**
 * A connect means the current hop really goes to the network. A connect that fails outside
 * getInputStream (the application called {@code connect()} or {@code getOutputStream()} first) is
 * still an attempted exchange and gets its own event.
 */
public final class ConnectAdvice {

    private ConnectAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object connection) {
        EgressHooks.exchangeAttempted(EgressHooks.currentExchange(connection));
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.This Object connection,
                            @Advice.FieldValue("method") String method,
                            @Advice.FieldValue("url") URL url,
                            @Advice.Thrown Throwable thrown) {
        if (thrown == null || EgressHooks.currentExchange(connection) != null) {
            return;
        }
        EgressHooks.exchangeEnd(EgressHooks.exchangeStart(HttpUrlConnectionModule.CLIENT, method, url),
                0, null, thrown);
    }
}
