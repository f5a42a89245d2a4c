package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpSessionClients;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.asm.Advice;

import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code McpStreamableServerSession}'s constructors: the client's {@code clientInfo} is known when a
 * streamable session is created (from its {@code initialize} request); remember it for the session's
 * requests ({@link StreamableHandleAdvice}).
 */
public final class StreamableSessionClientAdvice {

    private StreamableSessionClientAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.This Object session,
                            @Advice.FieldValue("clientInfo") AtomicReference<McpSchema.Implementation> clientInfo) {
        McpSchema.Implementation client = clientInfo == null ? null : clientInfo.get();
        if (client != null) {
            McpSessionClients.register(session, client.name(), client.version());
        }
    }
}
