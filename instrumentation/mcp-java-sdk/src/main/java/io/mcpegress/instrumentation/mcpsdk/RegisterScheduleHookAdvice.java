package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.DeferredWeaving;
import io.mcpegress.bootstrap.McpContextHolder;
import net.bytebuddy.asm.Advice;
import reactor.core.scheduler.Schedulers;

/**
 * {@code McpServerSession}'s constructors: registers the context-propagating task wrapper with the
 * Reactor the SDK itself uses (the one its class loader sees), before the session handles its first
 * request. Registering again under the same key replaces the hook, so many sessions cost nothing.
 */
public final class RegisterScheduleHookAdvice {

    private RegisterScheduleHookAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit() {
        DeferredWeaving.weaveNow(); // the thread-hop classes, before this session's first request
        Schedulers.onScheduleHook("mcp-egress-agent.mcp-context", McpContextHolder.TASK_WRAPPER);
    }
}
