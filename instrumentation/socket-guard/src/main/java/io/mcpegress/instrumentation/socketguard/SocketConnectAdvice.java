package io.mcpegress.instrumentation.socketguard;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.SocketGuardHooks;
import net.bytebuddy.asm.Advice;

import java.net.SocketAddress;

/**
 * Before the connect: asks the guard; a refused destination skips the method (nothing is sent,
 * not even a SYN) and the call fails with {@link EgressDeniedException}.
 */
public final class SocketConnectAdvice {

    private SocketConnectAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.Argument(0) SocketAddress remote) {
        return SocketGuardHooks.checkConnect("socket", remote);
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter Object denied, @Advice.Thrown(readOnly = false) Throwable thrown) {
        if (denied instanceof EgressDeniedException) {
            thrown = (EgressDeniedException) denied;
        }
    }
}
