package io.mcpegress.instrumentation.okhttp;

import io.mcpegress.bootstrap.EgressDeniedException;
import net.bytebuddy.asm.Advice;

import java.io.UncheckedIOException;

/**
 * {@code RetryAndFollowUpInterceptor.intercept}: a denied attempt leaves {@code ConnectInterceptor}
 * as an unchecked wrapper so the retry loop cannot retry it; here, outside the loop, the call fails
 * with the {@link EgressDeniedException} itself (an IOException, as every OkHttp failure).
 */
public final class UnwrapDenialAdvice {

    private UnwrapDenialAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Thrown(readOnly = false) Throwable thrown) {
        if (thrown instanceof UncheckedIOException && thrown.getCause() instanceof EgressDeniedException) {
            thrown = thrown.getCause();
        }
    }
}
