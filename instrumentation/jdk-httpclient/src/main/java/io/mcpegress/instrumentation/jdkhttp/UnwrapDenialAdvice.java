package io.mcpegress.instrumentation.jdkhttp;

import io.mcpegress.bootstrap.EgressDeniedException;
import net.bytebuddy.asm.Advice;

import java.io.IOException;

/**
 * {@code HttpClient.send} re-wraps every IOException of the exchange in a plain IOException; for a
 * denial the application should see the agent's own exception type, as with every other client
 * (a connect-time denial by the socket guard is wrapped twice, in ConnectExceptions).
 */
public final class UnwrapDenialAdvice {

    private UnwrapDenialAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Thrown(readOnly = false) Throwable thrown) {
        if (thrown instanceof IOException) {
            // a connect-time denial arrives as ConnectException(ConnectException(EgressDeniedException))
            Throwable cause = thrown.getCause();
            for (int i = 0; cause != null && i < 4; i++, cause = cause.getCause()) {
                if (cause instanceof EgressDeniedException) {
                    thrown = cause;
                    break;
                }
            }
        }
    }
}
