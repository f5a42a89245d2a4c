package io.mcpegress.instrumentation.apache4;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import org.apache.http.client.protocol.HttpClientContext;

/**
 * {@code AbstractClientExchangeHandler.failed(ex)}: every failure of an HttpAsyncClient 4.1
 * exchange ends here (connection lease, connect, I/O, timeout, an exception thrown by the exec),
 * so the hop in flight, if any, is recorded as failed.
 */
public final class AsyncFailedAdvice {

    private AsyncFailedAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.FieldValue("localContext") HttpClientContext context,
                             @Advice.Argument(0) Exception failure) {
        Object hop = context.getAttribute(ApacheHttpClient4Module.EXCHANGE_ATTRIBUTE);
        if (hop != null) {
            context.removeAttribute(ApacheHttpClient4Module.EXCHANGE_ATTRIBUTE);
            EgressHooks.exchangeEnd(hop, 0, null, failure);
        }
    }
}
