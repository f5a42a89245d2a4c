package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContextHolder;
import net.bytebuddy.asm.Advice;

/** {@code CompletableFuture.asyncRunStage(Executor, Runnable)}, where every {@code runAsync} overload ends. */
public final class CompletableFutureRunAdvice {

    private CompletableFutureRunAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 1, readOnly = false) Runnable task) {
        task = McpContextHolder.wrap(task);
    }
}
