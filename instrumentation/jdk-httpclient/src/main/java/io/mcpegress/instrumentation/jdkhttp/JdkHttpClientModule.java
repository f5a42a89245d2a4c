package io.mcpegress.instrumentation.jdkhttp;

import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;

import java.util.List;
import java.util.Set;

import static io.mcpegress.instrumentation.api.match.Matchers.isConstructor;
import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArgument;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArguments;

/**
 * {@code java.net.http.HttpClient}. Two internal classes carry every call, sync or async, HTTP/1.1
 * or HTTP/2, whatever the builder options:
 * <ul>
 *   <li>{@code HttpRequestImpl} is created per sent request (and per redirect hop); its
 *       {@code proxy} field decides the route, so we set it right after construction. Routing
 *       there rather than in the builder means NO_PROXY, custom selectors and clients built
 *       before the agent started are all covered.</li>
 *   <li>{@code Exchange.responseAsync()} runs once per request/response exchange; the CONNECT
 *       of a proxy tunnel goes through {@code responseAsyncImpl} directly, so it is not audited.</li>
 * </ul>
 */
public final class JdkHttpClientModule implements InstrumentationModule {

    static final String REQUEST_IMPL = "jdk.internal.net.http.HttpRequestImpl";
    static final String EXCHANGE = "jdk.internal.net.http.Exchange";
    static final String CLIENT_IMPL = "jdk.internal.net.http.HttpClientImpl";

    @Override
    public String name() {
        return "jdk-httpclient";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(
                TypeInstrumentation.of(REQUEST_IMPL,
                        // the request the client sends, built from the user's HttpRequest
                        new AdviceBinding(isConstructor().and(takesArgument(0, named("java.net.http.HttpRequest")))
                                .and(takesArguments(2)), RouteRequestAdvice.class.getName()),
                        // a redirect hop (the proxy would otherwise be copied from the first hop)
                        new AdviceBinding(isConstructor().and(takesArgument(0, named("java.net.URI"))),
                                RouteRequestAdvice.class.getName())),
                TypeInstrumentation.of(EXCHANGE,
                        new AdviceBinding(named("responseAsync").and(takesArguments(0)),
                                AuditExchangeAdvice.class.getName())),
                TypeInstrumentation.of(CLIENT_IMPL,
                        new AdviceBinding(named("send").and(takesArguments(2)), UnwrapDenialAdvice.class.getName())));
    }

    @Override
    public Set<String> jdkModulesNeedingBootstrapReads() {
        return Set.of("java.net.http");
    }
}
