package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContext;
import io.mcpegress.bootstrap.McpScopedSupplier;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpServerSession;
import net.bytebuddy.asm.Advice;
import reactor.core.publisher.Mono;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * {@code McpServerSession.handleIncomingRequest}: builds the request's {@link McpContext} and marks
 * the returned pipeline with it ({@code Mono.defer(McpScopedSupplier)}); {@link DeferSubscribeAdvice}
 * makes it current while the pipeline is subscribed. The pipeline itself is unchanged.
 */
public final class HandleRequestAdvice {

    private HandleRequestAdvice() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This McpServerSession session,
                            @Advice.Argument(0) McpSchema.JSONRPCRequest request,
                            @Advice.FieldValue("clientInfo") AtomicReference<McpSchema.Implementation> clientInfo,
                            @Advice.Return(readOnly = false) Mono<McpSchema.JSONRPCResponse> returned) {
        if (returned == null || request == null) {
            return;
        }
        McpSchema.Implementation client = clientInfo == null ? null : clientInfo.get();
        McpContext context = McpContext.forRequest(request.method(), request.id(), request.params(), session.getId(),
                client == null ? null : client.name(), client == null ? null : client.version());
        returned = Mono.defer((Supplier) new McpScopedSupplier(context, returned));
    }
}
