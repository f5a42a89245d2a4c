package io.mcpegress.instrumentation.socketguard;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.SocketGuardHooks;
import net.bytebuddy.asm.Advice;

import java.net.SocketAddress;
import java.nio.channels.CompletionHandler;

/**
 * {@code AsynchronousSocketChannelImpl.connect(SocketAddress, A, CompletionHandler)}: a refused
 * destination skips the connect (nothing is sent) and the handler's {@code failed} gets the
 * {@link EgressDeniedException}, as for an I/O failure of the connect.
 */
public final class AsyncChannelHandlerConnectAdvice {

    private AsyncChannelHandlerConnectAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.Argument(0) SocketAddress remote) {
        return SocketGuardHooks.checkConnect("async-socket-channel", remote);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Enter Object denied, @Advice.Argument(1) Object attachment,
                            @Advice.Argument(2) CompletionHandler handler) {
        if (denied instanceof EgressDeniedException && handler != null) {
            handler.failed((EgressDeniedException) denied, attachment);
        }
    }
}
