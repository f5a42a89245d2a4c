package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContextHolder;
import net.bytebuddy.asm.Advice;

import java.util.function.Supplier;

/**
 * {@code CompletableFuture.asyncSupplyStage(Executor, Supplier)}, where every {@code supplyAsync}
 * overload ends: the supplier runs with the MCP context current when it was handed over, whichever
 * executor runs it (the common pool, or a new thread per task when the common pool has parallelism 1,
 * as on a two-core machine).
 */
public final class CompletableFutureSupplyAdvice {

    private CompletableFutureSupplyAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 1, readOnly = false) Supplier<?> supplier) {
        supplier = McpContextHolder.wrap(supplier);
    }
}
