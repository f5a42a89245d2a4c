package io.mcpegress.instrumentation.apache5;

import io.mcpegress.instrumentation.api.type.MethodShape;
import io.mcpegress.instrumentation.api.type.TypeShape;
import io.mcpegress.instrumentation.api.match.Matcher;

import static io.mcpegress.instrumentation.api.match.Matchers.declaresMethod;
import static io.mcpegress.instrumentation.api.match.Matchers.isConstructor;
import static io.mcpegress.instrumentation.api.match.Matchers.named;
import static io.mcpegress.instrumentation.api.match.Matchers.takesArgument;

/**
 * Whether the {@code HttpRoute} a {@code Scope} is built with has a given method: 5.4 added the
 * route's {@code targetName} (TLS server name when it differs from the target), 5.6 Unix-domain
 * socket routes. The route advice comes in one variant per generation, each only calling API its
 * generation has, so no version meets a method it lacks.
 */
final class RouteFeature implements Matcher<TypeShape> {

    private final String method;

    private RouteFeature(String method) {
        this.method = method;
    }

    static RouteFeature routeDeclares(String method) {
        return new RouteFeature(method);
    }

    @Override
    public boolean matches(TypeShape scope) {
        Matcher<MethodShape> scopeConstructor = isConstructor().and(takesArgument(1, named(ApacheHttpClient5Module.ROUTE)));
        for (MethodShape constructor : scope.declaredMethods()) {
            if (scopeConstructor.matches(constructor)) {
                return declaresMethod(named(method)).matches(constructor.parameterType(1));
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "routeDeclares(" + method + ")";
    }
}
