package io.mcpegress.instrumentation.urlconnection;

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
 * {@code java.net.HttpURLConnection} and {@code HttpsURLConnection}. Both end up in
 * {@code sun.net.www.protocol.http.HttpURLConnection} (the HTTPS one through a delegate that
 * extends it), so one class carries everything:
 * <ul>
 *   <li>the constructor taking {@code (URL, Proxy, Handler)} sets {@code instProxy}, the per-connection
 *       proxy (also what {@code openConnection(Proxy.NO_PROXY)} lands in): we replace it;</li>
 *   <li>{@code getInputStream0()} sends the request and reads the response head, following
 *       redirects in a loop; {@code followRedirect()} marks each hop and {@code followRedirect0}
 *       checks the next hop's destination before connecting to it;</li>
 *   <li>{@code plainConnect()} and {@code writeRequests()} mark a hop as really sent, and connect
 *       failures of calls that never reach getInputStream are reported from there.</li>
 * </ul>
 * The advice only reads fields; it never calls response accessors, which change the connection's state.
 */
public final class HttpUrlConnectionModule implements InstrumentationModule {

    static final String CONNECTION = "sun.net.www.protocol.http.HttpURLConnection";
    static final String CLIENT = "httpurlconnection";

    @Override
    public String name() {
        return CLIENT;
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(TypeInstrumentation.of(CONNECTION,
                new AdviceBinding(isConstructor().and(takesArguments(3))
                        .and(takesArgument(0, named("java.net.URL")))
                        .and(takesArgument(1, named("java.net.Proxy"))), RouteConnectionAdvice.class.getName()),
                new AdviceBinding(named("getInputStream0").and(takesArguments(0)), ExchangeAdvice.class.getName()),
                new AdviceBinding(named("followRedirect").and(takesArguments(0)), RedirectAdvice.class.getName()),
                new AdviceBinding(named("followRedirect0").and(takesArguments(3))
                        .and(takesArgument(2, named("java.net.URL"))), RedirectTargetAdvice.class.getName()),
                new AdviceBinding(named("plainConnect").and(takesArguments(0)), ConnectAdvice.class.getName()),
                new AdviceBinding(named("writeRequests").and(takesArguments(0)), WriteRequestsAdvice.class.getName())));
    }

    @Override
    public Set<String> jdkModulesNeedingBootstrapReads() {
        return Set.of("java.base");
    }
}
