package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContext;
import io.mcpegress.bootstrap.McpScopedSupplier;
import io.mcpegress.bootstrap.McpSessionClients;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpStreamableServerSession;
import net.bytebuddy.asm.Advice;
import reactor.core.publisher.Mono;

import java.util.function.Supplier;

/**
 * {@code McpStreamableServerSession.McpStreamableServerSessionStream.handle(JSONRPCRequest)}: the
 * streamable HTTP transport's counterpart of {@code McpServerSession.handleIncomingRequest}. Every
 * request of a streamable session after {@code initialize} (one stream per HTTP POST) reaches its
 * handler through the returned Mono, whichever transport (servlet, WebMVC, WebFlux) made the stream.
 * It is marked with the request's {@link McpContext} exactly like {@link HandleRequestAdvice} does;
 * {@link DeferSubscribeAdvice} makes that context current while it is subscribed. The session (the
 * stream's outer instance, {@code this$0}) gives the session id; its client comes from
 * {@link McpSessionClients}, filled by {@link StreamableSessionClientAdvice}.
 */
public final class StreamableHandleAdvice {

    private StreamableHandleAdvice() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("this$0") McpStreamableServerSession session,
                            @Advice.Argument(0) McpSchema.JSONRPCRequest request,
                            @Advice.Return(readOnly = false) Mono<Void> returned) {
        if (returned == null || request == null) {
            return;
        }
        String[] client = McpSessionClients.lookup(session);
        McpContext context = McpContext.forRequest(request.method(), request.id(), request.params(),
                session == null ? null : session.getId(), client == null ? null : client[0],
                client == null ? null : client[1]);
        returned = Mono.defer((Supplier) new McpScopedSupplier(context, returned));
    }
}
