package io.mcpegress.instrumentation.jdkhttp;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;

import java.net.Proxy;
import java.net.URI;

/** Replaces the proxy a freshly built {@code HttpRequestImpl} will use with the agent's route. */
public final class RouteRequestAdvice {

    private RouteRequestAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("uri") URI uri,
                            @Advice.FieldValue(value = "proxy", readOnly = false) Proxy proxy) {
        if (uri != null) {
            proxy = EgressHooks.route("jdk-httpclient", uri.getScheme(), uri.getHost(), uri.getPort(), proxy);
        }
    }
}
