package io.mcpegress.instrumentation.urlconnection;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

/** Writing the request on a reused keep-alive connection (no connect) also marks the hop as sent. */
public final class WriteRequestsAdvice {

    private WriteRequestsAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.This Object connection) {
        EgressHooks.exchangeAttempted(EgressHooks.currentExchange(connection));
    }
}
