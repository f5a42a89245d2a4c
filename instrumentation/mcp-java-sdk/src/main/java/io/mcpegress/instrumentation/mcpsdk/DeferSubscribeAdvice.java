package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContext;
import io.mcpegress.bootstrap.McpContextHolder;
import io.mcpegress.bootstrap.McpScopedSupplier;
import net.bytebuddy.asm.Advice;

/**
 * {@code reactor.core.publisher.MonoDefer.subscribe(CoreSubscriber)}: for a Mono marked by
 * {@link HandleRequestAdvice}, the MCP context is current on this thread for the whole synchronous
 * subscription (set on entry, put back on exit). Any other MonoDefer pays one {@code instanceof}.
 */
public final class DeferSubscribeAdvice {

    private DeferSubscribeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static boolean enter(@Advice.FieldValue("supplier") Object supplier,
                                @Advice.Local("mcpPrevious") McpContext previous) {
        if (!(supplier instanceof McpScopedSupplier)) {
            return false;
        }
        previous = McpContextHolder.set(((McpScopedSupplier) supplier).context());
        return true;
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Enter boolean scoped, @Advice.Local("mcpPrevious") McpContext previous) {
        if (scoped) {
            McpContextHolder.restore(previous);
        }
    }
}
