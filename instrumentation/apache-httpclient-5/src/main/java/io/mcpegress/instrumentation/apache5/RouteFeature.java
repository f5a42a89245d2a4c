package io.mcpegress.instrumentation.apache5;

import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;

/**
 * Whether the {@code HttpRoute} a {@code Scope} is built with has a given method: 5.4 added the
 * route's {@code targetName} (TLS server name when it differs from the target), 5.6 Unix-domain
 * socket routes. The route advice comes in one variant per generation, each only calling API its
 * generation has, so no version meets a method it lacks.
 */
final class RouteFeature implements ElementMatcher<TypeDescription> {

    private final String method;

    private RouteFeature(String method) {
        this.method = method;
    }

    static RouteFeature routeDeclares(String method) {
        return new RouteFeature(method);
    }

    @Override
    public boolean matches(TypeDescription scope) {
        for (MethodDescription.InDefinedShape constructor : scope.getDeclaredMethods()
                .filter(isConstructor().and(takesArgument(1, named(ApacheHttpClient5Module.ROUTE))))) {
            TypeDescription route = constructor.getParameters().get(1).getType().asErasure();
            return !route.getDeclaredMethods().filter(named(method)).isEmpty();
        }
        return false;
    }

    @Override
    public String toString() {
        return "routeDeclares(" + method + ")";
    }
}
