package io.mcpegress.instrumentation.apache4;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import org.apache.http.client.protocol.HttpClientContext;

import java.util.concurrent.CancellationException;

/** {@code AbstractClientExchangeHandler.cancel()}: the application gave up on the hop in flight. */
public final class AsyncCancelledAdvice {

    private AsyncCancelledAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("localContext") HttpClientContext context) {
        Object hop = context.getAttribute(ApacheHttpClient4Module.EXCHANGE_ATTRIBUTE);
        if (hop != null) {
            context.removeAttribute(ApacheHttpClient4Module.EXCHANGE_ATTRIBUTE);
            EgressHooks.exchangeEnd(hop, 0, null, new CancellationException("exchange cancelled"));
        }
    }
}
