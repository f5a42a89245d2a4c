package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContextHolder;
import net.bytebuddy.asm.Advice;

import java.util.concurrent.ForkJoinTask;

/**
 * {@code ForkJoinPool.execute(Runnable)}, {@code submit(Runnable)}, {@code submit(Runnable, T)}: a
 * plain task submitted while an MCP context is current runs with it. A {@link ForkJoinTask} passed as
 * a Runnable is left alone (the pool runs it as itself; wrapping would change its fork/join
 * behaviour); {@code CompletableFuture}'s own tasks are covered earlier, by
 * {@link CompletableFutureSupplyAdvice} and {@link CompletableFutureRunAdvice}.
 */
public final class ForkJoinRunnableAdvice {

    private ForkJoinRunnableAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable task) {
        if (!(task instanceof ForkJoinTask)) {
            task = McpContextHolder.wrap(task);
        }
    }
}
