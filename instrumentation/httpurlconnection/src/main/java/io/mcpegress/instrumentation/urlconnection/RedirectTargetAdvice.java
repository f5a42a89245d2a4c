package io.mcpegress.instrumentation.urlconnection;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

import java.net.URL;

/**
 * {@code followRedirect0(location, status, newUrl)} opens the connection for the next hop before
 * the hop is visible anywhere else: the policy checks the new URL here, so a redirect to a denied
 * destination fails before any connection to it is made.
 */
public final class RedirectTargetAdvice {

    private RedirectTargetAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static EgressDeniedException enter(@Advice.Argument(2) URL next,
                                              @Advice.FieldValue("url") URL current,
                                              @Advice.FieldValue("method") String method) {
        // HttpURLConnection never follows a redirect that changes the protocol
        if (next == null || !next.getProtocol().equalsIgnoreCase(current.getProtocol())) {
            return null;
        }
        return EgressHooks.checkConnect(HttpUrlConnectionModule.CLIENT, method, next);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter EgressDeniedException denied,
                            @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (denied != null) {
            thrown = denied;
        }
    }
}
