package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContextHolder;
import net.bytebuddy.asm.Advice;

/**
 * {@code java.lang.VirtualThread(Executor, String, int, Runnable)} (JDK 21+): every way to make a
 * virtual thread ({@code Thread.ofVirtual()}, {@code Thread.startVirtualThread},
 * {@code Executors.newVirtualThreadPerTaskExecutor()}) constructs one on the creating thread. The
 * thread's task runs with the MCP context current at creation; the virtual thread's own thread-locals
 * hold it, never its carrier's.
 */
public final class VirtualThreadAdvice {

    private VirtualThreadAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 3, readOnly = false) Runnable task) {
        task = McpContextHolder.wrap(task);
    }
}
