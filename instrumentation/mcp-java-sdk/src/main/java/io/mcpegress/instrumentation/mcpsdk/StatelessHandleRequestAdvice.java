package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContext;
import io.mcpegress.bootstrap.McpScopedSupplier;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.asm.Advice;
import reactor.core.publisher.Mono;

import java.util.function.Supplier;

/**
 * {@code DefaultMcpStatelessServerHandler.handleRequest(McpTransportContext, JSONRPCRequest)}: the
 * stateless server (one HTTP POST per request, no session) hands every request, {@code initialize}
 * included, to this method. There is no session and no remembered client: the context has the
 * method, tool, request id and traceparent (and, for {@code initialize}, the client from its params).
 */
public final class StatelessHandleRequestAdvice {

    private StatelessHandleRequestAdvice() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.Argument(1) McpSchema.JSONRPCRequest request,
                            @Advice.Return(readOnly = false) Mono<McpSchema.JSONRPCResponse> returned) {
        if (returned == null || request == null) {
            return;
        }
        McpContext context = McpContext.forRequest(request.method(), request.id(), request.params(), null, null, null);
        returned = Mono.defer((Supplier) new McpScopedSupplier(context, returned));
    }
}
