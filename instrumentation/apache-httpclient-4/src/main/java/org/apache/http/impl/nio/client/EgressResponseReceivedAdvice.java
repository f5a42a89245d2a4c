package org.apache.http.impl.nio.client;

import io.mcpegress.bootstrap.EgressHooks;
import net.bytebuddy.asm.Advice;
import org.apache.http.HttpResponse;
import org.apache.http.ProtocolVersion;
import org.apache.http.StatusLine;
import org.apache.http.client.protocol.HttpClientContext;

/**
 * {@code MainClientExec.responseReceived(response, state, handler)}: the response head of the hop
 * in flight ends its exchange, also when the exec then throws (redirect limit reached). The answer
 * to the proxy's CONNECT only ends it when the proxy refused the tunnel and that answer is what
 * the application gets.
 */
public final class EgressResponseReceivedAdvice {

    private EgressResponseReceivedAdvice() {
    }

    @Advice.OnMethodExit(suppress = Throwable.class, onThrowable = Throwable.class)
    public static void exit(@Advice.Argument(0) HttpResponse response,
                            @Advice.Argument(1) InternalState state,
                            @Advice.Argument(2) AbstractClientExchangeHandler handler) {
        HttpClientContext context = state.getLocalContext();
        Object hop = context.getAttribute("io.mcpegress.exchange");
        if (hop == null || response == null || !(handler.isRouteEstablished() || state.getFinalResponse() == response)) {
            return;
        }
        context.removeAttribute("io.mcpegress.exchange");
        StatusLine status = response.getStatusLine();
        ProtocolVersion version = status.getProtocolVersion();
        EgressHooks.exchangeEnd(hop, status.getStatusCode(),
                version == null ? null : version.getMajor() + "." + version.getMinor(), null);
    }
}
