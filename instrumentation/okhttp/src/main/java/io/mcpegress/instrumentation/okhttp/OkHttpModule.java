package io.mcpegress.instrumentation.okhttp;

import io.mcpegress.instrumentation.api.InstrumentationModule;
import io.mcpegress.instrumentation.api.TypeInstrumentation;
import io.mcpegress.instrumentation.api.TypeInstrumentation.AdviceBinding;
import io.mcpegress.instrumentation.api.type.MethodShape;
import io.mcpegress.instrumentation.api.type.TypeShape;
import io.mcpegress.instrumentation.api.match.Matcher;

import java.util.List;

import static io.mcpegress.instrumentation.api.match.Matchers.declaresField;
import static io.mcpegress.instrumentation.api.match.Matchers.fieldType;
import static io.mcpegress.instrumentation.api.match.Matchers.isAnnotatedWith;
import static io.mcpegress.instrumentation.api.match.Matchers.isConstructor;
import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static io.mcpegress.instrumentation.api.match.Matchers.not;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArgument;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArguments;

/**
 * OkHttp 3.x, 4.x and 5.x. Two classes, present under the same names in every line since 3.x,
 * carry every call, sync ({@code execute}) or async ({@code enqueue}), HTTP/1.1 or HTTP/2:
 * <ul>
 *   <li>{@code okhttp3.Address}: every connection (and every route OkHttp plans for it) is made for
 *       an Address, built per call from the client's {@code proxy}, {@code proxySelector} and socket
 *       factories. Its {@code proxy} field, when set, wins over any selector. We set it right after
 *       construction, so {@code Proxy.NO_PROXY}, a custom selector, a proxy of the application's own
 *       and clients built before the agent started are all covered, and OkHttp's own proxy support
 *       carries the call: absolute-form requests for http, a CONNECT tunnel for https, TLS (and
 *       ALPN, so HTTP/2) end to end with the application's own SSL socket factory.</li>
 *   <li>{@code ConnectInterceptor.intercept(Chain)}: the chain step that obtains a connection and
 *       then runs the network interceptors and {@code CallServerInterceptor}. It runs once per
 *       attempt that goes to the network, after the cache, inside the retry-and-follow-up loop: each
 *       redirect hop and each retry is its own event, a cache hit is none, and a connect failure is
 *       still an audited attempt. A proxy's CONNECT is written by the connection itself, so it is not
 *       an exchange. Nothing is added to the application's interceptor lists.</li>
 * </ul>
 * The audit advice names the client {@code okhttp/<version>}, read at run time from the library:
 * OkHttp 3 (Java) has {@code okhttp3.internal.Version.userAgent()}, OkHttp 4 and 5 (Kotlin) have
 * {@code okhttp3.OkHttp.VERSION}. The two lines are told apart by the shape of the intercepted class
 * (see {@link #okHttp3()}); the two variants' matchers are complements, so every ConnectInterceptor
 * matches exactly one of them.
 *
 * <p>Every matcher ends with an {@link OkHttpApi} check of the members the advice touches: an OkHttp
 * version that lacks one fails the transformation, which the agent reports as an instrumentation
 * error, instead of being skipped silently.
 */
public final class OkHttpModule implements InstrumentationModule {

    static final String CLIENT = "okhttp";
    static final String ADDRESS = "okhttp3.Address";
    static final String CONNECT_INTERCEPTOR = "okhttp3.internal.connection.ConnectInterceptor";
    static final String RETRY_INTERCEPTOR = "okhttp3.internal.http.RetryAndFollowUpInterceptor";

    @Override
    public String name() {
        return CLIENT;
    }

    @Override
    public List<TypeInstrumentation> typeInstrumentations() {
        return List.of(
                TypeInstrumentation.of(ADDRESS, OkHttpApi.address(),
                        new AdviceBinding(isConstructor(), RouteAddressAdvice.class.getName())),
                TypeInstrumentation.of(CONNECT_INTERCEPTOR, okHttp3().and(OkHttpApi.connectInterceptor()),
                        new AdviceBinding(intercept(), OkHttp3ExchangeAdvice.class.getName())),
                TypeInstrumentation.of(CONNECT_INTERCEPTOR, not(okHttp3()).and(OkHttpApi.connectInterceptor()),
                        new AdviceBinding(intercept(), ExchangeAdvice.class.getName())),
                TypeInstrumentation.of(RETRY_INTERCEPTOR,
                        new AdviceBinding(intercept(), UnwrapDenialAdvice.class.getName())));
    }

    private static Matcher<MethodShape> intercept() {
        return named("intercept").and(takesArguments(1)).and(takesArgument(0, named(OkHttpApi.CHAIN)));
    }

    /**
     * OkHttp 3's ConnectInterceptor: a Java class holding the client. OkHttp 4 rewrote the library in
     * Kotlin and made it a stateless {@code object}. Both signs must agree for the 3.x advice; the
     * Kotlin metadata alone would misclassify a 4.x class whose annotation type the class loader
     * cannot resolve (the type pool drops such annotations), the field alone a future line that
     * brought the field back.
     */
    private static Matcher<TypeShape> okHttp3() {
        return not(isAnnotatedWith(named("kotlin.Metadata")))
                .and(declaresField(named("client").and(fieldType(named("okhttp3.OkHttpClient")))));
    }
}
