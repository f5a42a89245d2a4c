package io.mcpegress.instrumentation.apache5;

import io.mcpegress.instrumentation.api.StrictTypeMatcher;
import io.mcpegress.instrumentation.api.UnsupportedClient;

import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import io.mcpegress.instrumentation.api.type.MethodShape;
import io.mcpegress.instrumentation.api.match.Matcher;

import java.util.ArrayList;
import java.util.List;

import static io.mcpegress.instrumentation.apache5.RouteFeature.routeDeclares;
import static io.mcpegress.instrumentation.api.match.Matchers.declaresMethod;
import static io.mcpegress.instrumentation.api.match.Matchers.isConstructor;
import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static io.mcpegress.instrumentation.api.match.Matchers.not;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArgument;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArguments;

/**
 * Apache HttpClient 5.x, classic and async. Both run every exchange through an exec chain whose
 * {@code Scope} carries the route the client's planner chose, and both have a protocol stage below
 * redirect and retry handling:
 * <ul>
 *   <li>Routing: entry of the {@code ExecChain.Scope} and {@code AsyncExecChain.Scope} constructors
 *       (the route argument is replaced before it is stored): covers the initial route and every
 *       redirect route, from any planner, custom ones included, without touching the planners or
 *       the builders (so a builder reused for many clients changes nothing).</li>
 *   <li>Audit: {@code ProtocolExec.execute} (classic) and {@code AsyncProtocolExec.execute} (async):
 *       one event per hop or retry. A denied exchange is never sent: it fails with
 *       {@code EgressDeniedException} instead of running the protocol stage.</li>
 * </ul>
 * Classes are matched by exact name, every advice must find its method (else the agent reports the
 * class as not instrumented), and the route advice is chosen per generation of {@code HttpRoute}.
 * One compatibility shim: 5.0/5.1 cannot speak HTTP/2 inside a CONNECT tunnel, so their tunnels
 * offer HTTP/1.1 only ({@link TunnelUpgradeAdvice}).
 * Not covered (calls still meet the socket guard): the minimal clients
 * ({@code HttpClients.createMinimal}, {@code HttpAsyncClients.createMinimal}), which have no exec
 * chain and cannot use a proxy, are reported by the agent as not instrumented when the application
 * loads them; the HTTP/2-only async client ({@code H2AsyncClientBuilder}) is audited but not
 * rerouted, as the library cannot send it through a proxy.
 */
public final class ApacheHttpClient5Module implements InstrumentationModule {

    /** {original request, URI, denial} of a denied classic exchange: retries of it are not new events. */
    static final String DENIED_ATTRIBUTE = "io.mcpegress.denied";

    static final String ROUTE = "org.apache.hc.client5.http.HttpRoute";
    static final String CLASSIC_SCOPE = "org.apache.hc.client5.http.classic.ExecChain$Scope";
    static final String ASYNC_SCOPE = "org.apache.hc.client5.http.async.AsyncExecChain$Scope";
    static final String PROTOCOL_EXEC = "org.apache.hc.client5.http.impl.classic.ProtocolExec";
    static final String ASYNC_PROTOCOL_EXEC = "org.apache.hc.client5.http.impl.async.AsyncProtocolExec";
    static final String ASYNC_POOL = "org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManager";

    // advice classes by name: the module class must not load anything that mentions library types
    private static final String ADVICE = "io.mcpegress.instrumentation.apache5.";

    @Override
    public String name() {
        return "apache-httpclient-5";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        Matcher<MethodShape> scopeConstructor =
                isConstructor().and(takesArgument(1, named(ROUTE)));
        List<TypeInstrumentation> types = new ArrayList<>();
        for (String scope : List.of(CLASSIC_SCOPE, ASYNC_SCOPE)) {
            types.add(StrictTypeMatcher.instrument(scope, routeDeclares("getUnixDomainSocket"),
                    new AdviceBinding(scopeConstructor, ADVICE + "UnixSocketAwareRouteAdvice")));
            types.add(StrictTypeMatcher.instrument(scope,
                    not(routeDeclares("getUnixDomainSocket")).and(routeDeclares("getTargetName")),
                    new AdviceBinding(scopeConstructor, ADVICE + "NamedRouteAdvice")));
            types.add(StrictTypeMatcher.instrument(scope, not(routeDeclares("getTargetName")),
                    new AdviceBinding(scopeConstructor, ADVICE + "LegacyRouteAdvice")));
        }
        types.add(StrictTypeMatcher.instrument(PROTOCOL_EXEC,
                new AdviceBinding(named("execute").and(takesArguments(3))
                        .and(takesArgument(0, named("org.apache.hc.core5.http.ClassicHttpRequest")))
                        .and(takesArgument(1, named(CLASSIC_SCOPE))), ADVICE + "ClassicExchangeAdvice")));
        types.add(StrictTypeMatcher.instrument(ASYNC_PROTOCOL_EXEC,
                new AdviceBinding(named("execute").and(takesArguments(5))
                        .and(takesArgument(0, named("org.apache.hc.core5.http.HttpRequest")))
                        .and(takesArgument(2, named(ASYNC_SCOPE)))
                        .and(takesArgument(4, named("org.apache.hc.client5.http.async.AsyncExecCallback"))),
                        ADVICE + "AsyncExchangeAdvice")));
        // 5.0/5.1 only (5.2 added the upgrade with a callback and fixed HTTP/2 in tunnels)
        types.add(StrictTypeMatcher.instrument(ASYNC_POOL,
                not(declaresMethod(named("upgrade").and(takesArguments(4)))),
                new AdviceBinding(named("upgrade").and(takesArguments(3)), ADVICE + "TunnelUpgradeAdvice")));
        // clients the client layer does not cover: said loudly when the application uses them
        types.add(UnsupportedClient.reportOnLoad("org.apache.hc.client5.http.impl.classic.MinimalHttpClient",
                "HttpClients.createMinimal() has no exec chain and cannot use a proxy"));
        types.add(UnsupportedClient.reportOnLoad("org.apache.hc.client5.http.impl.async.MinimalHttpAsyncClient",
                "HttpAsyncClients.createMinimal() has no exec chain and cannot use a proxy"));
        types.add(UnsupportedClient.reportOnLoad("org.apache.hc.client5.http.impl.async.MinimalH2AsyncClient",
                "the minimal HTTP/2 client has no exec chain and cannot use a proxy"));
        return types;
    }
}
