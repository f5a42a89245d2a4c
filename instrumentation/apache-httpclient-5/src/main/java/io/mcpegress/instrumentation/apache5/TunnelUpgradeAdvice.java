package io.mcpegress.instrumentation.apache5;

import net.bytebuddy.asm.Advice;
import org.apache.hc.core5.http2.HttpVersionPolicy;

/**
 * HttpClient 5.0 and 5.1 only: {@code PoolingAsyncClientConnectionManager.upgrade(endpoint,
 * versionPolicy, context)} upgrades a CONNECT tunnel to TLS offering HTTP/2 by ALPN, but those
 * versions cannot switch the connection to HTTP/2 afterwards: when the server picks h2 the exchange
 * fails ({@code ParseException: Invalid protocol version}). Without the agent such clients reach
 * the server directly and negotiate h2 fine; through the proxy the agent imposes, the tunnel offers
 * HTTP/1.1 only. (5.2 fixed the upgrade and is not instrumented here.)
 */
public final class TunnelUpgradeAdvice {

    private TunnelUpgradeAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    public static void enter(@Advice.Argument(value = 1, readOnly = false) Object versionPolicy) {
        if (versionPolicy == HttpVersionPolicy.NEGOTIATE || versionPolicy == HttpVersionPolicy.FORCE_HTTP_2) {
            versionPolicy = HttpVersionPolicy.FORCE_HTTP_1;
        }
    }
}
