package io.mcpegress.instrumentation.apache4;

import io.mcpegress.instrumentation.api.StrictTypeMatcher;
import io.mcpegress.instrumentation.api.UnsupportedClient;

import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;

import java.util.List;

import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArgument;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArguments;

/**
 * Apache HttpClient 4.3+ (classic) and HttpAsyncClient 4.1 (the transport of the Elasticsearch
 * low-level REST client). Both take the route of each exchange from an {@code HttpRoutePlanner}
 * and then carry it down their exec chain, so the route is replaced where it is consumed rather
 * than in the planners: that covers the default planner, the system-selector planner with any
 * {@code ProxySelector}, {@code setProxy}, and any planner the application wrote itself.
 * <ul>
 *   <li>Classic: {@code ProtocolExec.execute(route, request, context, execAware)}, below
 *       {@code RedirectExec} and {@code RetryExec}: one call per hop or retry, whatever
 *       {@code execute} overload or {@code ResponseHandler} the application used. Routing and
 *       audit in one advice.</li>
 *   <li>Async: {@code AbstractClientExchangeHandler.setRoute} (routing, first request and
 *       redirects), {@code MainClientExec.prepareRequest}/{@code generateRequest} (a hop starts),
 *       {@code MainClientExec.responseReceived} (its response head) and the handler's
 *       {@code failed}/{@code cancel} (its failure). The hop's handle rides in the exchange's
 *       {@code HttpClientContext}, as the callbacks run on I/O dispatcher threads.</li>
 *   <li>Policy: a denied exchange is never sent; the call fails with {@code EgressDeniedException}
 *       (classic: thrown instead of running {@code ProtocolExec}; async: thrown from
 *       {@code prepareRequest}, before a connection is requested).</li>
 * </ul>
 * Every class is matched by exact name and every advice must find its method, so a version with
 * different internals is reported as a failed transformation instead of being skipped silently.
 * Not covered (calls still meet the socket guard), and reported by the agent as not instrumented
 * when the application loads them: {@code HttpClients.createMinimal()} and the minimal/pipelining
 * async clients, which cannot use a proxy at all, and the deprecated {@code DefaultHttpClient} /
 * {@code DefaultHttpAsyncClient} engines (the only ones of HttpClient 4.0-4.2 and HttpAsyncClient 4.0).
 */
public final class ApacheHttpClient4Module implements InstrumentationModule {

    /** Client names, the prefix of {@code mcp.egress.client}; the library version is appended. */
    static final String CLASSIC = "apache-httpclient";
    static final String ASYNC = "apache-httpasyncclient";

    /** Where an async hop's handle waits in the exchange's context (compile-time constant: inlined into advice). */
    static final String EXCHANGE_ATTRIBUTE = "io.mcpegress.exchange";
    /** {request, denial} of a denied classic exchange, so library retries of it are not new events. */
    static final String DENIED_ATTRIBUTE = "io.mcpegress.denied";

    static final String PROTOCOL_EXEC = "org.apache.http.impl.execchain.ProtocolExec";
    static final String ASYNC_PACKAGE = "org.apache.http.impl.nio.client.";
    static final String ASYNC_MAIN_EXEC = ASYNC_PACKAGE + "MainClientExec";
    static final String ASYNC_HANDLER_BASE = ASYNC_PACKAGE + "AbstractClientExchangeHandler";
    static final String ASYNC_HANDLER = "org.apache.http.impl.nio.client.DefaultClientExchangeHandlerImpl";
    static final String ASYNC_STATE = ASYNC_PACKAGE + "InternalState";
    private static final String ROUTE = "org.apache.http.conn.routing.HttpRoute";

    // advice classes by name: the module class must not load anything that mentions library types
    private static final String ADVICE = "io.mcpegress.instrumentation.apache4.";

    @Override
    public String name() {
        return "apache-httpclient-4";
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(
                StrictTypeMatcher.instrument(PROTOCOL_EXEC,
                        new AdviceBinding(named("execute").and(takesArguments(4))
                                .and(takesArgument(0, named(ROUTE)))
                                .and(takesArgument(1, named("org.apache.http.client.methods.HttpRequestWrapper")))
                                .and(takesArgument(2, named("org.apache.http.client.protocol.HttpClientContext"))),
                                ADVICE + "ClassicExchangeAdvice")),
                StrictTypeMatcher.instrument(ASYNC_HANDLER_BASE,
                        new AdviceBinding(named("setRoute").and(takesArguments(1)).and(takesArgument(0, named(ROUTE))),
                                ADVICE + "AsyncRouteAdvice"),
                        new AdviceBinding(named("failed").and(takesArguments(1))
                                .and(takesArgument(0, named("java.lang.Exception"))), ADVICE + "AsyncFailedAdvice"),
                        new AdviceBinding(named("cancel").and(takesArguments(0)), ADVICE + "AsyncCancelledAdvice")),
                StrictTypeMatcher.instrument(ASYNC_MAIN_EXEC,
                        new AdviceBinding(named("prepareRequest").and(takesArguments(2))
                                .and(takesArgument(0, named(ASYNC_STATE)))
                                .and(takesArgument(1, named(ASYNC_HANDLER_BASE))),
                                ASYNC_PACKAGE + "EgressPrepareRequestAdvice"),
                        new AdviceBinding(named("generateRequest").and(takesArguments(2))
                                .and(takesArgument(0, named(ASYNC_STATE)))
                                .and(takesArgument(1, named(ASYNC_HANDLER_BASE))),
                                ASYNC_PACKAGE + "EgressGenerateRequestAdvice"),
                        new AdviceBinding(named("responseReceived").and(takesArguments(3))
                                .and(takesArgument(0, named("org.apache.http.HttpResponse")))
                                .and(takesArgument(1, named(ASYNC_STATE))),
                                ASYNC_PACKAGE + "EgressResponseReceivedAdvice")),
                // engines the client layer does not cover: said loudly when the application uses them
                UnsupportedClient.reportOnLoad("org.apache.http.impl.client.DefaultRequestDirector",
                        "the deprecated DefaultHttpClient API (and HttpClient 4.0-4.2) is not supported; use HttpClientBuilder"),
                UnsupportedClient.reportOnLoad("org.apache.http.impl.client.MinimalHttpClient",
                        "HttpClients.createMinimal() cannot use a proxy"),
                UnsupportedClient.reportOnLoad(ASYNC_PACKAGE + "DefaultAsyncRequestDirector",
                        "the deprecated DefaultHttpAsyncClient API (and HttpAsyncClient 4.0) is not supported; use HttpAsyncClientBuilder"),
                UnsupportedClient.reportOnLoad(ASYNC_PACKAGE + "MinimalHttpAsyncClient",
                        "HttpAsyncClients.createMinimal() cannot use a proxy"));
    }
}
