package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContextHolder;
import net.bytebuddy.asm.Advice;

import java.util.concurrent.Callable;

/**
 * {@code ForkJoinPool.submit(Callable)} and {@code ScheduledThreadPoolExecutor.schedule(Callable, long, TimeUnit)}:
 * the task runs with the MCP context current at submission (none: untouched).
 */
public final class CallableArgumentAdvice {

    private CallableArgumentAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 0, readOnly = false) Callable<?> task) {
        task = McpContextHolder.wrap(task);
    }
}
