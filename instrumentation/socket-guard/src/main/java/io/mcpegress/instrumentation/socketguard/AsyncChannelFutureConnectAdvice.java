package io.mcpegress.instrumentation.socketguard;

import io.mcpegress.bootstrap.EgressDeniedException;
import io.mcpegress.bootstrap.SocketGuardHooks;
import net.bytebuddy.asm.Advice;

import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;

/**
 * {@code AsynchronousSocketChannelImpl.connect(SocketAddress)}: a refused destination skips the
 * connect (nothing is sent) and the returned future fails with {@link EgressDeniedException}, as
 * an I/O failure of an asynchronous connect does.
 */
public final class AsyncChannelFutureConnectAdvice {

    private AsyncChannelFutureConnectAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class, skipOn = EgressDeniedException.class)
    public static Object enter(@Advice.Argument(0) SocketAddress remote) {
        return SocketGuardHooks.checkConnect("async-socket-channel", remote);
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Enter Object denied, @Advice.Return(readOnly = false) Future<Void> result) {
        if (denied instanceof EgressDeniedException) {
            result = CompletableFuture.failedFuture((EgressDeniedException) denied);
        }
    }
}
