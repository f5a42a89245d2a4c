package io.mcpegress.instrumentation.okhttp;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import okhttp3.HttpUrl;

import java.net.Proxy;

/**
 * Replaces the proxy of a freshly built {@code okhttp3.Address} with the agent's route. A non-null
 * Address proxy is used as is by OkHttp's route selection, so the application's selector is not
 * consulted for routed destinations; for bypassed ones the application's choice stays untouched.
 */
public final class RouteAddressAdvice {

    private RouteAddressAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class)
    public static void exit(@Advice.FieldValue("url") HttpUrl url,
                            @Advice.FieldValue(value = "proxy", readOnly = false) Proxy proxy) {
        if (url != null) {
            proxy = EgressHooks.route("okhttp", url.scheme(), url.host(), url.port(), proxy);
        }
    }
}
