package io.mcpegress.instrumentation.urlconnection;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

import java.net.Proxy;
import java.net.URL;

/** Overrides the connection's own proxy ({@code instProxy}) with the agent's route. */
public final class RouteConnectionAdvice {

    private RouteConnectionAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("url") URL url,
                            @Advice.FieldValue(value = "instProxy", readOnly = false) Proxy instProxy) {
        if (url != null) {
            instProxy = EgressHooks.route(HttpUrlConnectionModule.CLIENT, url.getProtocol(), url.getHost(),
                    url.getPort(), instProxy);
        }
    }
}
