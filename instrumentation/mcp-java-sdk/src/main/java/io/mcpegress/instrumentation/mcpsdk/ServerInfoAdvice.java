package io.mcpegress.instrumentation.mcpsdk;

import io.mcpegress.bootstrap.McpContextHolder;
import io.modelcontextprotocol.spec.McpSchema;
import net.bytebuddy.asm.Advice;

/** {@code McpAsyncServer}'s and {@code McpStatelessAsyncServer}'s constructors (a sync server wraps one): records the server's own info. */
public final class ServerInfoAdvice {

    private ServerInfoAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("serverInfo") McpSchema.Implementation serverInfo) {
        if (serverInfo != null) {
            McpContextHolder.serverInfo(serverInfo.name(), serverInfo.version());
        }
    }
}
