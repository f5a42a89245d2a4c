package io.mcpegress.instrumentation.urlconnection;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

import java.net.URL;

/** Each followed redirect closes the current hop's event and opens the next hop's. */
public final class RedirectAdvice {

    private RedirectAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static int enter(@Advice.FieldValue("responseCode") int responseCode) {
        return responseCode;
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object connection,
                            @Advice.Enter int redirectStatus,
                            @Advice.Return boolean followed,
                            @Advice.FieldValue("method") String method,
                            @Advice.FieldValue("url") URL url) {
        if (!followed) {
            return;
        }
        Object hop = EgressHooks.currentExchange(connection);
        if (hop != null) {
            EgressHooks.setCurrentExchange(connection,
                    EgressHooks.redirectFollowed(hop, redirectStatus, method, url));
        }
    }
}
