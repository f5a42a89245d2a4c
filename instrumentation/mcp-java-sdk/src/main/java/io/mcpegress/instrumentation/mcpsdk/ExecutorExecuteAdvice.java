package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContextHolder;
import net.bytebuddy.asm.Advice;

/**
 * {@code java.util.concurrent.ThreadPoolExecutor.execute(Runnable)}: a task submitted while an MCP
 * context is current runs with it. This is how {@code HttpClient.sendAsync} made inside a tool call
 * keeps its tool: the client sends from its own executor's threads. Outside any MCP request the task
 * is passed on untouched (one ThreadLocal read).
 */
public final class ExecutorExecuteAdvice {

    private ExecutorExecuteAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 0, readOnly = false) Runnable command) {
        command = McpContextHolder.wrap(command);
    }
}
