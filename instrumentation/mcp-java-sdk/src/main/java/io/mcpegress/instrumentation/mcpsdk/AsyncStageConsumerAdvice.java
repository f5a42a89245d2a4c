package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContextHolder;
import net.bytebuddy.asm.Advice;

import java.util.concurrent.Executor;

/**
 * {@code CompletableFuture.uniAcceptStage(Executor, Consumer)}: the continuation of an {@code *Async} stage runs with the MCP context current when the stage
 * was added (the executor, default pool included, is known then; the stage may run much later on a
 * thread that completed the previous one). Stages without an executor are left alone.
 */
public final class AsyncStageConsumerAdvice {

    private AsyncStageConsumerAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(0) Executor executor,
                             @Advice.Argument(value = 1, readOnly = false) java.util.function.Consumer<?> fn) {
        if (executor != null) {
            fn = McpContextHolder.wrap(fn);
        }
    }
}
